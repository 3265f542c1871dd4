/// A fixed-size float buffer whose first element is 64-byte aligned (one cache line, one AVX-512 vector).
///
/// Why: a Swift `[Float]`'s elements are only 16-byte aligned, so most 64-byte vector loads of a weight or
/// activation row straddle two cache lines; measured on this project's Xeon, OpenBLAS's small-matrix kernels and
/// `cdt_linear_accumulate` run up to 1.6× faster on aligned rows (docs/BENCHMARKS.md, "Sentiment").
/// The encoder pads every parameter and activation region to a multiple of 16 floats, so rows whose width is a
/// multiple of 16 (MiniLM: 384, 1536) are all aligned.
///
/// `@unchecked Sendable`: the memory is owned by this object and never reallocated. Weight buffers are written
/// only while the loader builds them, before the object is shared, and read-only afterwards; a workspace buffer is
/// written only by the one call that has checked its ``Workspace`` out of the engine's `Mutex`-guarded pool.
final class AlignedFloats: @unchecked Sendable {
    /// Number of floats.
    let count: Int
    /// The first float (64-byte aligned), valid for `count` elements while this object lives.
    let base: UnsafeMutablePointer<Float>

    /// Alignment of ``base`` in bytes.
    static let alignment = 64
    /// Floats per alignment unit.
    static let floatsPerLine = alignment / MemoryLayout<Float>.stride

    /// A zero-filled buffer of `count` floats.
    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Float>.stride, alignment: Self.alignment)
        base = raw.bindMemory(to: Float.self, capacity: max(1, count))
        base.initialize(repeating: 0, count: max(1, count))
    }

    /// A copy of `values`.
    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { base.deallocate() }

    /// `count` rounded up to a whole number of 64-byte lines.
    static func padded(_ count: Int) -> Int { (count + floatsPerLine - 1) / floatsPerLine * floatsPerLine }
}
