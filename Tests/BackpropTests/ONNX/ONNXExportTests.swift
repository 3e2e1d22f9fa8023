import Backprop
import BackpropONNX
import BackpropTestSupport
import Foundation
import Testing

/// Exported models checked by the independent truth: ONNX's checker (`full_check`) and ONNX Runtime's
/// outputs against the model's own `predict` (skipped without python3 and `pip install onnx onnxruntime`).
///
/// Tolerance: the max-norm relative difference ‖A_onnx − A_swift‖∞ / ‖A_swift‖∞ per model, at most 1e-12
/// for float64 and 1e-5 for float32.
@Suite(
  .enabled(
    if: Subprocess.pythonHas("onnx, onnxruntime, numpy"),
    "needs python3 with onnx and onnxruntime (pip install onnx onnxruntime)"))
struct ONNXExportTests {
  static let hidden: [ActivationFunction] = [
    .identity, .step, .sigmoid, .tanh, .arctan, .relu, .leakyReLU(slope: 0.1), .prelu(initialAlpha: 0.25),
    .elu(alpha: 0.7), .softplus,
  ]

  /// Checks every `.onnx` file of `folder` with its `NAME.x.npy` and `NAME.ref.npy` in one python3 run;
  /// returns each model's relative difference, by name.
  static func onnxRuntimeDifferences(in folder: TemporaryFolder) throws -> [String: Double] {
    let script = """
      import glob, json, os, sys
      import numpy as np, onnx, onnxruntime as ort
      result = {}
      for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.onnx"))):
          name = path[:-5]
          onnx.checker.check_model(onnx.load(path), full_check=True)
          session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
          got = session.run(["output"], {"input": np.load(name + ".x.npy")})[0]
          want = np.load(name + ".ref.npy")
          assert got.shape == want.shape and got.dtype == want.dtype, (path, got.shape, want.shape, got.dtype)
          result[os.path.basename(name)] = float(np.abs(got - want).max() / max(np.abs(want).max(), 1e-300))
      print(json.dumps(result))
      """
    let run = try Subprocess.python(["-c", script, folder.url.path])
    try #require(run.status == 0, "\(run.combined)")
    let decoded = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Double]
    return try #require(decoded, "\(run.output)")
  }

  /// A random layer: W, b, PReLU's α per unit, and batch normalisation with random statistics.
  static func layer<Scalar: MatrixScalar>(
    _ units: Int, _ inputs: Int, _ g: ActivationFunction, normalized: Bool, using rng: inout DefaultGenerator
  ) throws -> Dense<Scalar> {
    func random(_ rows: Int, _ columns: Int, scale: Double = 1, shift: Double = 0) -> Matrix<Scalar> {
      var m = Matrix<Scalar>(rows: rows, columns: columns)
      for i in 0..<rows {
        for j in 0..<columns { m[i, j] = Scalar(shift + scale * rng.nextGaussian()) }
      }
      return m
    }
    let w = random(units, inputs, scale: 1 / Double(inputs).squareRoot())
    let b = random(units, 1, scale: 0.3)
    let alpha: Matrix<Scalar>? = g.hasLearnedSlope ? random(units, 1, scale: 0.1, shift: 0.2) : nil
    var norm: BatchNormalization<Scalar>?
    if normalized {
      let variance = random(units, 1, scale: 0.3, shift: 1).scalars.map { Swift.abs($0) + Scalar(0.05) }
      norm = try BatchNormalization(
        gamma: random(units, 1, scale: 0.2, shift: 1), beta: random(units, 1, scale: 0.3),
        runningMean: random(units, 1, scale: 0.3),
        runningVariance: Matrix(rows: units, columns: 1, columnMajor: variance))
    }
    return try Dense(weight: w, bias: b, alpha: alpha, activation: g, normalization: norm)
  }

  /// Every hidden activation × output × preprocessing (none; standardize after --scale 4) × batch
  /// normalisation, in `Scalar`: 120 models, one python3 run.
  func everyActivationMatchesONNXRuntime<Scalar: MatrixScalar>(_: Scalar.Type, tolerance: Double) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var rng = DefaultGenerator(seed: 17)
    let m = 32
    var x = Matrix<Scalar>(rows: 4, columns: m)
    let means = [0.0, 5, 50, -2]
    let spreads = [1.0, 10, 100, 0.5]
    for j in 0..<m {
      for i in 0..<4 { x[i, j] = Scalar(means[i] + spreads[i] * rng.nextGaussian()) }
    }
    var count = 0
    for g in Self.hidden {
      for output in Output.allCases {
        for standardized in [false, true] {
          for normalized in [false, true] {
            let layers: [Dense<Scalar>] = [
              try Self.layer(6, 4, g, normalized: normalized, using: &rng),
              try Self.layer(5, 6, g, normalized: normalized, using: &rng),
              try Self.layer(3, 5, output.activation, normalized: false, using: &rng),
            ]
            let preprocessing = standardized ? try Preprocessing.fit(.standardize, to: x, divisor: 4) : .identity
            let model = Model(
              network: try Network(layers: layers, output: output), preprocessing: preprocessing,
              classNames: ["a", "b", "c"], featureNames: ["f0", "f1", "f2", "f3"])
            let name = "\(g.onnxTestName)-\(output)-\(standardized ? "std" : "raw")-\(normalized ? "bn" : "plain")"
            try model.onnx().write(to: URL(fileURLWithPath: folder.path(name + ".onnx")))
            try NPYFile.write(x.transposed, to: folder.path(name + ".x.npy"))
            try NPYFile.write(try model.predict(x).outputs.transposed, to: folder.path(name + ".ref.npy"))
            count += 1
          }
        }
      }
    }
    let differences = try Self.onnxRuntimeDifferences(in: folder)
    #expect(differences.count == count)
    for (name, difference) in differences.sorted(by: { $0.key < $1.key }) {
      #expect(difference <= tolerance, "\(Scalar.dtypeName) \(name): relative difference \(difference)")
    }
    let worst = differences.max { $0.value < $1.value }
    print(
      "ONNX Runtime vs predict, \(Scalar.dtypeName), \(count) models: largest ‖Δ‖∞/‖A‖∞ \(worst?.value ?? 0) (\(worst?.key ?? ""))"
    )
  }

  @Test func everyActivationMatchesONNXRuntimeFloat() throws {
    try everyActivationMatchesONNXRuntime(Float.self, tolerance: 1e-5)
  }

  @Test func everyActivationMatchesONNXRuntimeDouble() throws {
    try everyActivationMatchesONNXRuntime(Double.self, tolerance: 1e-12)
  }

  @Test func customActivationIsAnErrorNamingTheLayer() throws {
    var rng = DefaultGenerator(seed: 1)
    let custom = try ActivationFunction(name: "custom:isru=z/sqrt(1+z^2);1/(1+z^2)^1.5")
    let layers: [Dense<Double>] = [
      try Self.layer(3, 2, .relu, normalized: false, using: &rng),
      try Self.layer(3, 3, custom, normalized: false, using: &rng),
      try Self.layer(1, 3, .sigmoid, normalized: false, using: &rng),
    ]
    let model = Model(network: try Network(layers: layers, output: .sigmoid))
    #expect {
      _ = try model.onnx()
    } throws: { error in
      "\(error)".hasPrefix("layer 2: the custom activation") && "\(error)".contains("isru")
    }
  }

  /// `backprop train --save`, `backprop export`, then ONNX Runtime on the file against `backprop predict`.
  @Test(.enabled(if: BackpropExecutable.url != nil, "the backprop executable is not built next to the tests"))
  func exportedCommandLineModelMatchesPredict() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var rng = DefaultGenerator(seed: 5)
    // float32 inputs, as the float32 model that `train` saves by default takes them.
    var x = Matrix<Float>(rows: 3, columns: 60)
    var y = Matrix<Double>(rows: 1, columns: 60)
    for j in 0..<60 {
      for i in 0..<3 { x[i, j] = Float(10 * Double(i + 1) * rng.nextGaussian()) }
      y[0, j] = Double(j % 3)
    }
    try NPYFile.write(x.transposed, to: folder.path("x.npy"))
    try NPYFile.write(y, to: folder.path("y.npy"))
    let model = folder.path("m.safetensors")
    let trained = try BackpropExecutable.run([
      "train", "--x", folder.path("x.npy"), "--y", folder.path("y.npy"), "--layers", "3,6,3", "--output", "softmax",
      "--activation", "tanh", "--batch-norm", "--standardize", "--scale", "2", "--iterations", "20",
      "--print-every", "0", "--save", model,
    ])
    try #require(trained.status == 0, "\(trained.combined)")
    let onnx = folder.path("m.onnx")
    let exported = try BackpropExecutable.run(["export", "--model", model, "--out", onnx])
    try #require(exported.status == 0, "\(exported.combined)")
    #expect(exported.error.contains("Wrote \(onnx)"))
    let again = try BackpropExecutable.run(["export", "--model", model, "--out", onnx])
    #expect(again.status == 2 && again.error.contains("--overwrite"), "\(again.combined)")
    #expect(try BackpropExecutable.run(["export", "--model", model, "--out", onnx, "--overwrite"]).status == 0)
    let missing = try BackpropExecutable.run([
      "export", "--model", folder.path("none.safetensors"), "--out", folder.path("n.onnx"),
    ])
    #expect(missing.status == 2 && missing.error.contains("none.safetensors"), "\(missing.combined)")
    let predicted = try BackpropExecutable.run([
      "predict", "--model", model, "--x", folder.path("x.npy"), "--out", folder.path("m.ref.npy"),
    ])
    try #require(predicted.status == 0, "\(predicted.combined)")
    try FileManager.default.copyItem(atPath: folder.path("x.npy"), toPath: folder.path("m.x.npy"))
    let differences = try Self.onnxRuntimeDifferences(in: folder)
    let difference = try #require(differences["m"])
    #expect(difference <= 1e-5, "relative difference \(difference)")
  }
}

extension ActivationFunction {
  /// A file-name-safe name.
  fileprivate var onnxTestName: String { description.replacingOccurrences(of: ":", with: "_") }
}
