import Contracts
import CryptoModels
import Foundation
@testable import Store

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    /// The directory's URL.
    let url: URL

    /// Creates a unique directory under the system temporary directory.
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Deletes the directory and everything in it.
    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Opens a store on a new file in a temporary directory, runs `body`, then closes and deletes everything.
func withStore<T>(_ body: (SQLiteHistoryStore, TemporaryDirectory) async throws -> T) async throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try SQLiteHistoryStore(path: directory.path("history.sqlite"))
    defer { try? store.close() }
    return try await body(store, directory)
}

/// Errors of the fixture parsers.
struct FixtureError: Error, CustomStringConvertible {
    /// What was wrong.
    let description: String
}

/// Loads and parses the real provider captures in `Tests/Fixtures/store` into CryptoModels values.
enum Fixtures {
    /// The fixtures folder.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/store")

    /// Raw bytes of a fixture.
    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// Text of a fixture.
    static func text(_ name: String) throws -> String {
        String(decoding: try data(name), as: UTF8.self)
    }

    /// JSON with every object member that is a number rewritten as a string, so decimals keep their exact
    /// literal digits instead of passing through `Double`.
    static func exactJSON(_ name: String) throws -> Any {
        let text = try text(name)
        let regex = try NSRegularExpression(pattern: #"(:\s*)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(\s*[,}\]])"#)
        let quoted = regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                    withTemplate: "$1\"$2\"$3")
        return try JSONSerialization.jsonObject(with: Data(quoted.utf8))
    }

    /// Parses an exact decimal or fails the test.
    static func amount(_ value: Any?) throws -> Amount {
        guard let text = value as? String, let amount = Amount(parsing: text) else {
            throw FixtureError(description: "not a decimal: \(String(describing: value))")
        }
        return amount
    }

    /// CoinCap `/v2/assets` (50 assets, timestamp 1581338401968) as USD quotes.
    static func coincapQuotes() throws -> [Quote] {
        let root = try JSONSerialization.jsonObject(with: try data("coincap/assets.json")) as? [String: Any]
        guard let rows = root?["data"] as? [[String: Any]], let ts = (root?["timestamp"] as? NSNumber)?.int64Value else {
            throw FixtureError(description: "coincap/assets.json has no data/timestamp")
        }
        return try rows.map { row in
            Quote(symbol: row["symbol"] as? String ?? "", vs: "usd", price: try amount(row["priceUsd"]),
                  marketCap: try amount(row["marketCapUsd"]), volume24h: try amount(row["volumeUsd24Hr"]),
                  change24hPct: (row["changePercent24Hr"] as? String).flatMap(Double.init), ts: ts)
        }
    }

    /// CoinCap assets as a market listing.
    static func coincapMarket() throws -> [MarketEntry] {
        let root = try JSONSerialization.jsonObject(with: try data("coincap/assets.json")) as? [String: Any]
        let ts = (root?["timestamp"] as? NSNumber)?.int64Value
        guard let rows = root?["data"] as? [[String: Any]] else { throw FixtureError(description: "no data") }
        return try rows.map { row in
            MarketEntry(id: row["id"] as? String ?? "", symbol: row["symbol"] as? String ?? "",
                        name: row["name"] as? String ?? "", rank: (row["rank"] as? String).flatMap { Int($0) },
                        price: try amount(row["priceUsd"]), marketCap: try amount(row["marketCapUsd"]),
                        volume24h: try amount(row["volumeUsd24Hr"]),
                        change24hPct: (row["changePercent24Hr"] as? String).flatMap(Double.init),
                        circulatingSupply: try amount(row["supply"]),
                        maxSupply: row["maxSupply"] is String ? try amount(row["maxSupply"]) : nil, ts: ts)
        }
    }

    /// Binance `/api/v3/klines` BTCUSDT 1m (10 closed candles from 1634943780000).
    static func binanceCandles() throws -> [Candle] {
        guard let rows = try JSONSerialization.jsonObject(with: try data("binance/klines.json")) as? [[Any]] else {
            throw FixtureError(description: "binance/klines.json is not an array of arrays")
        }
        return try rows.map { row in
            Candle(openTime: (row[0] as? NSNumber)?.int64Value ?? -1, open: try amount(row[1]), high: try amount(row[2]),
                   low: try amount(row[3]), close: try amount(row[4]), volume: try amount(row[5]), closed: true)
        }
    }

    /// Kraken `/0/public/OHLC` XBTUSDT 1m: 721 candles, the last one still open (Kraken's last entry is uncommitted).
    static func krakenCandles() throws -> [Candle] {
        let root = try JSONSerialization.jsonObject(with: try data("kraken/ohlc.json")) as? [String: Any]
        guard let rows = (root?["result"] as? [String: Any])?["XBTUSDT"] as? [[Any]] else {
            throw FixtureError(description: "kraken/ohlc.json has no result.XBTUSDT")
        }
        return try rows.enumerated().map { index, row in
            Candle(openTime: ((row[0] as? NSNumber)?.int64Value ?? -1) * 1_000, open: try amount(row[1]),
                   high: try amount(row[2]), low: try amount(row[3]), close: try amount(row[4]),
                   volume: try amount(row[6]), closed: index < rows.count - 1)
        }
    }

    /// CoinGecko `market_chart?days=1` prices (288 points), with the exact literal digits of each price.
    static func coingeckoPrices() throws -> [PricePoint] {
        let text = try text("coingecko/market_chart.json")
        guard let start = text.range(of: "\"prices\":["), let end = text.range(of: "]],", range: start.upperBound..<text.endIndex) else {
            throw FixtureError(description: "market_chart.json has no prices array")
        }
        let body = String(text[start.upperBound..<end.upperBound])
        let regex = try NSRegularExpression(pattern: #"\[(\d+),(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\]"#)
        return try regex.matches(in: body, range: NSRange(body.startIndex..., in: body)).map { match in
            guard let tsRange = Range(match.range(at: 1), in: body), let priceRange = Range(match.range(at: 2), in: body),
                  let ts = Int64(body[tsRange]) else { throw FixtureError(description: "bad point") }
            return PricePoint(ts: ts, price: try amount(String(body[priceRange])))
        }
    }

    /// alternative.me `/fng/?limit=2`: 69 Greed at 1788825600 s, 71 Greed at 1788739200 s.
    static func fearGreed() throws -> [FearGreedEntry] {
        let root = try JSONSerialization.jsonObject(with: try data("alternative_me/fng_limit2.json")) as? [String: Any]
        guard let rows = root?["data"] as? [[String: Any]] else { throw FixtureError(description: "no data") }
        return rows.map { row in
            FearGreedEntry(value: Int(row["value"] as? String ?? "") ?? -1,
                           classification: row["value_classification"] as? String ?? "",
                           ts: (Int64(row["timestamp"] as? String ?? "") ?? -1) * 1_000)
        }
    }

    /// DefiLlama `/protocols` (10 protocols), with exact decimals; compound chain keys split out as in CryptoModels.
    static func defiProtocols() throws -> [DefiProtocol] {
        guard let rows = try exactJSON("defillama/protocols.json") as? [[String: Any]] else {
            throw FixtureError(description: "protocols.json is not an array")
        }
        return try rows.map { row in
            var chainTvls: [String: Amount] = [:], extra: [String: Amount] = [:]
            for (key, value) in row["chainTvls"] as? [String: Any] ?? [:] {
                if let dash = key.lastIndex(of: "-") {
                    extra[String(key[key.index(after: dash)...]), default: 0].value += try amount(value).value
                } else if ["staking", "pool2", "borrowed"].contains(key) {
                    continue
                } else {
                    chainTvls[key] = try amount(value)
                }
            }
            return DefiProtocol(slug: row["slug"] as? String ?? "", name: row["name"] as? String ?? "",
                                category: row["category"] as? String, chains: row["chains"] as? [String] ?? [],
                                tvl: try amount(row["tvl"]), chainTvls: chainTvls, extraTvls: extra,
                                change1dPct: (row["change_1d"] as? String).flatMap(Double.init),
                                change7dPct: (row["change_7d"] as? String).flatMap(Double.init),
                                geckoId: row["gecko_id"] as? String)
        }
    }

    /// The `<item>`s of an RSS fixture as news items (id = guid or link; assets guessed from the title for tests).
    static func rssItems(_ name: String, source: String) throws -> [NewsItem] {
        let text = try text(name)
        func first(_ tag: String, in block: String) -> String? {
            guard let open = block.range(of: "<\(tag)"), let close = block.range(of: "</\(tag)>", range: open.upperBound..<block.endIndex),
                  let gt = block.range(of: ">", range: open.upperBound..<close.lowerBound) else { return nil }
            var value = String(block[gt.upperBound..<close.lowerBound])
            if value.hasPrefix("<![CDATA["), value.hasSuffix("]]>") { value = String(value.dropFirst(9).dropLast(3)) }
            return value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return try text.components(separatedBy: "<item>").dropFirst().map { block in
            guard let link = first("link", in: block), let title = first("title", in: block),
                  let date = first("pubDate", in: block).flatMap(formatter.date(from:)) else {
                throw FixtureError(description: "item without link/title/pubDate in \(name)")
            }
            let guid = first("guid", in: block)
            return NewsItem(id: guid ?? link, guid: guid, url: link, title: title, summary: first("description", in: block),
                            source: source, publishedAt: Int64(date.timeIntervalSince1970 * 1_000))
        }
    }
}
