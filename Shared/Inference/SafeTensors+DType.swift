/// The element types a safetensors file can declare, and their conversion to `Float`.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    /// IEEE-754 binary32.
    case f32 = "F32"
    /// IEEE-754 binary16 (half precision).
    case f16 = "F16"
    /// bfloat16: the upper 16 bits of a binary32.
    case bf16 = "BF16"

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        }
    }
}

/// Bit-level conversions from 16-bit float formats to `Float` (portable: no reliance on `Float16`,
/// which is unavailable on some platforms).
public enum HalfConversion {
    /// Converts IEEE-754 binary16 bits to `Float`, handling zeros, subnormals, infinities and NaN.
    @inline(__always)
    public static func float(fromHalfBits h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        var mantissa = UInt32(h & 0x03FF)
        let bits: UInt32
        if exponent == 0 {
            if mantissa == 0 {
                bits = sign
            } else {
                // Subnormal half: normalise it into a binary32 normal.
                var e: UInt32 = 127 - 15 + 1
                while mantissa & 0x0400 == 0 {
                    mantissa <<= 1
                    e -= 1
                }
                mantissa &= 0x03FF
                bits = sign | (e << 23) | (mantissa << 13)
            }
        } else if exponent == 0x1F {
            bits = sign | 0x7F80_0000 | (mantissa << 13)
        } else {
            bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13)
        }
        return Float(bitPattern: bits)
    }

    /// Converts bfloat16 bits to `Float` (exact: bfloat16 is a truncated binary32).
    @inline(__always)
    public static func float(fromBFloat16Bits b: UInt16) -> Float {
        Float(bitPattern: UInt32(b) << 16)
    }

    /// Decodes `count` little-endian elements of `dtype` starting at `source` into `destination`.
    static func decode(
        _ dtype: SafeTensorsDType, from source: UnsafeRawPointer, count: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        switch dtype {
        case .f32:
            for i in 0..<count {
                let bits = UInt32(littleEndian: source.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
                destination[i] = Float(bitPattern: bits)
            }
        case .f16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                destination[i] = float(fromHalfBits: bits)
            }
        case .bf16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                destination[i] = float(fromBFloat16Bits: bits)
            }
        }
    }
}
