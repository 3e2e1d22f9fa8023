import Backprop
import Testing

/// The library-call-free Float functions against Double's correctly rounded values.
@Suite struct VectorMathTests {
  /// The distance in units in the last place between a Float and the exact value.
  func ulps(_ value: Float, _ exact: Double) -> Double {
    let rounded = Float(exact)
    guard value != rounded else { return 0 }
    return Swift.abs(Double(value) - exact) / Double(rounded.ulp)
  }

  @Test func tanhFloatWithinTwoUlps() {
    var worst = 0.0
    var worstAt: Float = 0
    // Every 97th Float pattern from 0 up to +∞, and their negatives: about 22 million values
    // would be slow in a debug build, so step through the patterns sparsely but evenly.
    var bits: UInt32 = 0
    while bits < 0x7F80_0000 {
      let x = Float(bitPattern: bits)
      for v in [x, -x] {
        let error = ulps(Kernels.tanhFloat(v), Foundation_tanh(Double(v)))
        if error > worst { (worst, worstAt) = (error, v) }
      }
      bits &+= 9_973
    }
    #expect(worst <= 2, "tanhFloat is \(worst) ulp off at \(worstAt)")
    #expect(Kernels.tanhFloat(20) == 1 && Kernels.tanhFloat(-20) == -1)
    #expect(Kernels.tanhFloat(.infinity) == 1 && Kernels.tanhFloat(-.infinity) == -1)
    #expect(Kernels.tanhFloat(.nan).isNaN)
    #expect(Kernels.tanhFloat(0) == 0 && Kernels.tanhFloat(1e-30) == 1e-30)
  }

  @Test func exponentFloatIsAccurate() {
    var worst = 0.0
    var y: Float = -87
    while y <= 88 {
      worst = Swift.max(worst, ulps(Kernels.exponentFloat(y), Foundation_exp(Double(y))))
      y += 0.013
    }
    #expect(worst <= 2, "exponentFloat is \(worst) ulp off")
  }
}

import Foundation

func Foundation_tanh(_ x: Double) -> Double { Foundation.tanh(x) }
func Foundation_exp(_ x: Double) -> Double { Foundation.exp(x) }
