import Backprop
import Testing

/// Records an issue unless |actual − expected| ≤ atol + rtol·|expected| for every element.
///
/// The tolerance is stated at each call: ~1e-12 for float64 against the NumPy
/// oracle, looser for float32.
public func expectClose<Scalar: MatrixScalar>(
  _ actual: Matrix<Scalar>, _ expected: Matrix<Scalar>, rtol: Double = 1e-12, atol: Double = 1e-12,
  _ what: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  guard actual.shape == expected.shape else {
    Issue.record("\(what()): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
    return
  }
  var worst = 0.0
  var worstIndex = -1
  for k in 0..<actual.count {
    let a = Double(actual.scalars[k])
    let e = Double(expected.scalars[k])
    let excess = Swift.abs(a - e) - (atol + rtol * Swift.abs(e))
    if excess > worst || (a.isNaN != e.isNaN) {
      worst = a.isNaN != e.isNaN ? .infinity : excess
      worstIndex = k
    }
  }
  if worstIndex >= 0 {
    let i = worstIndex % max(actual.rows, 1)
    let j = worstIndex / max(actual.rows, 1)
    let message =
      "\(what()): element (\(i), \(j)) is \(actual.scalars[worstIndex]), expected \(expected.scalars[worstIndex]) "
      + "(rtol \(rtol), atol \(atol))"
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
  }
}

/// Records an issue unless |actual − expected| ≤ atol + rtol·|expected|.
public func expectClose(
  _ actual: Double, _ expected: Double, rtol: Double = 1e-12, atol: Double = 1e-12,
  _ what: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  if !(Swift.abs(actual - expected) <= atol + rtol * Swift.abs(expected)) {
    Issue.record(
      "\(what()): \(actual), expected \(expected) (rtol \(rtol), atol \(atol))", sourceLocation: sourceLocation)
  }
}
