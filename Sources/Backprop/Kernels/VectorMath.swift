import CBackpropKernels

extension Kernels {
  /// tanh for Float, by the vectorised kernel `bp_tanh_f32` (C, AVX-512 /
  /// AVX2 / baseline variants, one algorithm), branch-free:
  ///
  ///     tanh x = sign(x) · E / (E + 2),   E = e^(2|x|) − 1,  2|x| clamped to 20
  ///     n = round(t / ln 2),  r = t − n·ln 2,  e^r − 1 ≈ r + r²·P(r)  (Taylor, degree 7)
  ///     E = 2ⁿ·(e^r − 1) + (2ⁿ − 1)
  ///
  /// Within 2.5 ulp of the correctly rounded value over all Floats (tested);
  /// exact ±1 beyond |x| ≈ 9.01, −0 stays −0 and NaN stays NaN. Layers call
  /// the array form, the internal `tanh(_:into:count:features:)`, once per batch.
  @usableFromInline package static func tanhFloat(_ x: Float) -> Float {
    var y: Float = 0
    withUnsafePointer(to: x) { bp_tanh_f32($0, &y, 1, vectorFeatures) }
    return y
  }

  /// e^y for Float, by the vectorised kernel `bp_exp_f32`:
  ///
  ///     n = round(y / ln 2),  r = y − n·ln 2  (ln 2 split in two, so r is exact),  |r| ≤ ln2/2
  ///     e^r ≈ 1 + r + r²·P(r)      (P of degree 5, Cephes' minimax coefficients)
  ///     e^y = e^r · 2^⌊n/2⌋ · 2^(n − ⌊n/2⌋)
  ///
  /// Within 1.01 ulp (tested); +∞ above 88.72, gradual underflow to 0 below −87.34.
  @usableFromInline package static func exponentFloat(_ y: Float) -> Float {
    var e: Float = 0
    withUnsafePointer(to: y) { bp_exp_f32($0, &e, 1, vectorFeatures) }
    return e
  }

  /// σ(x) = 1 / (1 + e^(−x)) for Float, by the vectorised kernel
  /// `bp_sigmoid_f32`: 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0, with
  /// e = e^(−|x|) ≤ 1 (nothing overflows). Within 2.5 ulp (tested).
  @usableFromInline package static func sigmoidFloat(_ x: Float) -> Float {
    var y: Float = 0
    withUnsafePointer(to: x) { bp_sigmoid_f32($0, &y, 1, vectorFeatures) }
    return y
  }

  /// y[i] = tanh x[i] for i < count; `x` and `y` may be the same buffer.
  @usableFromInline
  static func tanh(
    _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int, features: UInt32 = vectorFeatures
  ) {
    bp_tanh_f32(x, y, count, features)
  }

  /// y[i] = σ(x[i]) for i < count; `x` and `y` may be the same buffer.
  @usableFromInline
  static func sigmoid(
    _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int, features: UInt32 = vectorFeatures
  ) {
    bp_sigmoid_f32(x, y, count, features)
  }

  /// y[i] = e^x[i] for i < count; `x` and `y` may be the same buffer.
  @usableFromInline
  static func exponential(
    _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int, features: UInt32 = vectorFeatures
  ) {
    bp_exp_f32(x, y, count, features)
  }

  /// Z ← Z + b, A = tanh Z, for a rows × columns Z in one pass (b broadcast
  /// over the columns; `a` does not overlap `z`).
  @usableFromInline
  static func biasTanh(
    _ z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, columns: Int,
    into a: UnsafeMutablePointer<Float>, features: UInt32 = vectorFeatures
  ) {
    bp_bias_tanh_f32(z, bias, rows, columns, a, features)
  }

  /// Z ← Z + b, A = σ(Z), in one pass.
  @usableFromInline
  static func biasSigmoid(
    _ z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, columns: Int,
    into a: UnsafeMutablePointer<Float>, features: UInt32 = vectorFeatures
  ) {
    bp_bias_sigmoid_f32(z, bias, rows, columns, a, features)
  }

  /// dZ = dA ⊙ (1 − A²) over `count` elements, A = tanh Z.
  @usableFromInline
  static func tanhGradient(
    _ dA: UnsafePointer<Float>, a: UnsafePointer<Float>, into dZ: UnsafeMutablePointer<Float>, count: Int,
    features: UInt32 = vectorFeatures
  ) {
    bp_tanh_gradient_f32(dA, a, dZ, count, features)
  }

  /// dZ = dA ⊙ A ⊙ (1 − A) over `count` elements, A = σ(Z).
  @usableFromInline
  static func sigmoidGradient(
    _ dA: UnsafePointer<Float>, a: UnsafePointer<Float>, into dZ: UnsafeMutablePointer<Float>, count: Int,
    features: UInt32 = vectorFeatures
  ) {
    bp_sigmoid_gradient_f32(dA, a, dZ, count, features)
  }
}
