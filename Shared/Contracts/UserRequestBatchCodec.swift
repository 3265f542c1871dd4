import CryptoModels

/// The compact wire form of a `store.user_requests.record` batch.
///
/// The gateway sends one batch of audit rows a second (thousands of rows under load), so the form avoids an object
/// per row: the distinct strings (route templates, methods, key ids) are listed once in `strings`, and `rows` is one
/// text of rows separated by `;`, each seven decimal integers separated by `,`:
/// `ts` (epoch ms), key id (index into `strings`, or -1 for anonymous), route (index), method (index), status,
/// latency (µs), bytes. Encoding and decoding are byte loops, with no per-row `Codable` machinery.
public enum UserRequestBatchCodec {
    enum Key: String, CodingKey { case strings, rows, requests }

    /// Integers per row.
    static let fieldsPerRow = 7

    /// Encodes `records` in the compact form.
    public static func encode(_ records: [UserRequestRecord], to encoder: any Encoder) throws {
        var strings: [String] = []
        var rows: [UInt8] = []
        rows.reserveCapacity(records.count * 40)
        var table = StringTable()
        for (index, record) in records.enumerated() {
            if index > 0 { rows.append(0x3B) } // ;
            append(record.ts, to: &rows)
            rows.append(0x2C)
            append(Int64(record.keyID.map { table.index(of: $0, in: &strings) } ?? -1), to: &rows)
            rows.append(0x2C)
            append(Int64(table.index(of: record.route, in: &strings)), to: &rows)
            rows.append(0x2C)
            append(Int64(table.index(of: record.method, in: &strings)), to: &rows)
            rows.append(0x2C)
            append(Int64(record.status), to: &rows)
            rows.append(0x2C)
            append(record.latencyUs, to: &rows)
            rows.append(0x2C)
            append(record.bytes, to: &rows)
        }
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(strings, forKey: .strings)
        try container.encode(String(decoding: rows, as: UTF8.self), forKey: .rows)
    }

    /// Decodes the compact form, or the older `requests` array of objects.
    public static func decode(from decoder: any Decoder) throws -> [UserRequestRecord] {
        let container = try decoder.container(keyedBy: Key.self)
        if !container.contains(.rows), container.contains(.requests) {
            return try container.decode([UserRequestRecord].self, forKey: .requests)
        }
        let strings = try container.decode([String].self, forKey: .strings)
        let rows = try container.decode(String.self, forKey: .rows)
        do {
            return try parse(rows, strings: strings)
        } catch let error as FormatError {
            throw DecodingError.dataCorruptedError(forKey: .rows, in: container, debugDescription: error.reason)
        }
    }

    /// A malformed `rows` text.
    struct FormatError: Error {
        let reason: String
    }

    /// Parses the `rows` text against the string table.
    static func parse(_ text: String, strings: [String]) throws -> [UserRequestRecord] {
        var text = text
        return try text.withUTF8 { bytes throws -> [UserRequestRecord] in
            var records: [UserRequestRecord] = []
            guard !bytes.isEmpty else { return records }
            records.reserveCapacity(bytes.count / 24)
            var fields = (Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0))
            var field = 0
            var value: Int64 = 0
            var negative = false
            var digits = 0
            var position = 0
            while true {
                let byte: UInt8 = position < bytes.count ? bytes[position] : 0x3B
                switch byte {
                case 0x30...0x39:
                    let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - 0x30))
                    guard !overflow1, !overflow2 else { throw FormatError(reason: "row \(records.count): integer out of range") }
                    value = sum
                    digits += 1
                case 0x2D where digits == 0 && !negative:
                    negative = true
                case 0x2C, 0x3B: // , ;
                    guard digits > 0 else { throw FormatError(reason: "row \(records.count): empty field") }
                    let number = negative ? -value : value
                    switch field {
                    case 0: fields.0 = number
                    case 1: fields.1 = number
                    case 2: fields.2 = number
                    case 3: fields.3 = number
                    case 4: fields.4 = number
                    case 5: fields.5 = number
                    case 6: fields.6 = number
                    default: throw FormatError(reason: "row \(records.count): more than \(fieldsPerRow) fields")
                    }
                    field += 1
                    value = 0
                    negative = false
                    digits = 0
                    if byte == 0x3B {
                        guard field == fieldsPerRow else {
                            throw FormatError(reason: "row \(records.count): \(field) fields, expected \(fieldsPerRow)")
                        }
                        records.append(try record(fields, strings: strings, row: records.count))
                        field = 0
                        if position >= bytes.count { return records }
                    }
                default:
                    throw FormatError(reason: "row \(records.count): unexpected character at offset \(position)")
                }
                position += 1
            }
        }
    }

    /// One record from its seven integers.
    static func record(_ fields: (Int64, Int64, Int64, Int64, Int64, Int64, Int64), strings: [String],
                       row: Int) throws(FormatError) -> UserRequestRecord {
        func string(_ index: Int64, _ name: String) throws(FormatError) -> String {
            guard index >= 0, index < Int64(strings.count) else {
                throw FormatError(reason: "row \(row): \(name) index \(index) is not in strings (\(strings.count))")
            }
            return strings[Int(index)]
        }
        guard fields.1 >= -1 else { throw FormatError(reason: "row \(row): key index \(fields.1)") }
        guard let status = Int(exactly: fields.4) else { throw FormatError(reason: "row \(row): status out of range") }
        return UserRequestRecord(ts: fields.0, keyID: fields.1 == -1 ? nil : try string(fields.1, "key"),
                                 route: try string(fields.2, "route"), method: try string(fields.3, "method"),
                                 status: status, latencyUs: fields.5, bytes: fields.6)
    }

    /// Appends an integer's decimal digits.
    static func append(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(0x2D) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    /// Indexes of distinct strings; consecutive rows usually repeat the previous row's strings, which are found by
    /// a cheap comparison before the dictionary is consulted.
    struct StringTable {
        var indexes: [String: Int] = [:]
        var recent: [(String, Int)] = []

        mutating func index(of string: String, in strings: inout [String]) -> Int {
            for (candidate, index) in recent where candidate == string { return index }
            let index: Int
            if let known = indexes[string] {
                index = known
            } else {
                index = strings.count
                strings.append(string)
                indexes[string] = index
            }
            if recent.count < 4 { recent.append((string, index)) } else { recent[index % 4] = (string, index) }
            return index
        }
    }
}
