import RealModule

/// The scalar types a ``Matrix`` and a network can hold: `Float` and `Double`.
///
/// Everything in Backprop is generic over this protocol, and the compiler
/// specialises each generic function for the concrete type, so there is no
/// per-element dynamic dispatch. `Real` (swift-numerics) supplies `exp`, `log`,
/// `tanh`, `atan` … generically.
public protocol MatrixScalar: Real, BinaryFloatingPoint, SIMDScalar, Sendable, Codable
where Self.RawSignificand: FixedWidthInteger {
  /// The NumPy dtype string of this type, little-endian (`"<f4"`, `"<f8"`).
  static var numpyDescriptor: String { get }
  /// A short name (`"float32"`, `"float64"`).
  static var dtypeName: String { get }
}

extension Float: MatrixScalar {
  public static var numpyDescriptor: String { "<f4" }
  public static var dtypeName: String { "float32" }
}

extension Double: MatrixScalar {
  public static var numpyDescriptor: String { "<f8" }
  public static var dtypeName: String { "float64" }
}
