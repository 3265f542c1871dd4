import Synchronization

/// An immutable float array that every engine in the process shares when the contents are identical.
///
/// Models fine-tuned from one backbone with frozen embeddings (the product's financial and crypto sentiment models)
/// carry byte-identical word-embedding tables — 47 MB each for MiniLM. Interning keeps one copy per process.
final class SharedFloats: Sendable {
    /// The values.
    let values: [Float]

    private init(_ values: [Float]) {
        self.values = values
    }

    private struct Key: Hashable {
        let count: Int
        let digest: Int
    }

    /// A weak reference, so the cache never keeps a table alive after its last engine is gone.
    /// `@unchecked Sendable`: `value` is only read and written while holding `cache`'s lock.
    private final class WeakEntry: @unchecked Sendable {
        weak var value: SharedFloats?
        init(_ value: SharedFloats) { self.value = value }
    }

    private static let cache = Mutex<[Key: [WeakEntry]]>([:])

    /// The shared instance holding exactly `values` (compared element by element), made if there is none yet.
    static func interned(_ values: [Float]) -> SharedFloats {
        var hasher = Hasher()
        values.withUnsafeBytes { hasher.combine(bytes: $0) }
        let key = Key(count: values.count, digest: hasher.finalize())
        return cache.withLock { cache in
            var entries = cache[key, default: []].filter { $0.value != nil }
            if let existing = entries.lazy.compactMap(\.value).first(where: { Self.bitwiseEqual($0.values, values) }) {
                cache[key] = entries
                return existing
            }
            let made = SharedFloats(values)
            entries.append(WeakEntry(made))
            cache[key] = entries
            return made
        }
    }

    private static func bitwiseEqual(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
    }
}
