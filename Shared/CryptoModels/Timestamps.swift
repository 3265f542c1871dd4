import Foundation

/// Milliseconds since the Unix epoch, the `ts` of the public API.
public typealias EpochMillis = Int64

/// Conversions between epoch milliseconds, `Date` and ISO-8601 text.
public enum Timestamps {
    /// The current time in epoch milliseconds.
    public static func nowMillis() -> EpochMillis {
        EpochMillis((Date().timeIntervalSince1970 * 1_000).rounded())
    }

    /// `ms` as ISO-8601 UTC with milliseconds, e.g. `2026-11-21T18:41:55.123Z`.
    public static func iso8601(_ ms: EpochMillis) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1_000)
            .formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// Parses an ISO-8601 date-time (with or without fractional seconds) into epoch milliseconds.
    public static func parseISO8601(_ text: String) -> EpochMillis? {
        if let date = try? Date(text, strategy: .iso8601) { return EpochMillis((date.timeIntervalSince1970 * 1_000).rounded()) }
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? Date(text, strategy: fractional) {
            return EpochMillis((date.timeIntervalSince1970 * 1_000).rounded())
        }
        return nil
    }
}
