import CryptoModels

/// Parsing of feed timestamps into epoch milliseconds, without Foundation date formatters (fast and locale-free).
///
/// - RSS `pubDate` (RFC 822 / RFC 2822): `Wed, 30 Sep 2026 17:16:31 +0000`; the weekday is optional (and not
///   checked), full month and weekday names are accepted, years may have two digits (00–49 → 20xx, 50–99 → 19xx),
///   seconds may be missing, `-` may separate the date parts, and the zone is a numeric offset (`+0000`, `-0500`,
///   `+05:30`), `GMT`/`UT`/`UTC`, a North American zone (`EST` `EDT` `CST` `CDT` `MST` `MDT` `PST` `PDT`), or a
///   military letter: `Z` is UTC and, as RFC 2822 §4.3 advises because RFC 822 defined their signs backwards, the
///   other letters are read as UTC too. A missing zone is read as UTC. Unknown zone names (`CEST`, `IST`) are
///   refused rather than guessed.
/// - Atom, `dc:date`, `atom:updated` (RFC 3339 / W3C-DTF): `2026-09-30T17:16:31Z`, `…31.123456+02:00`; fractional
///   seconds are truncated to milliseconds, a space or lower-case `t` may separate date and time, the offset may be
///   written `+0200` or `+02`, and date-only values (`2026-09-30`) mean midnight UTC.
public enum FeedDate {
    /// Parses either format (RFC 3339 is tried first when the text starts with a four-digit year).
    public static func parse(_ text: String) -> EpochMillis? {
        let bytes = Array(text.utf8)
        if bytes.count >= 5, bytes[0..<4].allSatisfy(isDigit), bytes[4] == UInt8(ascii: "-") {
            return parseRFC3339(text) ?? parseRFC822(text)
        }
        return parseRFC822(text) ?? parseRFC3339(text)
    }

    /// Parses an RFC 822 / RFC 2822 date-time (see the type's documentation for the accepted variants).
    public static func parseRFC822(_ text: String) -> EpochMillis? {
        var s = Scanner(text)
        s.skipSpace()
        if let word = s.word() {
            // Optional weekday ("Wed," / "Wednesday"); it is not checked against the date.
            guard word.utf8.count >= 3, weekdays.contains(where: { word.lowercased().hasPrefix($0) }) else { return nil }
            s.skip(",")
            s.skipSpace()
        }
        guard let day = s.number(maxDigits: 2) else { return nil }
        s.skipSeparators()
        guard let monthWord = s.word(), let month = monthNumber(monthWord) else { return nil }
        s.skipSeparators()
        let yearStart = s.index
        guard var year = s.number(maxDigits: 4) else { return nil }
        switch s.index - yearStart {
        case 2: year += year < 50 ? 2000 : 1900
        case 3: year += 1900
        default: break
        }
        s.skipSpace()
        guard let hour = s.number(maxDigits: 2), s.skip(":"), let minute = s.number(maxDigits: 2) else { return nil }
        var second = 0, millis = 0
        if s.skip(":") {
            guard let sec = s.number(maxDigits: 2) else { return nil }
            second = sec
            if s.skip(".") { millis = s.fraction() }
        }
        s.skipSpace()
        var offset = 0
        if let sign = s.sign() {
            guard let zone = s.numericOffset() else { return nil }
            offset = sign * zone
        } else if let zone = s.word() {
            guard let minutes = namedZones[zone.uppercased()] ?? militaryZone(zone) else { return nil }
            offset = minutes
        }
        s.skipSpace()
        if s.skip("(") {   // a trailing comment such as "(UTC)"
            s.skipUntil(UInt8(ascii: ")"))
            s.skip(")")
            s.skipSpace()
        }
        guard s.atEnd else { return nil }
        return epochMillis(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                           millis: millis, offsetMinutes: offset)
    }

    /// Parses an RFC 3339 / W3C-DTF date-time (see the type's documentation for the accepted variants).
    public static func parseRFC3339(_ text: String) -> EpochMillis? {
        var s = Scanner(text)
        s.skipSpace()
        let yearStart = s.index
        guard let year = s.number(maxDigits: 4), s.index - yearStart == 4, s.skip("-"),
              let month = s.exactNumber(2), s.skip("-"), let day = s.exactNumber(2) else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0, offset = 0
        if s.skip("T") || s.skip("t") || (s.skip(" ") && !s.atEnd) {
            guard let h = s.exactNumber(2), s.skip(":"), let m = s.exactNumber(2) else { return nil }
            hour = h; minute = m
            if s.skip(":") {
                guard let sec = s.exactNumber(2) else { return nil }
                second = sec
                if s.skip(".") || s.skip(",") { millis = s.fraction() }
            }
            if s.skip("Z") || s.skip("z") {
                offset = 0
            } else if let sign = s.sign() {
                guard let zone = s.numericOffset() else { return nil }
                offset = sign * zone
            }
        }
        s.skipSpace()
        guard s.atEnd else { return nil }
        return epochMillis(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                           millis: millis, offsetMinutes: offset)
    }

    /// Epoch milliseconds of a civil date-time at `offsetMinutes` east of UTC, or `nil` when a field is out of range.
    public static func epochMillis(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int,
                                   millis: Int = 0, offsetMinutes: Int = 0) -> EpochMillis? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), (0...23).contains(hour),
              (0...59).contains(minute), (0...60).contains(second), (0...999).contains(millis),
              abs(offsetMinutes) < 24 * 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(millis)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The number of days in `month` (1–12) of `year` (proleptic Gregorian).
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let fullMonths = ["january", "february", "march", "april", "may", "june", "july", "august",
                                     "september", "october", "november", "december"]

    private static func monthNumber(_ word: String) -> Int? {
        let w = word.lowercased()
        if let k = months.firstIndex(of: w) { return k + 1 }
        if let k = fullMonths.firstIndex(of: w) { return k + 1 }
        if w == "sept" { return 9 }
        return nil
    }

    /// Zone names of RFC 822 §5 (minutes east of UTC).
    private static let namedZones: [String: Int] = [
        "GMT": 0, "UT": 0, "UTC": 0, "Z": 0,
        "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    ]

    private static func militaryZone(_ zone: String) -> Int? {
        guard zone.utf8.count == 1, let b = zone.uppercased().utf8.first, b >= UInt8(ascii: "A"),
              b <= UInt8(ascii: "Z"), b != UInt8(ascii: "J") else { return nil }
        return 0
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}
