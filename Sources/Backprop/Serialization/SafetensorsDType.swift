/// The element type of a tensor in a safetensors file, by its name in the
/// header (`"F32"`, `"BF16"` …): every type the reference implementation
/// (Hugging Face's `safetensors` 0.8) knows.
///
/// The cases are declared in the reference's order, narrowest first; the
/// reference writer lays tensors out widest type first (see
/// ``SafetensorsFile/encode()``), so this order decides the bytes of a file.
///
/// All of them can be read and written as raw bytes. ``SafetensorsTensor/values()``
/// decodes every real type (booleans, integers, IEEE and brain floats, the
/// three 8-bit floats); ``SafetensorsTensor/init(name:dtype:shape:values:)``
/// encodes the types in ``isEncodable``.
///
/// ```swift
/// SafetensorsDType(rawValue: "BF16")  // .bfloat16
/// SafetensorsDType.float32.bitSize    // 32
/// ```
public enum SafetensorsDType: String, Sendable, Hashable, CaseIterable, Comparable {
  /// `BOOL`: one byte, 0 or 1 (any non-zero byte reads as 1).
  case bool = "BOOL"
  /// `F4`: 4-bit float (MX E2M1), two to a byte; read and written as raw bytes only.
  case float4 = "F4"
  /// `F6_E2M3`: 6-bit float (MX), packed; raw bytes only.
  case float6E2M3 = "F6_E2M3"
  /// `F6_E3M2`: 6-bit float (MX), packed; raw bytes only.
  case float6E3M2 = "F6_E3M2"
  /// `U8`: unsigned 8-bit integer.
  case uint8 = "U8"
  /// `I8`: signed 8-bit integer.
  case int8 = "I8"
  /// `F8_E5M2`: 8-bit float with 5 exponent bits (the top byte of a half), with ±∞ and NaN.
  case float8E5M2 = "F8_E5M2"
  /// `F8_E4M3`: 8-bit float with 4 exponent bits, finite only (PyTorch's `float8_e4m3fn`).
  case float8E4M3 = "F8_E4M3"
  /// `F8_E8M0`: 8-bit power of two 2^(byte − 127), 0xFF being NaN (`float8_e8m0fnu`).
  case float8E8M0 = "F8_E8M0"
  /// `I16`: signed 16-bit integer.
  case int16 = "I16"
  /// `U16`: unsigned 16-bit integer.
  case uint16 = "U16"
  /// `F16`: IEEE half precision.
  case float16 = "F16"
  /// `BF16`: brain float, the top half of an IEEE single.
  case bfloat16 = "BF16"
  /// `I32`: signed 32-bit integer.
  case int32 = "I32"
  /// `U32`: unsigned 32-bit integer.
  case uint32 = "U32"
  /// `F32`: IEEE single precision (`Float`).
  case float32 = "F32"
  /// `C64`: complex number of two `F32`; raw bytes only.
  case complex64 = "C64"
  /// `F64`: IEEE double precision (`Double`).
  case float64 = "F64"
  /// `I64`: signed 64-bit integer.
  case int64 = "I64"
  /// `U64`: unsigned 64-bit integer.
  case uint64 = "U64"

  /// The size of one element in bits (4 and 6 for the packed MX floats).
  public var bitSize: Int {
    switch self {
    case .float4: 4
    case .float6E2M3, .float6E3M2: 6
    case .bool, .uint8, .int8, .float8E5M2, .float8E4M3, .float8E8M0: 8
    case .int16, .uint16, .float16, .bfloat16: 16
    case .int32, .uint32, .float32: 32
    case .complex64, .float64, .int64, .uint64: 64
    }
  }

  /// Whether ``SafetensorsTensor/values()`` can decode it: every type but the
  /// packed MX floats (`F4`, `F6_*`) and the complex `C64`.
  public var isDecodable: Bool {
    switch self {
    case .float4, .float6E2M3, .float6E3M2, .complex64: false
    default: true
    }
  }

  /// Whether values can be encoded as this type: booleans, integers, and the
  /// IEEE and brain floats of 16, 32 and 64 bits (not the 8-bit or packed floats, nor `C64`).
  public var isEncodable: Bool { numpyDType != nil || self == .bfloat16 }

  /// The NumPy type with the same bytes, or nil for the types NumPy lacks
  /// (`BF16`, the 8-bit and packed floats, `C64`).
  public var numpyDType: NumPyDType? {
    switch self {
    case .bool: .bool
    case .uint8: .uint8
    case .int8: .int8
    case .int16: .int16
    case .uint16: .uint16
    case .int32: .int32
    case .uint32: .uint32
    case .int64: .int64
    case .uint64: .uint64
    case .float16: .float16
    case .float32: .float32
    case .float64: .float64
    case .float4, .float6E2M3, .float6E3M2, .float8E5M2, .float8E4M3, .float8E8M0, .bfloat16, .complex64: nil
    }
  }

  /// The safetensors type with the same bytes as a NumPy type.
  public init(_ numpy: NumPyDType) {
    switch numpy {
    case .bool: self = .bool
    case .uint8: self = .uint8
    case .int8: self = .int8
    case .int16: self = .int16
    case .uint16: self = .uint16
    case .int32: self = .int32
    case .uint32: self = .uint32
    case .int64: self = .int64
    case .uint64: self = .uint64
    case .float16: self = .float16
    case .float32: self = .float32
    case .float64: self = .float64
    }
  }

  /// The reference's order: narrowest first, in the order the cases are declared.
  public static func < (lhs: SafetensorsDType, rhs: SafetensorsDType) -> Bool { lhs.rank < rhs.rank }

  /// The position of the case in the declaration.
  private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

  /// The names of every type, for messages: `BOOL, F4, …, U64`.
  static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
