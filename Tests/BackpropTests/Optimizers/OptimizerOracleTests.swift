import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// Every optimizer against the NumPy oracle (`Tests/Fixtures/optimizers/make_fixtures.py`)
/// and against the trajectories torch.optim produced there: six steps on a fixed
/// W with fixed gradients, the learning rate halved after step 3. Float64 to 1e-12;
/// float32 to what float32 allows.
@Suite struct OptimizerOracleTests {
  struct Case: Decodable, CustomTestStringConvertible, Sendable {
    var name: String
    var optimizer: String
    var hyperparameters: [String: Double]
    var learning_rates: [Double]
    var W0: [[Double]]
    var grads: [[[Double]]]
    var W: [[[Double]]]
    var state: [String: [[Double]]]
    var step: Int
    var torch_W: [[[Double]]]?
    var testDescription: String { name }
  }

  struct File: Decodable { var cases: [Case] }

  static let cases: [Case] = {
    guard let data = FileManager.default.contents(atPath: Fixtures.path("optimizers/optimizers.json")),
      let file = try? JSONDecoder().decode(File.self, from: data)
    else { return [] }
    return file.cases
  }()

  static func matrix<S: MatrixScalar>(_ rows: [[Double]], as _: S.Type = S.self) -> Matrix<S> {
    Matrix(rowMajor: rows.map { $0.map { S($0) } })
  }

  /// Runs the case's steps with the optimizer the settings choose, changing the
  /// learning rate between steps; returns W after each step and the final state's matrices.
  struct Run<S: MatrixScalar>: OptimizerVisitor {
    typealias Scalar = S
    var c: Case

    func visit<O: Optimizer>(_ optimizer: O) throws -> (trajectory: [Matrix<S>], state: [String: Matrix<S>], step: Int?)
    where O.Scalar == S {
      var optimizer = optimizer
      var w: Matrix<S> = OptimizerOracleTests.matrix(c.W0)
      var state = optimizer.makeState(for: w)
      var trajectory = [Matrix<S>]()
      for (gradient, alpha) in zip(c.grads, c.learning_rates) {
        optimizer.learningRate = S(alpha)
        optimizer.update(parameter: &w, gradient: OptimizerOracleTests.matrix(gradient), state: &state)
        trajectory.append(w)
      }
      switch state {
      case let s as Momentum<S>.State: return (trajectory, ["velocity": s.velocity], nil)
      case let s as Nesterov<S>.State: return (trajectory, ["velocity": s.velocity], nil)
      case let s as RMSprop<S>.State: return (trajectory, ["squared_average": s.squaredAverage], nil)
      case let s as Adam<S>.State:
        return (trajectory, ["first_moment": s.firstMoment, "second_moment": s.secondMoment], s.step)
      default: return (trajectory, [:], nil)
      }
    }
  }

  func check<S: MatrixScalar>(_ c: Case, as _: S.Type, rtol: Double, atol: Double) throws {
    let h = c.hyperparameters
    let settings = try OptimizerSettings(
      name: c.optimizer, learningRate: h["learning_rate"], momentum: h["momentum"], beta1: h["beta1"],
      beta2: h["beta2"], epsilon: h["epsilon"], weightDecay: h["weight_decay"])
    let run = try settings.accept(Run<S>(c: c))
    #expect(run.trajectory.count == c.W.count)
    for (k, w) in run.trajectory.enumerated() {
      expectClose(w, Self.matrix(c.W[k]), rtol: rtol, atol: atol, "\(c.name) W after step \(k + 1)")
      if let torch = c.torch_W {
        expectClose(w, Self.matrix(torch[k]), rtol: rtol, atol: atol, "\(c.name) W after step \(k + 1) (torch)")
      }
    }
    #expect(Set(run.state.keys) == Set(c.state.keys), "\(c.name): state")
    for (name, expected) in c.state {
      guard let actual = run.state[name] else { continue }
      expectClose(actual, Self.matrix(expected), rtol: rtol, atol: atol, "\(c.name) \(name)")
    }
    if let step = run.step { #expect(step == c.step, "\(c.name): t") }
  }

  @Test func fixtureIsPresent() {
    #expect(Self.cases.count == 11, "Tests/Fixtures/optimizers/optimizers.json missing or unreadable")
    #expect(Set(Self.cases.map(\.optimizer)) == Set(OptimizerKind.allCases.map(\.rawValue)))
    #expect(Self.cases.allSatisfy { $0.torch_W != nil }, "the fixture was made without torch")
  }

  @Test(arguments: OptimizerOracleTests.cases) func float64(_ c: Case) throws {
    try check(c, as: Double.self, rtol: 1e-12, atol: 1e-12)
  }

  @Test(arguments: OptimizerOracleTests.cases) func float32(_ c: Case) throws {
    // Six steps of a few operations each, ~6e-8 relative per operation; the squared
    // averages of gradients near 1e-3 are ~1e-7, so allow an absolute floor too.
    try check(c, as: Float.self, rtol: 2e-5, atol: 2e-6)
  }
}
