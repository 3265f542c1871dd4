/// A JSON object that keeps its members in document order.
///
/// Lookup by key returns the last member with that name (duplicate names are legal JSON; the last one wins,
/// as in most parsers). Small objects are searched linearly; larger ones get a hash index built once.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection {
    /// Member names in document order (duplicates kept).
    public let keys: [String]
    /// Member values, parallel to ``keys``.
    public let values: [JSONValue]
    /// Position of the last member per name, built only for objects with many members.
    private let index: [String: Int]?

    /// Objects with more members than this get a hash index.
    static let indexThreshold = 12

    /// Creates an object from parallel key and value arrays (in document order).
    public init(keys: [String], values: [JSONValue]) {
        precondition(keys.count == values.count, "JSONObject keys and values must have the same count")
        self.keys = keys
        self.values = values
        if keys.count > Self.indexThreshold {
            var index = [String: Int](minimumCapacity: keys.count)
            for (position, key) in keys.enumerated() { index[key] = position }
            self.index = index
        } else {
            self.index = nil
        }
    }

    /// Creates an object from `(key, value)` pairs in order.
    public init(_ members: [(String, JSONValue)]) {
        self.init(keys: members.map(\.0), values: members.map(\.1))
    }

    /// The value of the last member named `key`, or `nil`.
    public subscript(key: String) -> JSONValue? {
        if let index {
            return index[key].map { values[$0] }
        }
        var position = keys.count - 1
        while position >= 0 {
            if keys[position] == key { return values[position] }
            position -= 1
        }
        return nil
    }

    /// Index of the first member.
    public var startIndex: Int { 0 }
    /// One past the last member.
    public var endIndex: Int { keys.count }

    /// The member at `position`, as a `(key, value)` pair.
    public subscript(position: Int) -> (key: String, value: JSONValue) {
        (keys[position], values[position])
    }

    /// Objects are equal when they have the same members in the same order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }

    /// Hashes the members in order.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(keys)
        hasher.combine(values)
    }
}
