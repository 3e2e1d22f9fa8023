/// The optimizers' update steps, each fused into one in-place pass over the
/// parameter, its gradient and its state: no temporaries, no allocation.
///
/// The formulas are the optimizers' (see ``Momentum``, ``Nesterov``,
/// ``RMSprop``, ``Adam``, ``AdamW``); here they are written once per element.
/// A large parameter is updated in ranges on the worker pool
/// (``Kernels/forEachRange(count:cost:_:)``): each element's arithmetic is the
/// same on any thread, so the result does not depend on the thread count.
extension Kernels {
  /// The course's momentum, per element:
  ///
  ///     v = β·v + (1 − β)·dW        W = W − α·v
  @inlinable
  package static func momentumStep<Scalar: MatrixScalar>(
    _ w: inout Matrix<Scalar>, gradient dW: Matrix<Scalar>, velocity v: inout Matrix<Scalar>,
    learningRate alpha: Scalar, beta: Scalar
  ) {
    precondition(
      w.shape == dW.shape && v.shape == dW.shape, "momentum: W \(w.shape), dW \(dW.shape), v \(v.shape) differ")
    let oneMinusBeta = 1 - beta
    dW.withUnsafeBufferPointer { dWp in
      v.withUnsafeMutableBufferPointer { vp in
        w.withUnsafeMutableBufferPointer { wp in
          forEachRange(count: wp.count) { range in
            // Local copies: the loop then reads no captured variable through memory its stores could alias, and vectorises.
            let (wp, vp, dWp, alpha, beta, oneMinusBeta) = (wp, vp, dWp, alpha, beta, oneMinusBeta)
            for k in range {
              let vk = beta * vp[k] + oneMinusBeta * dWp[k]
              vp[k] = vk
              wp[k] -= alpha * vk
            }
          }
        }
      }
    }
  }

  /// Nesterov's look-ahead momentum on the current parameters (PyTorch's
  /// `SGD(nesterov=True)`, no dampening), per element:
  ///
  ///     v = μ·v + dW        W = W − α·(dW + μ·v)
  @inlinable
  package static func nesterovStep<Scalar: MatrixScalar>(
    _ w: inout Matrix<Scalar>, gradient dW: Matrix<Scalar>, velocity v: inout Matrix<Scalar>,
    learningRate alpha: Scalar, momentum mu: Scalar
  ) {
    precondition(
      w.shape == dW.shape && v.shape == dW.shape, "nesterov: W \(w.shape), dW \(dW.shape), v \(v.shape) differ")
    dW.withUnsafeBufferPointer { dWp in
      v.withUnsafeMutableBufferPointer { vp in
        w.withUnsafeMutableBufferPointer { wp in
          forEachRange(count: wp.count) { range in
            // Local copies: the loop then reads no captured variable through memory its stores could alias, and vectorises.
            let (wp, vp, dWp, alpha, mu) = (wp, vp, dWp, alpha, mu)
            for k in range {
              let g = dWp[k]
              let vk = mu * vp[k] + g
              vp[k] = vk
              wp[k] -= alpha * (g + mu * vk)
            }
          }
        }
      }
    }
  }

  /// RMSprop, ε outside the square root, per element:
  ///
  ///     s = β₂·s + (1 − β₂)·dW²        W = W − α·dW / (√s + ε)
  @inlinable
  package static func rmspropStep<Scalar: MatrixScalar>(
    _ w: inout Matrix<Scalar>, gradient dW: Matrix<Scalar>, squaredAverage s: inout Matrix<Scalar>,
    learningRate alpha: Scalar, beta2: Scalar, epsilon: Scalar
  ) {
    precondition(
      w.shape == dW.shape && s.shape == dW.shape, "rmsprop: W \(w.shape), dW \(dW.shape), s \(s.shape) differ")
    let oneMinusBeta2 = 1 - beta2
    dW.withUnsafeBufferPointer { dWp in
      s.withUnsafeMutableBufferPointer { sp in
        w.withUnsafeMutableBufferPointer { wp in
          forEachRange(count: wp.count) { range in
            // Local copies: the loop then reads no captured variable through memory its stores could alias, and vectorises.
            let (wp, sp, dWp, alpha, beta2, oneMinusBeta2, epsilon) = (
              wp, sp, dWp, alpha, beta2, oneMinusBeta2, epsilon
            )
            for k in range {
              let g = dWp[k]
              let sk = beta2 * sp[k] + oneMinusBeta2 * (g * g)
              sp[k] = sk
              wp[k] -= alpha * g / (sk.squareRoot() + epsilon)
            }
          }
        }
      }
    }
  }

  /// Adam with bias correction and, for AdamW, decoupled weight decay, per
  /// element (t is the step, counted from 1):
  ///
  ///     W = W·(1 − α·λ)                                (AdamW; λ = 0 for Adam)
  ///     v = β₁·v + (1 − β₁)·dW          s = β₂·s + (1 − β₂)·dW²
  ///     v̂ = v / (1 − β₁ᵗ)               ŝ = s / (1 − β₂ᵗ)
  ///     W = W − α·v̂ / (√ŝ + ε)
  ///
  /// computed as PyTorch does, with the corrections folded into scalars:
  /// W − (α / (1 − β₁ᵗ))·v / (√s / √(1 − β₂ᵗ) + ε).
  ///
  /// - Parameters:
  ///   - w: W (or b, α, γ, β), updated in place.
  ///   - dW: dW, the gradient, the same shape as W.
  ///   - v: v, the first moment (the running average of dW), updated in place; the same shape as W.
  ///   - s: s, the second moment (the running average of dW²), updated in place; the same shape as W.
  ///   - alpha: α, the learning rate.
  ///   - beta1: β₁, the first moment's decay.
  ///   - beta2: β₂, the second moment's decay.
  ///   - epsilon: ε, added to √ŝ so the step never divides by zero.
  ///   - correction1: 1 − β₁ᵗ.
  ///   - correction2: 1 − β₂ᵗ.
  ///   - decay: 1 − α·λ, the factor W is multiplied by first (1 for Adam).
  @inlinable
  package static func adamStep<Scalar: MatrixScalar>(
    _ w: inout Matrix<Scalar>, gradient dW: Matrix<Scalar>, firstMoment v: inout Matrix<Scalar>,
    secondMoment s: inout Matrix<Scalar>, learningRate alpha: Scalar, beta1: Scalar, beta2: Scalar,
    epsilon: Scalar, correction1: Scalar, correction2: Scalar, decay: Scalar
  ) {
    precondition(
      w.shape == dW.shape && v.shape == dW.shape && s.shape == dW.shape,
      "adam: W \(w.shape), dW \(dW.shape), v \(v.shape), s \(s.shape) differ")
    let oneMinusBeta1 = 1 - beta1
    let oneMinusBeta2 = 1 - beta2
    let stepSize = alpha / correction1
    let sqrtCorrection2 = correction2.squareRoot()
    dW.withUnsafeBufferPointer { dWp in
      v.withUnsafeMutableBufferPointer { vp in
        s.withUnsafeMutableBufferPointer { sp in
          w.withUnsafeMutableBufferPointer { wp in
            forEachRange(count: wp.count) { range in
              // Local copies: the loop then reads no captured variable through memory its stores could alias, and vectorises.
              let (
                wp, vp, sp, dWp, beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon, stepSize, sqrtCorrection2, decay
              ) = (
                wp, vp, sp, dWp, beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon, stepSize, sqrtCorrection2, decay
              )
              for k in range {
                let g = dWp[k]
                let vk = beta1 * vp[k] + oneMinusBeta1 * g
                let sk = beta2 * sp[k] + oneMinusBeta2 * (g * g)
                vp[k] = vk
                sp[k] = sk
                let denominator = sk.squareRoot() / sqrtCorrection2 + epsilon
                wp[k] = wp[k] * decay - stepSize * vk / denominator
              }
            }
          }
        }
      }
    }
  }
}
