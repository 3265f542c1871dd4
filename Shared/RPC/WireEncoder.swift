import Foundation
import NIOCore

/// An `Encoder` that writes `params`/`result` values straight into a frame's bytes, for the common shapes only;
/// `JSONEncoder` stays the authority.
///
/// `JSONEncoder` was ~14 % of the CPU of a short call (it builds a tree of the value, then serialises it). This
/// encoder writes as the value encodes itself: objects, arrays, strings, booleans, null, integers and finite
/// `Double`s (shortest round-trip text). It gives up — and the caller encodes the value again with `JSONEncoder`
/// — on any error and on whatever it does not handle itself: nested or super encoders, two kinds of container
/// on one value, a value that encodes nothing, a key written twice, `Date`/`Data`/`URL`/`Decimal`/`Float`,
/// non-finite numbers — also when the type swallowed that with `try?` and went on. Output is the same JSON value
/// as `JSONEncoder`'s (member order and number spelling may differ, e.g. `100.0` for `100`; readers parse it alike).
enum WireEncoding {
    /// Appends the JSON text of `value` to `buffer`; false (and `buffer` unchanged) when `JSONEncoder` must do it.
    static func encode<T: Encodable>(_ value: T, into buffer: inout ByteBuffer) -> Bool {
        let writer = WireWriter(buffer: buffer)
        buffer = ByteBuffer() // keep the storage uniquely referenced by the writer while it appends
        let start = writer.buffer.writerIndex
        do {
            try writer.encodeValue(value)
            if writer.gaveUp { throw WireUnsupported() }
            buffer = writer.buffer
            return true
        } catch {
            writer.buffer.moveWriterIndex(to: start)
            buffer = writer.buffer
            return false
        }
    }
}

/// The output and the open containers of one encode.
final class WireWriter {
    var buffer: ByteBuffer
    var gaveUp = false
    /// Depth of the value being encoded; containers belong to exactly one depth.
    private var depth = 0
    /// What the value at the current depth has written so far.
    private var levels: [Level] = []

    enum Level {
        case empty
        case keyed(count: Int, keys: Keys)
        case unkeyed(count: Int)
        case single(written: Bool)
    }

    /// The keys an object has written: a list while small, a set beyond.
    struct Keys {
        var list: [String] = []
        var set: Set<String>?

        /// Adds `key`; false when it was there already.
        mutating func insert(_ key: String) -> Bool {
            if set != nil { return set!.insert(key).inserted }
            if list.contains(key) { return false }
            list.append(key)
            if list.count > 16 { set = Set(list); list = [] }
            return true
        }
    }

    init(buffer: ByteBuffer) { self.buffer = buffer }

    func unsupported() -> any Error {
        gaveUp = true
        return WireUnsupported()
    }

    /// Encodes one value at a new depth and closes its container.
    func encodeValue<T: Encodable>(_ value: T) throws {
        switch value {
        case let value as String: writeString(value); return
        case let value as Bool: buffer.writeStaticString(value ? "true" : "false"); return
        case let value as Int: writeInteger(value); return
        case let value as Int64: writeInteger(value); return
        case let value as Double: try writeDouble(value); return
        case is Date, is Data, is URL, is Decimal, is Float: throw unsupported()
        default: break
        }
        levels.append(.empty)
        depth = levels.count
        try value.encode(to: WireEncoderView(writer: self, depth: depth))
        switch levels.removeLast() {
        case .empty: throw unsupported() // JSONEncoder writes `{}` here; leave the case to it
        case .keyed: buffer.writeStaticString("}")
        case .unkeyed: buffer.writeStaticString("]")
        case .single(let written): if !written { throw unsupported() }
        }
        depth = levels.count
    }

    /// Checks that `depth` is the value being encoded (a container kept and used later is not supported).
    private func current(_ depth: Int) throws {
        guard depth == levels.count else { throw unsupported() }
    }

    func openKeyed(_ depth: Int) throws {
        try current(depth)
        switch levels[depth - 1] {
        case .empty:
            levels[depth - 1] = .keyed(count: 0, keys: Keys())
            buffer.writeStaticString("{")
        case .keyed: break
        default: throw unsupported()
        }
    }

    func openUnkeyed(_ depth: Int) throws {
        try current(depth)
        switch levels[depth - 1] {
        case .empty:
            levels[depth - 1] = .unkeyed(count: 0)
            buffer.writeStaticString("[")
        case .unkeyed: break
        default: throw unsupported()
        }
    }

    func openSingle(_ depth: Int) throws {
        try current(depth)
        guard case .empty = levels[depth - 1] else { throw unsupported() }
        levels[depth - 1] = .single(written: false)
    }

    /// Marks the single value at `depth` written; a second write is left to JSONEncoder (it fails).
    func writeSingle(_ depth: Int) throws {
        try current(depth)
        guard case .single(written: false) = levels[depth - 1] else { throw unsupported() }
        levels[depth - 1] = .single(written: true)
    }

    /// Writes `"key":` in the keyed container at `depth`.
    func key(_ key: String, _ depth: Int) throws {
        try current(depth)
        guard case .keyed(let count, var keys) = levels[depth - 1] else { throw unsupported() }
        levels[depth - 1] = .empty // drop the second reference to the keys before adding one
        // A key written twice: JSONEncoder keeps the last value; leave that to it.
        guard keys.insert(key) else { throw unsupported() }
        levels[depth - 1] = .keyed(count: count + 1, keys: keys)
        if count > 0 { buffer.writeStaticString(",") }
        writeString(key)
        buffer.writeStaticString(":")
    }

    /// Starts the next element of the unkeyed container at `depth`.
    func element(_ depth: Int) throws -> Int {
        try current(depth)
        guard case .unkeyed(let count) = levels[depth - 1] else { throw unsupported() }
        levels[depth - 1] = .unkeyed(count: count + 1)
        if count > 0 { buffer.writeStaticString(",") }
        return count
    }

    func count(_ depth: Int) -> Int {
        switch levels[depth - 1] {
        case .keyed(let count, _): count
        case .unkeyed(let count): count
        default: 0
        }
    }

    func writeDouble(_ value: Double) throws {
        guard value.isFinite else { throw unsupported() }
        buffer.writeString(value.description)
    }

    func writeInteger<I: FixedWidthInteger>(_ value: I) {
        buffer.writeString(String(value))
    }

    /// Writes `text` as a JSON string literal (control characters, `"` and `\` escaped; the rest as UTF-8).
    func writeString(_ text: String) {
        RPCCodec.writeQuoted(text, into: &buffer)
    }
}

/// The `Encoder` handed to a value's `encode(to:)`.
struct WireEncoderView: Encoder {
    let writer: WireWriter
    let depth: Int

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(WireObjectContainer<Key>(writer: writer, depth: depth, opened: Result { try writer.openKeyed(depth) }))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        WireArrayContainer(writer: writer, depth: depth, opened: Result { try writer.openUnkeyed(depth) })
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        WireSingleContainer(writer: writer, depth: depth, opened: Result { try writer.openSingle(depth) })
    }
}

/// Writes the members of one object.
struct WireObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: WireWriter
    let depth: Int
    /// Whether opening the container worked (container requests cannot throw; the first write does).
    let opened: Result<Void, any Error>

    var codingPath: [any CodingKey] { [] }

    private func key(_ key: Key) throws {
        try opened.get()
        try writer.key(key.stringValue, depth)
    }

    mutating func encodeNil(forKey key: Key) throws { try self.key(key); writer.buffer.writeStaticString("null") }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try self.key(key); try writer.encodeValue(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try self.key(key); writer.writeString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try self.key(key); try writer.writeDouble(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw writer.unsupported() }
    mutating func encode(_ value: Int, forKey key: Key) throws { try self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try self.key(key); writer.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try self.key(key); try writer.encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        writer.gaveUp = true
        return KeyedEncodingContainer(WireObjectContainer<NestedKey>(writer: writer, depth: depth, opened: .failure(WireUnsupported())))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writer.gaveUp = true
        return WireArrayContainer(writer: writer, depth: depth, opened: .failure(WireUnsupported()))
    }

    mutating func superEncoder() -> any Encoder {
        writer.gaveUp = true
        return WireEncoderView(writer: writer, depth: -1)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.gaveUp = true
        return WireEncoderView(writer: writer, depth: -1)
    }
}

/// Writes the elements of one array.
struct WireArrayContainer: UnkeyedEncodingContainer {
    let writer: WireWriter
    let depth: Int
    let opened: Result<Void, any Error>

    var codingPath: [any CodingKey] { [] }
    var count: Int { writer.count(depth) }

    private func next() throws {
        try opened.get()
        _ = try writer.element(depth)
    }

    mutating func encodeNil() throws { try next(); writer.buffer.writeStaticString("null") }
    mutating func encode(_ value: Bool) throws { try next(); try writer.encodeValue(value) }
    mutating func encode(_ value: String) throws { try next(); writer.writeString(value) }
    mutating func encode(_ value: Double) throws { try next(); try writer.writeDouble(value) }
    mutating func encode(_ value: Float) throws { throw writer.unsupported() }
    mutating func encode(_ value: Int) throws { try next(); writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { try next(); writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { try next(); writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { try next(); writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { try next(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { try next(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { try next(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { try next(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { try next(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { try next(); writer.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try next(); try writer.encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        writer.gaveUp = true
        return KeyedEncodingContainer(WireObjectContainer<NestedKey>(writer: writer, depth: depth, opened: .failure(WireUnsupported())))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.gaveUp = true
        return WireArrayContainer(writer: writer, depth: depth, opened: .failure(WireUnsupported()))
    }

    mutating func superEncoder() -> any Encoder {
        writer.gaveUp = true
        return WireEncoderView(writer: writer, depth: -1)
    }
}

/// Writes one scalar (or delegates to the value's own encoding).
struct WireSingleContainer: SingleValueEncodingContainer {
    let writer: WireWriter
    let depth: Int
    let opened: Result<Void, any Error>

    var codingPath: [any CodingKey] { [] }

    /// A single-value container writes once; a second write is JSONEncoder's business (it fails).
    private func start() throws {
        try opened.get()
        try writer.writeSingle(depth)
    }

    mutating func encodeNil() throws { try start(); writer.buffer.writeStaticString("null") }
    mutating func encode(_ value: Bool) throws { try start(); try writer.encodeValue(value) }
    mutating func encode(_ value: String) throws { try start(); writer.writeString(value) }
    mutating func encode(_ value: Double) throws { try start(); try writer.writeDouble(value) }
    mutating func encode(_ value: Float) throws { throw writer.unsupported() }
    mutating func encode(_ value: Int) throws { try start(); writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { try start(); writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { try start(); writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { try start(); writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { try start(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { try start(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { try start(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { try start(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { try start(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { try start(); writer.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try start(); try writer.encodeValue(value) }
}
