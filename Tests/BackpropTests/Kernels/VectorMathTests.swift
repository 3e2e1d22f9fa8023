@testable import Backprop
import Testing

/// The vectorised Float functions against Double's correctly rounded values,
/// for every variant this CPU runs (baseline, AVX2 + FMA, AVX-512F).
@Suite struct VectorMathTests {
  /// The distance in units in the last place between a Float and the exact
  /// value (the ulp of the exact value rounded to Float, so a subnormal
  /// result is measured in subnormal ulps).
  func ulps(_ value: Float, _ exact: Double) -> Double {
    let rounded = Float(exact)
    guard value != rounded else { return 0 }
    if value.isNaN || rounded.isInfinite { return .infinity }
    return Swift.abs(Double(value) - exact) / Double(rounded.ulp)
  }

  /// Every 9973rd Float bit pattern from 0 up to +∞, and their negatives:
  /// about 850,000 values spread evenly over the exponents (all 4·10⁹
  /// would be slow in a debug build).
  static let sweep: [Float] = {
    var values = [Float]()
    var bits: UInt32 = 0
    while bits < 0x7F80_0000 {
      let x = Float(bitPattern: bits)
      values += [x, -x]
      bits &+= 9_973
    }
    return values
  }()

  typealias ArrayFunction = @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, UInt32) -> Void

  static let functions: [(name: String, run: ArrayFunction, exact: @Sendable (Double) -> Double, ulps: Double)] = [
    ("exp", { Kernels.exponential($0, into: $1, count: $2, features: $3) }, { Foundation_exp($0) }, 1.01),
    ("tanh", { Kernels.tanh($0, into: $1, count: $2, features: $3) }, { Foundation_tanh($0) }, 2.5),
    ("sigmoid", { Kernels.sigmoid($0, into: $1, count: $2, features: $3) }, { sigmoid($0) }, 2.5),
  ]

  /// σ in Double, without overflow.
  static func sigmoid(_ x: Double) -> Double {
    x >= 0 ? 1 / (1 + Foundation_exp(-x)) : Foundation_exp(x) / (1 + Foundation_exp(x))
  }

  func apply(_ f: ArrayFunction, _ x: [Float], features: UInt32) -> [Float] {
    var y = [Float](repeating: .nan, count: x.count)
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in f(xp.baseAddress!, yp.baseAddress!, x.count, features) }
    }
    return y
  }

  @Test(arguments: Kernels.vectorVariants.map(\.name))
  func accurateOverTheFloatRange(_ variant: String) {
    let features = Kernels.vectorVariants.first { $0.name == variant }!.features
    let x = Self.sweep
    for f in Self.functions {
      let y = apply(f.run, x, features: features)
      var worst = 0.0
      var worstAt: Float = 0
      for (xi, yi) in zip(x, y) {
        let error = ulps(yi, f.exact(Double(xi)))
        if error > worst { (worst, worstAt) = (error, xi) }
      }
      #expect(worst <= f.ulps, "\(variant) \(f.name) is \(worst) ulp off at \(worstAt)")
    }
  }

  @Test(arguments: Kernels.vectorVariants.map(\.name))
  func specialValues(_ variant: String) {
    let features = Kernels.vectorVariants.first { $0.name == variant }!.features
    let x: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 100, -100, 1e-30, -1e-30, 20, -20]
    let e = apply(Self.functions[0].run, x, features: features)
    let t = apply(Self.functions[1].run, x, features: features)
    let s = apply(Self.functions[2].run, x, features: features)
    #expect(e[0] == 1 && e[2] == .infinity && e[3] == 0 && e[4].isNaN && e[5] == .infinity)
    #expect(e[6] == Float(Foundation_exp(-100)))  // a subnormal, correctly rounded
    #expect(t[0] == 0 && t[1] == 0 && t[1].sign == .minus && t[2] == 1 && t[3] == -1 && t[4].isNaN)
    #expect(t[7] == 1e-30 && t[8] == -1e-30 && t[9] == 1 && t[10] == -1)
    #expect(s[0] == 0.5 && s[2] == 1 && s[3] == 0 && s[4].isNaN && s[5] == 1 && s[9] == 1)
    #expect(ulps(s[10], Self.sigmoid(-20)) <= 2.5)
    #expect(s[6] > 0 && ulps(s[6], Self.sigmoid(-100)) <= 1)
  }

  /// Lengths around the vector width (the tail goes through a padded copy),
  /// and in place: the same bits as element by element.
  @Test(arguments: Kernels.vectorVariants.map(\.name))
  func tailsAndInPlace(_ variant: String) {
    let features = Kernels.vectorVariants.first { $0.name == variant }!.features
    var rng = SplitMix64(seed: 11)
    for count in Array(0...35) + [63, 64, 65, 100] {
      let x: [Float] = (0..<count).map { _ in 6 * rng.uniform() }
      for f in Self.functions {
        let y = apply(f.run, x, features: features)
        let single = x.map { apply(f.run, [$0], features: features)[0] }
        #expect(y == single, "\(variant) \(f.name), count \(count)")
        var inPlace = x
        inPlace.withUnsafeMutableBufferPointer { p in f.run(p.baseAddress!, p.baseAddress!, count, features) }
        #expect(inPlace == y, "\(variant) \(f.name) in place, count \(count)")
      }
    }
  }

  /// Z + b then tanh/σ in one pass: the same bits as adding the bias and
  /// mapping the array, for column heights around every vector width
  /// (overlapping last vectors, and the short columns that go the other way).
  @Test(arguments: Kernels.vectorVariants.map(\.name))
  func fusedBiasActivation(_ variant: String) {
    let features = Kernels.vectorVariants.first { $0.name == variant }!.features
    var rng = SplitMix64(seed: 13)
    for rows in Array(1...34) + [47, 64, 100] {
      for columns in [1, 3] {
        let z0: [Float] = (0..<(rows * columns)).map { _ in 4 * rng.uniform() }
        let bias: [Float] = (0..<rows).map { _ in rng.uniform() }
        var expectedZ = z0
        for j in 0..<columns { for i in 0..<rows { expectedZ[i + j * rows] += bias[i] } }
        for (name, fused, map) in [
          ("tanh", Kernels.biasTanh, Self.functions[1].run), ("sigmoid", Kernels.biasSigmoid, Self.functions[2].run),
        ]
          as [(
            String,
            (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>, UInt32) -> Void,
            ArrayFunction
          )]
        {
          var z = z0
          var a = [Float](repeating: .nan, count: z0.count)
          z.withUnsafeMutableBufferPointer { zp in
            a.withUnsafeMutableBufferPointer { ap in
              fused(zp.baseAddress!, bias, rows, columns, ap.baseAddress!, features)
            }
          }
          #expect(z == expectedZ, "\(variant) bias+\(name) Z, \(rows)×\(columns)")
          #expect(a == apply(map, expectedZ, features: features), "\(variant) bias+\(name) A, \(rows)×\(columns)")
        }
      }
    }
  }

  /// dZ = dA ⊙ (1 − A²) and dA ⊙ A ⊙ (1 − A) against Double: each operation
  /// rounds once (or is fused), so the error is within a few Float ε of
  /// |dA| (1 − a² cancels near a = ±1, as in the generic loop).
  @Test(arguments: Kernels.vectorVariants.map(\.name))
  func activationGradients(_ variant: String) {
    let features = Kernels.vectorVariants.first { $0.name == variant }!.features
    var rng = SplitMix64(seed: 14)
    for count in [0, 1, 7, 16, 33, 400] {
      let dA: [Float] = (0..<count).map { _ in rng.uniform() }
      let a: [Float] = (0..<count).map { _ in rng.uniform() }
      var tanh = [Float](repeating: .nan, count: count)
      var sigmoid = [Float](repeating: .nan, count: count)
      tanh.withUnsafeMutableBufferPointer {
        Kernels.tanhGradient(dA, a: a, into: $0.baseAddress!, count: count, features: features)
      }
      sigmoid.withUnsafeMutableBufferPointer {
        Kernels.sigmoidGradient(dA, a: a, into: $0.baseAddress!, count: count, features: features)
      }
      for k in 0..<count {
        let (d, x) = (Double(dA[k]), Double(a[k]))
        let tolerance = 4 * Double(Float.ulpOfOne) * Swift.abs(d)
        expectClose(Double(tanh[k]), d * (1 - x * x), rtol: 0, atol: tolerance, "\(variant) tanh' \(k)")
        expectClose(Double(sigmoid[k]), d * x * (1 - x), rtol: 0, atol: tolerance, "\(variant) σ' \(k)")
      }
    }
  }

  /// The scalar entry points are the kernels.
  @Test func scalarFunctions() {
    for x: Float in [-3, -0.3, 0, 0.5, 2] {
      #expect(Kernels.tanhFloat(x) == apply(Self.functions[1].run, [x], features: Kernels.vectorFeatures)[0])
      #expect(Kernels.exponentFloat(x) == apply(Self.functions[0].run, [x], features: Kernels.vectorFeatures)[0])
      #expect(Kernels.sigmoidFloat(x) == Sigmoid()(x))
      #expect(Tanh()(x) == Kernels.tanhFloat(x))
    }
  }

  /// The binary cross-entropy sum against the formula in Double
  /// (tolerance: 3 Float ulps of each logarithm, relative to the sum).
  @Test(arguments: Kernels.vectorVariants.map(\.name))
  func logisticLossSum(_ variant: String) {
    let features = Kernels.vectorVariants.first { $0.name == variant }!.features
    var rng = SplitMix64(seed: 12)
    for count in [1, 7, 16, 17, 400, 1001] {
      var z = Matrix<Float>(rows: 1, columns: count)
      var y = Matrix<Float>(rows: 1, columns: count)
      for j in 0..<count {
        z[0, j] = j % 50 == 3 ? 120 * rng.uniform() : 8 * rng.uniform()
        y[0, j] = j % 3 == 0 ? 0.25 : (rng.uniform() as Float) > 0 ? 1 : 0
      }
      var exact = 0.0
      var logs = 0.0
      for j in 0..<count {
        let (zj, yj) = (Double(z[0, j]), Double(y[0, j]))
        let log = Foundation_log1p(Foundation_exp(-Swift.abs(zj)))
        exact += Swift.max(zj, 0) - zj * yj + log
        logs += log
      }
      let sum = Kernels.logisticLossSum(z: z, y: y, features: features)
      expectClose(sum, exact, rtol: 0, atol: 3 * Double(Float.ulpOfOne) * logs + 1e-12, "\(variant) n=\(count)")
      let double = Kernels.logisticLossSum(z: z.converted(to: Double.self), y: y.converted(to: Double.self))
      expectClose(double, exact, rtol: 1e-14, atol: 1e-14, "Double n=\(count)")
    }
  }

  @Test func featuresFromTheEnvironment() {
    let all = Kernels.simdFeatureBits
    #expect(Kernels.vectorFeatures(allowedBy: nil, detected: all) == all)
    #expect(Kernels.vectorFeatures(allowedBy: "portable", detected: all) & ~1 == 0)
    #expect(Kernels.vectorFeatures(allowedBy: "AVX2", detected: all) == all & ~16)
    #expect(Kernels.vectorVariants.first?.name == "baseline")
  }
}

import BackpropTestSupport
import Foundation

func Foundation_tanh(_ x: Double) -> Double { Foundation.tanh(x) }
func Foundation_exp(_ x: Double) -> Double { Foundation.exp(x) }
func Foundation_log1p(_ x: Double) -> Double { Foundation.log1p(x) }
