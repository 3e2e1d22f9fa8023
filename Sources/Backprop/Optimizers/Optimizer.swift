/// An update rule: how a parameter moves given its gradient.
///
/// One protocol, one file per rule, explicit per-parameter state (a velocity
/// or moment estimates; nothing for plain gradient descent). The network
/// calls ``update(parameter:gradient:state:)`` for every W[l], b[l] and α[l].
public protocol Optimizer<Scalar>: Sendable {
  associatedtype Scalar: MatrixScalar
  /// What the rule remembers about one parameter between steps.
  associatedtype State: Sendable

  /// The state a parameter starts with.
  func makeState(for parameter: Matrix<Scalar>) -> State

  /// Moves one parameter by its gradient.
  func update(parameter: inout Matrix<Scalar>, gradient: Matrix<Scalar>, state: inout State)
}

/// The optimizer's state for every parameter of a network, in layer order.
public struct OptimizerState<O: Optimizer>: Sendable {
  /// For layer l at index l − 1: the states of W[l], b[l] and (PReLU) α[l].
  public var layers: [(weight: O.State, bias: O.State, alpha: O.State?)]

  /// Fresh state for every parameter of `network`.
  public init(for network: Network<O.Scalar>, optimizer: O) {
    layers = network.layers.map { layer in
      (optimizer.makeState(for: layer.weight), optimizer.makeState(for: layer.bias),
       layer.alpha.map { optimizer.makeState(for: $0) })
    }
  }
}

extension Network {
  /// One update step over every parameter, W[l], b[l] and α[l] for l = 1…L.
  /// - Precondition: `gradients` come from ``backward(_:labels:)`` of this network.
  @_specialize(where Scalar == Float, O == GradientDescent<Float>)
  @_specialize(where Scalar == Double, O == GradientDescent<Double>)
  public mutating func apply<O: Optimizer>(
    _ gradients: [Dense<Scalar>.Gradients], optimizer: O, state: inout OptimizerState<O>
  ) where O.Scalar == Scalar {
    precondition(gradients.count == layers.count && state.layers.count == layers.count, "gradients do not fit the network")
    for l in layers.indices {
      optimizer.update(parameter: &layers[l].weight, gradient: gradients[l].dW, state: &state.layers[l].weight)
      optimizer.update(parameter: &layers[l].bias, gradient: gradients[l].db, state: &state.layers[l].bias)
      if var alpha = layers[l].alpha, let dAlpha = gradients[l].dAlpha, var alphaState = state.layers[l].alpha {
        layers[l].alpha = nil  // keep α uniquely referenced while it is updated in place
        optimizer.update(parameter: &alpha, gradient: dAlpha, state: &alphaState)
        layers[l].alpha = alpha
        state.layers[l].alpha = alphaState
      }
    }
  }
}
