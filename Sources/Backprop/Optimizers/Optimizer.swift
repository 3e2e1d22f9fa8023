/// An update rule: how a parameter moves given its gradient.
///
/// One protocol, one file per rule, explicit per-parameter state (a velocity
/// or moment estimates; nothing for plain gradient descent). The network
/// calls ``update(parameter:gradient:state:)`` for every W[l], b[l] and α[l].
///
/// | rule | update | state |
/// |---|---|---|
/// | ``GradientDescent`` | W −= α·dW | none |
/// | ``Momentum`` | v = β·v + (1−β)·dW; W −= α·v | v |
/// | ``Nesterov`` | v = μ·v + dW; W −= α·(dW + μ·v) | v |
/// | ``RMSprop`` | s = β₂·s + (1−β₂)·dW²; W −= α·dW/(√s + ε) | s |
/// | ``Adam`` | v, s as above; W −= α·v̂/(√ŝ + ε) | v, s, t |
/// | ``AdamW`` | W −= α·λ·W, then Adam | v, s, t |
///
/// To pick one from its name at run time and still run specialised code,
/// see ``OptimizerSettings`` and ``OptimizerVisitor``.
public protocol Optimizer<Scalar>: Sendable {
  associatedtype Scalar: MatrixScalar
  /// What the rule remembers about one parameter between steps: public stored
  /// properties (a velocity, moment estimates, a step count), so it can be saved
  /// and restored.
  associatedtype State: Sendable

  /// α, the learning rate; a schedule may change it between steps
  /// (see ``LearningRateSchedule``).
  var learningRate: Scalar { get set }

  /// The state a parameter starts with.
  func makeState(for parameter: Matrix<Scalar>) -> State

  /// The state as named tensors, for checkpoints (``FitState``); integer
  /// counters (Adam's step) go to ``stateCounters(_:)``.
  func stateTensors(_ state: State) -> [String: Matrix<Scalar>]

  /// Integer counters of the state, for checkpoints.
  func stateCounters(_ state: State) -> [String: Int]

  /// A state back from ``stateTensors(_:)`` and ``stateCounters(_:)``.
  /// - Throws: ``DataError`` when a tensor is missing or not shaped like `parameter`.
  func restoreState(
    tensors: [String: Matrix<Scalar>], counters: [String: Int], for parameter: Matrix<Scalar>
  ) throws(DataError) -> State

  /// Moves one parameter by its gradient.
  func update(parameter: inout Matrix<Scalar>, gradient: Matrix<Scalar>, state: inout State)
}

/// The optimizer's state for every parameter of a network, in layer order.
public struct OptimizerState<O: Optimizer>: Sendable {
  /// For layer l at index l − 1, the state of each of its parameters by
  /// ``Parameter`` (`states[l - 1][parameter.rawValue]`), nil for a kind the layer does not have.
  public var states: [[O.State?]]

  /// Saved state, e.g. read back from a checkpoint: `states[l - 1][parameter.rawValue]`.
  public init(states: [[O.State?]]) {
    self.states = states
  }

  /// Fresh state for every parameter of `network`.
  public init(for network: Network<O.Scalar>, optimizer: O) {
    states = network.layers.map { layer in
      Parameter.all.map { parameter in layer[parameter].map { optimizer.makeState(for: $0) } }
    }
  }

  /// The state of layer `l`'s (index l − 1) parameter of kind `parameter`, nil when it has none.
  public subscript(layer l: Int, parameter parameter: Parameter) -> O.State? {
    get { states[l][parameter.rawValue] }
    set { states[l][parameter.rawValue] = newValue }
  }
}

extension Network {
  /// One update step over every parameter, W[l], b[l], α[l], γ[l] and β[l] for l = 1…L
  /// (every ``Parameter`` a layer has), each in place.
  /// - Precondition: `gradients` come from ``Network/backward(_:labels:weights:l2:)`` (or
  ///   ``Network/backward(labels:weights:l2:workspace:)``) of this network.
  @_specialize(where Scalar == Float, O == GradientDescent<Float>)
  @_specialize(where Scalar == Double, O == GradientDescent<Double>)
  @_specialize(where Scalar == Float, O == Momentum<Float>)
  @_specialize(where Scalar == Double, O == Momentum<Double>)
  @_specialize(where Scalar == Float, O == Nesterov<Float>)
  @_specialize(where Scalar == Double, O == Nesterov<Double>)
  @_specialize(where Scalar == Float, O == RMSprop<Float>)
  @_specialize(where Scalar == Double, O == RMSprop<Double>)
  @_specialize(where Scalar == Float, O == Adam<Float>)
  @_specialize(where Scalar == Double, O == Adam<Double>)
  @_specialize(where Scalar == Float, O == AdamW<Float>)
  @_specialize(where Scalar == Double, O == AdamW<Double>)
  public mutating func apply<O: Optimizer>(
    _ gradients: [Dense<Scalar>.Gradients], optimizer: O, state: inout OptimizerState<O>
  ) where O.Scalar == Scalar {
    precondition(
      gradients.count == layers.count && state.states.count == layers.count, "gradients do not fit the network")
    for l in layers.indices {
      for parameter in Parameter.all {
        guard let gradient = gradients[l][parameter] else { continue }
        layers[l].modify(parameter) { value in
          // θ := the rule's step from dθ; the state is made on first use (a layer whose kind appeared later).
          if state.states[l][parameter.rawValue] == nil {
            state.states[l][parameter.rawValue] = optimizer.makeState(for: value)
          }
          optimizer.update(parameter: &value, gradient: gradient, state: &state.states[l][parameter.rawValue]!)
        }
      }
    }
  }
}

extension Optimizer {
  public func stateCounters(_ state: State) -> [String: Int] { [:] }

  /// The tensor `name` of a saved state, checked against the parameter's shape.
  func savedTensor(
    _ tensors: [String: Matrix<Scalar>], _ name: String, for parameter: Matrix<Scalar>
  ) throws(DataError) -> Matrix<Scalar> {
    try savedStateTensor(tensors, name, for: parameter)
  }

  /// The counter `name` of a saved state.
  func savedCounter(_ counters: [String: Int], _ name: String) throws(DataError) -> Int {
    try savedStateCounter(counters, name)
  }
}

/// One parameter's optimizer state that knows its start, and what of it a
/// checkpoint saves. The optimizers that share a state type (``Momentum`` and
/// ``Nesterov``: a velocity; ``Adam`` and ``AdamW``: two moments and a step)
/// take their `makeState`, `stateTensors`, `stateCounters` and `restoreState`
/// from it.
public protocol ParameterState<Scalar>: Sendable {
  associatedtype Scalar: MatrixScalar
  /// The state before the first update of `parameter`.
  init(startingAt parameter: Matrix<Scalar>)
  /// The tensors a checkpoint saves, by name.
  var tensors: [String: Matrix<Scalar>] { get }
  /// The counters a checkpoint saves, by name.
  var counters: [String: Int] { get }
  /// The state read back from a checkpoint's tensors and counters for `parameter`.
  /// - Throws: ``DataError`` when a tensor or counter is missing, or a tensor's shape is not the parameter's.
  init(tensors: [String: Matrix<Scalar>], counters: [String: Int], for parameter: Matrix<Scalar>) throws(DataError)
}

extension ParameterState {
  public var counters: [String: Int] { [:] }
}

extension Optimizer where State: ParameterState, State.Scalar == Scalar {
  public func makeState(for parameter: Matrix<Scalar>) -> State { State(startingAt: parameter) }
  public func stateTensors(_ state: State) -> [String: Matrix<Scalar>] { state.tensors }
  public func stateCounters(_ state: State) -> [String: Int] { state.counters }
  public func restoreState(
    tensors: [String: Matrix<Scalar>], counters: [String: Int], for parameter: Matrix<Scalar>
  ) throws(DataError) -> State {
    try State(tensors: tensors, counters: counters, for: parameter)
  }
}

/// The tensor `name` of a saved state, checked against the parameter's shape.
func savedStateTensor<Scalar: MatrixScalar>(
  _ tensors: [String: Matrix<Scalar>], _ name: String, for parameter: Matrix<Scalar>
) throws(DataError) -> Matrix<Scalar> {
  guard let tensor = tensors[name] else { throw DataError("the optimizer state has no '\(name)'") }
  guard tensor.shape == parameter.shape else {
    throw DataError("the optimizer state's '\(name)' is \(tensor.shape) but its parameter is \(parameter.shape)")
  }
  return tensor
}

/// The counter `name` of a saved state.
func savedStateCounter(_ counters: [String: Int], _ name: String) throws(DataError) -> Int {
  guard let value = counters[name], value >= 0 else { throw DataError("the optimizer state has no counter '\(name)'") }
  return value
}
