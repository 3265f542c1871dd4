import CryptoModels
import ProviderKit
import ProviderWire

/// CryptoCompare min-api: pricemultifull as prices, histohour/histoday as OHLCV.
struct CryptoCompareProvider: MarketProvider {
    let endpoint: ProviderEndpoint

    func quotes(_ assets: [Asset], vs: String) async throws(ProviderFailure) -> [Quote] {
        var symbolByFsym: [String: String] = [:]
        for asset in assets { if let fsym = asset.cryptocompareSymbol { symbolByFsym[fsym] = asset.symbol } }
        guard !symbolByFsym.isEmpty else { throw unsupported("these assets") }
        let quotes = try await endpoint.get("/data/pricemultifull", query: [
            ("fsyms", symbolByFsym.keys.sorted().joined(separator: ",")), ("tsyms", vs.uppercased()),
        ]) { body throws(ProviderWireError) in try CryptoCompareParser.parsePriceMultiFull(body.readableBytesView) }
        return quotes.compactMap { quote in
            guard quote.vs == vs.lowercased(), let symbol = symbolByFsym[quote.symbol] else { return nil }
            var renamed = quote
            renamed.symbol = symbol
            return renamed
        }
    }

    func candles(_ asset: Asset, quote: String, interval: Interval, limit: Int, start: Int64?, end: Int64?)
        async throws(ProviderFailure) -> [Candle] {
        guard let fsym = asset.cryptocompareSymbol else { throw unsupported("\(asset.symbol)") }
        let path: String
        var aggregate = 1
        switch interval {
        case .h1: path = "/data/v2/histohour"
        case .h4: path = "/data/v2/histohour"; aggregate = 4
        case .d1: path = "/data/v2/histoday"
        default: throw unsupported("\(interval.rawValue) candles")
        }
        var query: [(String, String)] = [("fsym", fsym), ("tsym", quote), ("limit", String(min(2_000, limit * aggregate)))]
        if aggregate > 1 { query.append(("aggregate", String(aggregate))) }
        if let end { query.append(("toTs", String(end / 1_000 + interval.seconds))) }
        let now = nowMillis()
        let candles = try await endpoint.get(path, query: query) { body throws(ProviderWireError) in
            try CryptoCompareParser.parseHistory(body.readableBytesView, interval: interval, now: now)
        }
        return CandleWindow.clip(candles, limit: limit, start: start, end: end)
    }
}
