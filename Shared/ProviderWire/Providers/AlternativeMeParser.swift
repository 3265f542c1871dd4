import CryptoModels

/// Parser for alternative.me's Crypto Fear & Greed Index (`/fng/?limit=N`).
public enum AlternativeMeParser {
    /// Error plumbing naming this provider.
    static let wire = WireContext(.alternativeMe)

    /// `/fng/?limit=N`: entries newest first. `value` and `timestamp` (seconds) arrive as strings;
    /// `metadata.error` carries the provider's error.
    /// - Throws: ``ProviderWireError/emptyResult(provider:detail:)`` when `data` is empty.
    public static func parseFearGreed(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [FearGreedEntry] {
        let root = try wire.object(try wire.json(body), "the /fng body")
        if let error = root["metadata"]?["error"], !error.isNull {
            throw .providerError(provider: .alternativeMe, code: nil, message: error.string ?? WireContext.kind(error))
        }
        let rows = try wire.array(root["data"], "`data` of /fng")
        guard !rows.isEmpty else { throw .emptyResult(provider: .alternativeMe, detail: "`data` is empty") }
        var entries: [FearGreedEntry] = []
        entries.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let value = try wire.int64(row["value"], "`value` of entry \(index)")
            guard (0...100).contains(value) else {
                throw wire.malformed("`value` of entry \(index) is \(value), outside 0–100")
            }
            entries.append(FearGreedEntry(value: Int(value),
                                          classification: try wire.string(row["value_classification"], "`value_classification` of entry \(index)"),
                                          ts: try wire.int64(row["timestamp"], "`timestamp` of entry \(index)") * 1_000))
        }
        return entries.sorted { $0.ts > $1.ts }
    }
}
