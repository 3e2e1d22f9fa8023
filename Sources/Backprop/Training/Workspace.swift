/// Everything one training step writes — the forward caches, dZ[l], dA[l] and
/// the gradients — kept between steps, so that after the first step a step
/// allocates nothing: every buffer is reused in place.
///
/// ```swift
/// let sgd = try GradientDescent<Double>(learningRate: 0.1)
/// var state = OptimizerState(for: network, optimizer: sgd)
/// var workspace = Workspace(for: network)
/// for _ in 0..<iterations {
///   try network.forward(x, into: &workspace.pass)
///   try network.backward(labels: y, workspace: &workspace)   // fills workspace.gradients
///   network.apply(workspace.gradients, optimizer: sgd, state: &state)
/// }
/// ```
public struct Workspace<Scalar: MatrixScalar>: Sendable {
  /// The forward caches: A[l-1], Z[l], A[l] per layer.
  public var pass: Network<Scalar>.ForwardPass
  /// dW[l], db[l] (and dα[l]) at index l − 1, after ``Network/backward(labels:weights:l2:workspace:)``.
  public var gradients: [Dense<Scalar>.Gradients]
  /// dZ[l] at index l − 1.
  var dZ: [Matrix<Scalar>]
  /// dA[l] at index l − 1 (for l = 1…L−1; the last slot is unused).
  var dA: [Matrix<Scalar>]
  /// dZ̃[l] at index l − 1, for batch-normalised layers (the gradient at g's input).
  var dZTilde: [Matrix<Scalar>]

  /// dZ[l] after ``Network/backward(labels:weights:l2:workspace:)``: ∂L/∂Z[l] per
  /// example (for a batch-normalised layer, with respect to Z before the normalisation).
  public func outputGradient(layer l: Int) -> Matrix<Scalar> { dZ[l - 1] }

  /// Empty buffers for every layer of `network`; they take their sizes on the first step.
  public init(for network: Network<Scalar>) {
    let depth = network.depth
    let empty = Matrix<Scalar>(rows: 0, columns: 0)
    pass = Network<Scalar>.ForwardPass(caches: Array(repeating: Dense<Scalar>.Cache(), count: depth))
    gradients = network.layers.map(Dense<Scalar>.Gradients.init(buffersFor:))
    dZ = Array(repeating: empty, count: depth)
    dA = Array(repeating: empty, count: depth)
    dZTilde = Array(repeating: empty, count: depth)
  }
}
