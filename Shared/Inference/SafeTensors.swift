import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw tensor bytes.
///
/// The file is mapped read-only and validated once when opened (header size, JSON, every tensor's byte range
/// and element count). Tensors are decoded to `Float` on demand with ``floats(_:)``. The mapping lives until
/// the value is deinitialised; the type is deliberately not `Sendable` — it is a load-time helper, and the
/// engine copies (and rearranges) every weight it needs into its own arrays.
public final class SafeTensorsFile {
    /// What the header says about one tensor.
    public struct TensorInfo: Equatable, Sendable {
        /// The dtype string as written in the header (e.g. `F32`, `BF16`, `I64`).
        public var dtype: String
        /// The tensor's shape.
        public var shape: [Int]
        /// Byte range relative to the start of the data section.
        public var byteRange: Range<Int>
        /// Number of elements (product of the shape; 1 for a scalar). Overflow is rejected when the file is opened.
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The path the file was opened from.
    public let path: String
    /// Every tensor in the file, by name.
    public let tensors: [String: TensorInfo]
    /// The optional `__metadata__` string map.
    public let metadata: [String: String]

    private let base: UnsafeMutableRawPointer?
    private let mappedLength: Int
    private let dataOffset: Int

    /// Largest header accepted (the format's own reference implementation uses 100 MB).
    static let maximumHeaderLength = 100_000_000

    /// Maps and validates the safetensors file at `path`.
    /// - Throws: ``InferenceError/missingFile(path:)``, ``InferenceError/unreadableFile(path:reason:)`` or
    ///   ``InferenceError/invalidSafetensors(path:reason:)``.
    public init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InferenceError.missingFile(path: path)
        }
        if isDirectory.boolValue {
            throw InferenceError.unreadableFile(path: path, reason: "is a directory")
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw InferenceError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw InferenceError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        let size = Int(status.st_size)
        guard size >= 8 else {
            throw InferenceError.invalidSafetensors(path: path, reason: "file is \(size) bytes, shorter than the 8-byte header length")
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw InferenceError.unreadableFile(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        do {
            let parsed = try Self.parseHeader(UnsafeRawPointer(mapped), size: size, path: path)
            self.tensors = parsed.tensors
            self.metadata = parsed.metadata
            self.dataOffset = parsed.dataOffset
        } catch {
            munmap(mapped, size)
            throw error
        }
        self.base = mapped
        self.mappedLength = size
    }

    deinit {
        if let base { munmap(base, mappedLength) }
    }

    /// Parses and validates the header of a mapped file.
    private static func parseHeader(
        _ pointer: UnsafeRawPointer, size: Int, path: String
    ) throws -> (tensors: [String: TensorInfo], metadata: [String: String], dataOffset: Int) {
        let headerLength64 = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
        guard headerLength64 <= UInt64(maximumHeaderLength), Int(headerLength64) <= size - 8 else {
            throw InferenceError.invalidSafetensors(
                path: path, reason: "header length \(headerLength64) exceeds the file size \(size)")
        }
        let headerLength = Int(headerLength64)
        let headerData = Data(bytes: pointer + 8, count: headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerData)
        } catch {
            throw InferenceError.invalidSafetensors(path: path, reason: "header is not valid JSON")
        }
        guard let object = json as? [String: Any] else {
            throw InferenceError.invalidSafetensors(path: path, reason: "header is not a JSON object")
        }
        let dataLength = size - 8 - headerLength
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                if let map = value as? [String: String] { metadata = map }
                continue
            }
            guard let entry = value as? [String: Any],
                  let dtype = entry["dtype"] as? String,
                  let shapeValues = entry["shape"] as? [Any],
                  let offsetValues = entry["data_offsets"] as? [Any], offsetValues.count == 2
            else {
                throw InferenceError.invalidSafetensors(path: path, reason: "tensor '\(name)' has a malformed header entry")
            }
            let shape = try shapeValues.map { item -> Int in
                guard let number = item as? NSNumber, number.int64Value >= 0, number.int64Value < Int64(Int32.max) else {
                    throw InferenceError.invalidSafetensors(path: path, reason: "tensor '\(name)' has an invalid shape")
                }
                return number.intValue
            }
            let offsets = try offsetValues.map { item -> Int in
                guard let number = item as? NSNumber, number.int64Value >= 0 else {
                    throw InferenceError.invalidSafetensors(path: path, reason: "tensor '\(name)' has invalid data offsets")
                }
                return number.intValue
            }
            guard offsets[0] <= offsets[1], offsets[1] <= dataLength else {
                throw InferenceError.invalidSafetensors(
                    path: path, reason: "tensor '\(name)' byte range \(offsets[0])..<\(offsets[1]) lies outside the \(dataLength)-byte data section")
            }
            var elements = 1
            for dimension in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow else {
                    throw InferenceError.invalidSafetensors(path: path, reason: "tensor '\(name)' shape \(shape) is too large")
                }
                elements = product
            }
            let info = TensorInfo(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
            if let known = SafeTensorsDType(rawValue: dtype) {
                let (bytes, overflow) = elements.multipliedReportingOverflow(by: known.byteCount)
                guard !overflow, bytes == info.byteRange.count else {
                    throw InferenceError.invalidSafetensors(
                        path: path, reason: "tensor '\(name)' holds \(info.byteRange.count) bytes but shape \(shape) of \(dtype) needs \(bytes)")
                }
            }
            tensors[name] = info
        }
        return (tensors, metadata, 8 + headerLength)
    }

    /// Decodes the named tensor to `Float` (row-major, as stored).
    /// - Throws: ``InferenceError/missingTensor(name:)`` or ``InferenceError/unsupportedDType(name:dtype:)``.
    public func floats(_ name: String) throws -> [Float] {
        guard let info = tensors[name] else { throw InferenceError.missingTensor(name: name) }
        guard let dtype = SafeTensorsDType(rawValue: info.dtype) else {
            throw InferenceError.unsupportedDType(name: name, dtype: info.dtype)
        }
        let count = info.elementCount
        guard count > 0, let base else { return [] }
        let source = UnsafeRawPointer(base) + dataOffset + info.byteRange.lowerBound
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
            HalfConversion.decode(dtype, from: source, count: count, into: buffer.baseAddress!)
            initialised = count
        }
    }

    /// Decodes the named tensor after checking that its shape is `shape`.
    /// - Throws: as ``floats(_:)``, plus ``InferenceError/shapeMismatch(name:expected:actual:)``.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let info = tensors[name] else { throw InferenceError.missingTensor(name: name) }
        guard info.shape == shape else {
            throw InferenceError.shapeMismatch(name: name, expected: shape, actual: info.shape)
        }
        return try floats(name)
    }
}
