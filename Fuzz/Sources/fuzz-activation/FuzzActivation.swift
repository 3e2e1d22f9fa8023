import Backprop
import Foundation

/// The input as the text after `--activation custom:` (the command line's, or a model
/// file's recorded activation): `NAME = g(z); g'(z)`. Parsing either gives an
/// activation whose g and g' can be evaluated anywhere, or throws the
/// ``ConfigurationError`` it documents (typed throws: nothing else can escape).
/// What the target catches: traps, stack overflows on deep nesting (the parser's
/// ``ActivationExpression/maximumDepth``), and hangs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzActivation(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  // The bare formula parser, and a parsed formula evaluated off and on the check points.
  if let g = try? ActivationExpression(text) {
    for z in [-1e300, -3.5, -1, 0, 0.5, 2, 1e300, .nan, .infinity] { _ = g(z) }
  }
  // A whole custom activation (g' checked against finite differences), by both routes in.
  if let activation = try? CustomActivation(parsing: text) {
    _ = activation.description
    _ = activation(0.25 as Double)
    _ = activation.derivative(z: 0.25 as Double, a: activation(0.25 as Double))
  }
  _ = try? ActivationFunction(name: "custom:" + text)
  return 0
}
