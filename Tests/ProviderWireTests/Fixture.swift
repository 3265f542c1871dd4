import CryptoModels
import Foundation
import ProviderWire
import Testing

/// Loads the fixture copies under `Tests/Fixtures` (see its MANIFEST.md).
enum Fixture {
    /// `Tests/Fixtures`, found relative to this source file.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The bytes of `path` (relative to `Tests/Fixtures`).
    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(path)))
    }

    /// Every real capture copied for these tests (the hand-written files under `written/` excluded).
    static let captures: [String] = [
        "alternative_me/fng_limit2.json",
        "binance/error_invalid_symbol.json", "binance/exchange_info.json", "binance/klines.json",
        "binance/ticker_24hr.json", "binance/ticker_price.json",
        "coincap/asset_history.json", "coincap/assets.json",
        "coingecko/coins_list.json", "coingecko/error_422_missing_parameter.json", "coingecko/error_429_rate_limit.json",
        "coingecko/error_500.json", "coingecko/global.json", "coingecko/market_chart.json", "coingecko/markets.json",
        "coingecko/ohlc.json", "coingecko/simple_price.json", "coingecko/trending.json",
        "cryptocompare/histohour_v1.json", "cryptocompare/pricemultifull.json",
        "defillama/historical_chain_tvl.json", "defillama/protocols.json", "defillama/tvl.json",
        "kraken/ohlc.json", "kraken/ticker.json",
    ]
}

/// An exact amount from a decimal literal known to be valid (test constants only).
func amount(_ text: String) -> Amount {
    guard let value = Amount(parsing: text) else { fatalError("bad test constant \(text)") }
    return value
}

/// A time long after every capture, so every finished candle counts as closed.
let farFuture: EpochMillis = 4_102_444_800_000 // 2100-01-01

/// Runs `body` and returns the ``ProviderWireError`` it throws (failing the test when it throws nothing or something else).
func wireError<T>(_ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) -> ProviderWireError? {
    do {
        _ = try body()
        Issue.record("expected a ProviderWireError, got a value", sourceLocation: sourceLocation)
    } catch let error as ProviderWireError {
        return error
    } catch {
        Issue.record("expected a ProviderWireError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The bytes of a string literal.
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }
