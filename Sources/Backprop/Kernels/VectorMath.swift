import CBackpropKernels

extension Kernels {
  /// tanh for Float, by the vectorised kernel `bp_tanh_f32` (C, AVX-512 /
  /// AVX2 / baseline variants, one algorithm):
  ///
  ///     |x| < 0.55:   the odd Taylor series  x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835
  ///                   − 1382x¹¹/155925 + 21844x¹³/6081075 − 929569x¹⁵/638512875
  ///     |x| ≥ 0.55:   sign(x)·(1 − 2 / (e^(2|x|) + 1)),  e^y as in ``exponentFloat(_:)``
  ///
  /// Within 1.5 ulp of the correctly rounded value over all Floats (tested);
  /// exact ±1 beyond |x| ≈ 9.01, −0 stays −0 and NaN stays NaN. Layers call
  /// the array form, ``tanh(_:into:count:features:)``, once per batch.
  public static func tanhFloat(_ x: Float) -> Float {
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
  public static func exponentFloat(_ y: Float) -> Float {
    var e: Float = 0
    withUnsafePointer(to: y) { bp_exp_f32($0, &e, 1, vectorFeatures) }
    return e
  }

  /// σ(x) = 1 / (1 + e^(−x)) for Float, by the vectorised kernel
  /// `bp_sigmoid_f32`: 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0, with
  /// e = e^(−|x|) ≤ 1 (nothing overflows). Within 2.5 ulp (tested).
  public static func sigmoidFloat(_ x: Float) -> Float {
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
}
