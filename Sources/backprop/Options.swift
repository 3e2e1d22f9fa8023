import ArgumentParser
import Backprop

/// `--layers 12288,20,7,5,1`: the course's `layers_dims`.
struct LayerSizes: ExpressibleByArgument, CustomStringConvertible {
  var sizes: [Int]

  init(_ sizes: [Int]) { self.sizes = sizes }

  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
    let values = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { return nil }
    sizes = values.compactMap { $0 }
  }

  var description: String { sizes.map(String.init).joined(separator: ",") }
}

extension ActivationFunction: ExpressibleByArgument {
  public init?(argument: String) { try? self.init(name: argument) }
  public static var allValueStrings: [String] { hiddenLayerNames }
}

extension Output: ExpressibleByArgument {
  public init?(argument: String) { try? self.init(name: argument) }
}

extension Initializer: ExpressibleByArgument {}
extension GeneratorKind: ExpressibleByArgument {}

/// `--dtype float32|float64`.
enum DType: String, ExpressibleByArgument, CaseIterable {
  case float32
  case float64
}

/// The network's shape and how it starts: shared by `train` and `gradcheck`.
struct ArchitectureOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Layer sizes n0,n1,…,nL (the course's layers_dims); n0 is the number of input features.",
      valueName: "n0,n1,…,nL"))
  var layers: LayerSizes

  @Option(
    help: ArgumentHelp(
      "Hidden-layer activation g[1]…g[L-1]: identity, step, sigmoid, tanh, arctan, relu, prelu, elu, softplus, leaky-relu. "
        + "Parameters after a colon: leaky-relu:0.1, elu:0.5, prelu:0.1 (α's starting value). Your own, with its "
        + "derivative (checked against finite differences): 'custom:softsign=z/(1+abs(z));1/(1+abs(z))^2'.",
      valueName: "name"),
    transform: { try ActivationFunction(name: $0) })
  var activation: ActivationFunction = .relu

  @Option(
    help: ArgumentHelp(
      "Output layer and loss: sigmoid (binary cross-entropy), softmax (cross-entropy over class indices), "
        + "identity (squared error, for regression).", valueName: "name"))
  var output: Output = .sigmoid

  @Option(help: "Random seed for the initial parameters (and generated data).")
  var seed: UInt64 = 1
}
