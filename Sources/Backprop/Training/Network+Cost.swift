/// The cost, the course's `compute_cost`: J = (1/m) Σ L(A[L], Y), from a forward pass.
extension Network {
  /// The cost of a forward pass, the course's `compute_cost` (and
  /// `compute_cost_with_regularization`):
  ///
  ///     J = (1/m) Σ_i w⁽ⁱ⁾ L(A[L]⁽ⁱ⁾, Y⁽ⁱ⁾) + λ/(2m) Σ_l ‖W[l]‖²_F
  ///
  /// with example weights w⁽ⁱ⁾ = 1 unless `weights` (1, m) is given, and λ = `l2`.
  /// - Throws: ``DataError`` when Y does not fit the output (see ``Loss/validate(labels:outputUnits:examples:)``).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func cost(
    _ pass: ForwardPass, labels y: Matrix<Scalar>, weights: Matrix<Scalar>? = nil, l2 lambda: Double = 0
  ) throws(DataError) -> Double {
    let last = pass.caches[pass.caches.count - 1]
    try output.validate(labels: y, outputUnits: last.a.rows, examples: last.a.columns)
    let data = output.cost(z: last.z, a: last.a, y: y, weights: weights)
    return lambda == 0 ? data : data + l2Penalty(lambda, examples: last.a.columns)
  }

  /// The L2 term of the cost, λ/(2m) Σ_l ‖W[l]‖²_F (biases, γ, β and α are not penalised).
  public func l2Penalty(_ lambda: Double, examples m: Int) -> Double {
    lambda / (2 * Double(m)) * layers.reduce(0) { $0 + Kernels.squaredNorm($1.weight) }
  }
}
