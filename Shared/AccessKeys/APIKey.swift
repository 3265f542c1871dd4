import Crypto
import Foundation

/// The API key format shared by the gateway (which checks keys) and `cryptodt-admin` (which creates them).
///
/// A generated key reads `cdt_<id>_<secret>`: `id` is 10 random base62 characters (the key's stable id, also the
/// visible part of its prefix `cdt_<id>`), `secret` 32 random base62 characters (≈ 190 bits). Only the prefix and
/// `sha256:<hex>` of the whole key are stored. A key given from outside (`ADMIN_API_KEY`) may have any form; its
/// id is then derived from its SHA-256 so it can still be found by prefix. Key material never appears in
/// `description` (it prints the prefix only), so interpolating a key into a log line cannot leak it.
public struct APIKey: Sendable, Hashable, CustomStringConvertible {
    /// Every key's literal start.
    public static let marker = "cdt_"
    /// Characters of the id part.
    public static let idLength = 10
    /// Characters of the secret part.
    public static let secretLength = 32
    /// Longest key text accepted from a request (anything longer is malformed).
    public static let maxLength = 256
    /// The shortest `ADMIN_API_KEY` accepted in production.
    public static let minimumBootstrapLength = 24

    /// The whole key, as presented.
    public let value: String
    /// The stable key id.
    public let id: String

    /// The public, stored, look-up prefix: `cdt_<id>`.
    public var prefix: String { Self.marker + id }

    /// Safe to log: the prefix only.
    public var description: String { "\(prefix)…" }

    /// A key as presented by a client, or nil when it is empty, too long, or holds characters outside visible ASCII.
    public init?(presented text: String) {
        guard !text.isEmpty, text.utf8.count <= Self.maxLength,
              text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        value = text
        id = Self.parseID(text) ?? Self.derivedID(text)
    }

    /// A new random key.
    public static func generate() -> APIKey {
        let text = marker + randomBase62(idLength) + "_" + randomBase62(secretLength)
        return APIKey(presented: text)!
    }

    /// `sha256:<hex>` of the whole key: the stored form.
    public var hash: String { "sha256:" + Self.hex(Data(SHA256.hash(data: Data(value.utf8)))) }

    /// Whether this key matches a stored hash, compared in constant time (over the digest bytes).
    public func matches(storedHash: String) -> Bool {
        guard let stored = Self.digest(storedHash: storedHash) else { return false }
        return matches(digest: stored)
    }

    /// Whether this key's SHA-256 equals `digest` (32 bytes), compared in constant time.
    public func matches(digest stored: [UInt8]) -> Bool {
        guard stored.count == 32 else { return false }
        var difference: UInt8 = 0
        var text = value
        // Hashes the string's own UTF-8 storage (no copy into an array: this runs on every keyed request).
        text.withUTF8 { bytes in
            SHA256.hash(data: UnsafeRawBufferPointer(bytes)).withUnsafeBytes { digest in
                for index in 0..<32 { difference |= digest[index] ^ stored[index] }
            }
        }
        return difference == 0
    }

    /// The 32 digest bytes of a stored `sha256:<hex>` hash, or nil when it is not one.
    public static func digest(storedHash: String) -> [UInt8]? {
        guard storedHash.hasPrefix("sha256:"), let bytes = bytes(hex: storedHash.dropFirst(7)), bytes.count == 32 else { return nil }
        return bytes
    }

    /// The id of a well-formed generated key (`cdt_<10 base62>_<32 base62>`), else nil.
    static func parseID(_ text: String) -> String? {
        let expected = marker.utf8.count + idLength + 1 + secretLength
        guard text.utf8.count == expected, text.hasPrefix(marker) else { return nil }
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard bytes[marker.utf8.count + idLength] == 0x5F else { return nil }
            let id = UnsafeBufferPointer(rebasing: bytes[marker.utf8.count..<(marker.utf8.count + idLength)])
            let secret = bytes[(marker.utf8.count + idLength + 1)...]
            guard id.allSatisfy(isBase62), secret.allSatisfy(isBase62) else { return nil }
            return String(decoding: id, as: UTF8.self)
        }
    }

    /// The id of a key of any other form: base62 of its SHA-256, 10 characters.
    static func derivedID(_ text: String) -> String {
        let digest = Array(SHA256.hash(data: Data(("cdt-external-key:" + text).utf8)))
        return String(digest.prefix(idLength).map { alphabet[Int($0) % alphabet.count] })
    }

    /// Whether a string is a well-formed key id (10 base62 characters).
    public static func isValidID(_ text: String) -> Bool {
        text.utf8.count == idLength && text.utf8.allSatisfy(isBase62)
    }

    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// `count` characters drawn uniformly from base62 with the system CSPRNG (rejection sampling, no modulo bias).
    static func randomBase62(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var result = ""
        result.reserveCapacity(count)
        while result.count < count {
            let byte = UInt8.random(in: 0...255, using: &generator)
            guard byte < 248 else { continue } // 248 = 4 × 62
            result.append(alphabet[Int(byte) % 62])
        }
        return result
    }

    static func isBase62(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    static func hex(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(data.count * 2)
        for byte in data {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(hex: Substring) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }
}
