/// The kinds of learned parameters a layer can have: the one list that
/// everything visiting a layer's parameters goes through — the optimizers'
/// updates and state, checkpoints, model files, the gradient check, gradient
/// norms and clipping, the parameter count.
///
/// | case | the notes | gradient | when |
/// |---|---|---|---|
/// | ``weight`` | W[l], (n[l], n[l-1]) | dW[l] | always |
/// | ``bias`` | b[l], (n[l], 1) | db[l] | always |
/// | ``alpha`` | α[l], (n[l], 1) | dα[l] | PReLU layers |
/// | ``gamma`` | γ[l], (n[l], 1) | dγ[l] | batch-normalised layers |
/// | ``beta`` | β[l], (n[l], 1) | dβ[l] | batch-normalised layers |
///
/// A new kind is a case here, its storage in ``Dense`` and ``Dense/Gradients``,
/// and its arms in the two accessors below (``Dense/subscript(_:)``,
/// ``Dense/modify(_:_:)`` and the same on the gradients); the loops elsewhere
/// pick it up.
public enum Parameter: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
  case weight
  case bias
  case alpha
  case gamma
  case beta

  /// Every kind, in this order (a stored array: iterating it allocates nothing).
  public static let all: [Parameter] = allCases

  /// The notes' symbol: W, b, α, γ, β.
  public var symbol: String {
    switch self {
    case .weight: "W"
    case .bias: "b"
    case .alpha: "α"
    case .gamma: "γ"
    case .beta: "β"
    }
  }

  /// The tensor's name in a model file for layer l at `index` = l − 1, as PyTorch's
  /// `nn.Linear` layers (`layers.{l-1}.weight`, `.bias`, PReLU's `.alpha`) and
  /// `nn.BatchNorm1d` (`norms.{l-1}.weight` for γ, `.bias` for β) name them.
  public func tensorName(layer index: Int) -> String {
    switch self {
    case .weight: "layers.\(index).weight"
    case .bias: "layers.\(index).bias"
    case .alpha: "layers.\(index).alpha"
    case .gamma: "norms.\(index).weight"
    case .beta: "norms.\(index).bias"
    }
  }

  /// The name in checkpoints (`layers.{l-1}.{name}.…` of the optimizer state) and
  /// messages: `weight`, `bias`, `alpha`, `gamma`, `beta`.
  public var description: String {
    switch self {
    case .weight: "weight"
    case .bias: "bias"
    case .alpha: "alpha"
    case .gamma: "gamma"
    case .beta: "beta"
    }
  }
}

extension Dense {
  /// The layer's parameter of kind `parameter`, nil when it has none of that kind
  /// (α without PReLU, γ and β without batch normalisation).
  public subscript(_ parameter: Parameter) -> Matrix<Scalar>? {
    switch parameter {
    case .weight: weight
    case .bias: bias
    case .alpha: alpha
    case .gamma: normalization?.gamma
    case .beta: normalization?.beta
    }
  }

  /// Runs `body` on the parameter in place (uniquely referenced, so an update
  /// writes into its buffer); does nothing when the layer has no such parameter.
  public mutating func modify(_ parameter: Parameter, _ body: (inout Matrix<Scalar>) throws -> Void) rethrows {
    switch parameter {
    case .weight: try body(&weight)
    case .bias: try body(&bias)
    case .alpha: if alpha != nil { try body(&alpha!) }
    case .gamma: if normalization != nil { try body(&normalization!.gamma) }
    case .beta: if normalization != nil { try body(&normalization!.beta) }
    }
  }
}

extension Dense.Gradients {
  /// The gradient of kind `parameter` (dW, db, dα, dγ, dβ), nil when there is none.
  public subscript(_ parameter: Parameter) -> Matrix<Scalar>? {
    switch parameter {
    case .weight: dW
    case .bias: db
    case .alpha: dAlpha
    case .gamma: dGamma
    case .beta: dBeta
    }
  }

  /// Runs `body` on the gradient in place; does nothing when there is none of that kind.
  public mutating func modify(_ parameter: Parameter, _ body: (inout Matrix<Scalar>) throws -> Void) rethrows {
    switch parameter {
    case .weight: try body(&dW)
    case .bias: try body(&db)
    case .alpha: if dAlpha != nil { try body(&dAlpha!) }
    case .gamma: if dGamma != nil { try body(&dGamma!) }
    case .beta: if dBeta != nil { try body(&dBeta!) }
    }
  }

  /// Empty gradient buffers for the parameters `layer` has (they take their
  /// shapes on the first backward pass).
  public init(buffersFor layer: Dense<Scalar>) {
    let empty = Matrix<Scalar>(rows: 0, columns: 0)
    func buffer(_ parameter: Parameter) -> Matrix<Scalar>? { layer[parameter] == nil ? nil : empty }
    self.init(
      dW: empty, db: empty, dAlpha: buffer(.alpha), dGamma: buffer(.gamma), dBeta: buffer(.beta))
  }
}
