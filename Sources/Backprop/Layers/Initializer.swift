/// How W[l] starts; b[l] always starts at zero.
///
/// Every scheme draws a standard normal matrix in C order, as
/// `np.random.randn(n[l], n[l-1])` does, layer by layer W1, W2, … — so with
/// ``NumPyLegacyGenerator`` and the same seed the parameters equal the
/// course notebook's bit for bit.
///
/// | case | W[l] | from |
/// |---|---|---|
/// | `course` | randn(n[l], n[l-1]) / √n[l-1] | the course's `initialize_parameters_deep` |
/// | `small` | randn(n[l], n[l-1]) × 0.01 | the course's 2-layer `initialize_parameters` |
/// | `he` | randn × √(2 / n[l-1]) | He et al. 2015, for ReLU |
/// | `xavier` | randn × √(2 / (n[l-1] + n[l])) | Glorot & Bengio 2010 (normal form) |
/// | `lecun` | randn × √(1 / n[l-1]) | LeCun 1998, for tanh / SELU |
public enum Initializer: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
  case course
  case small
  case he
  case xavier
  case lecun

  public var description: String { rawValue }

  /// Parses a command-line name.
  /// - Throws: ``ConfigurationError`` naming `initializer`.
  public init(name: String) throws(ConfigurationError) {
    guard let value = Initializer(rawValue: name.lowercased()) else {
      throw ConfigurationError(
        parameter: "initializer",
        "unknown initializer '\(name)'; choose one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    self = value
  }

  /// W[l] for a layer of `fanOut` = n[l] units with `fanIn` = n[l-1] inputs.
  public func weight<Scalar: MatrixScalar>(
    fanOut: Int, fanIn: Int, using generator: inout some RandomGenerator, as _: Scalar.Type = Scalar.self
  ) -> Matrix<Scalar> {
    // Drawn in Double, scaled in Double exactly as NumPy does, then converted.
    var w = Matrix<Double>.randomNormal(rows: fanOut, columns: fanIn, using: &generator)
    let n = Double(fanIn)
    w.withUnsafeMutableBufferPointer { p in
      switch self {
      case .course:
        let root = n.squareRoot()
        for k in p.indices { p[k] = p[k] / root }
      case .small:
        for k in p.indices { p[k] = p[k] * 0.01 }
      case .he:
        let scale = (2 / n).squareRoot()
        for k in p.indices { p[k] = p[k] * scale }
      case .xavier:
        let scale = (2 / (n + Double(fanOut))).squareRoot()
        for k in p.indices { p[k] = p[k] * scale }
      case .lecun:
        let scale = (1 / n).squareRoot()
        for k in p.indices { p[k] = p[k] * scale }
      }
    }
    return w.converted(to: Scalar.self)
  }
}
