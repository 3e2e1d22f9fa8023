import ArgumentParser
import Backprop
import Foundation

/// `backprop explain`: one batch through a model, layer by layer, in the notes' names.
struct Explain: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show one batch's forward and backward pass through a model: W, b, Z, A, dZ, dW, db per layer.",
    discussion: """
      For each layer l, the shapes and summary statistics (min, max, mean,
      standard deviation) of the parameters W[l], b[l] (learned; and PReLU's
      α[l], alpha1 … in the .npz, with dα[l]) and of what
      one batch of m examples makes of them: Z[l], A[l] (forward) and dZ[l],
      dW[l], db[l] (backward, from the labels). With --dump, writes them all
      to an .npz under the course's names (W1, b1, Z1, A1, dZ1, dW1, db1, …,
      and A0 = X, Y), column-major shapes as the notes write them, so you can
      compare them with your own NumPy notebook:

        backprop explain --model digits.safetensors --data digits.csv \\
          --examples 32 --dump batch.npz
        python3 -c "import numpy as np; print(np.load('batch.npz')['dW1'].shape)"

      No dropout. Without batch normalisation the batch runs in inference
      mode. With it, the batch is normalised by its own mean and variance,
      as in a training step (the running statistics have no backward pass):
      each such layer also shows μ[l], σ²[l] (this batch's, per unit),
      Ẑ[l] = (W·A + b − μ) / √(σ² + ε), the learned γ[l], β[l], and dγ[l],
      dβ[l]; Z[l] is then γ ⊙ Ẑ + β, what g[l] takes. In the .npz: mu1,
      var1, Zhat1, gamma1, beta1, dgamma1, dbeta1, ….
      """
  )

  @Option(
    help: ArgumentHelp("A model saved by `backprop train --save FILE.safetensors`, or a checkpoint.", valueName: "file")
  )
  var model: String

  @OptionGroup(title: "Inputs") var inputs: InputOptions

  @Option(help: ArgumentHelp("Labels for --x (same formats); a CSV holds its own label column.", valueName: "file"))
  var y: String?

  @Option(help: ArgumentHelp("m, the number of examples in the batch (the first m of the file).", valueName: "m"))
  var examples: Int = 16

  @Option(
    help: ArgumentHelp("Write every matrix of the batch to this .npz, under the course's names.", valueName: "file.npz")
  )
  var dump: String?

  @OptionGroup(title: "Runtime") var runtime: RuntimeOptions

  mutating func validate() throws {
    if examples < 1 { throw ValidationError("--examples \(examples): needs at least 1") }
    if inputs.x != nil, y == nil { throw ValidationError("--x needs its labels: --y FILE") }
    if let dump, !dump.lowercased().hasSuffix(".npz") {
      throw ValidationError("--dump \(dump): the file must end in .npz")
    }
  }

  func run() throws {
    runtime.apply()
    if let dump { try AtomicFile.checkWritable(dump) }
    try withModel(at: model, self)
  }
}

extension Explain: ModelAction {
  func callAsFunction<Scalar: MatrixScalar>(_ model: Model<Scalar>) throws {
    let set = try loadInputs(inputs, for: model, labels: y)
    guard set.y.rows > 0 else {
      throw ValidationError("\(inputs.data ?? "the inputs") has no labels; explain needs them for the backward pass")
    }
    let m = min(examples, set.count)
    let x = try model.preprocessing.apply(set.features(as: Scalar.self).columns(0..<m))
    let labels = set.y.columns(0..<m).converted(to: Scalar.self)
    let network = model.network
    // Batch normalisation has a backward pass only through a batch's own statistics (training mode).
    let normalizes = network.layers.contains { $0.normalization != nil }
    let pass = try network.forward(x, training: normalizes)
    let cost = try network.cost(pass, labels: labels)
    let gradients = try network.backward(pass, labels: labels)
    // dZ[l] for the table: dZ[L] = A[L] − Y, then back through each layer.
    var dZ = [Matrix<Scalar>](repeating: Matrix(rows: 0, columns: 0), count: network.depth)
    var workspace = Workspace(for: network)
    workspace.pass = pass
    try network.backward(labels: labels, workspace: &workspace)
    for l in 0..<network.depth { dZ[l] = workspace.outputGradient(layer: l + 1) }

    print("Model \(self.model): \(network.depth) layers, \(network.output) output; a batch of m = \(m) examples")
    let mode =
      normalizes ? "batch normalisation by this batch's statistics (as in training), no dropout" : "inference mode"
    print("J = \(fixed(cost)) (\(network.output.lossName)), \(mode)\n")
    let header = ["", "shape", "min", "max", "mean", "std"]
    var rows = [[String]]()
    func row(_ name: String, _ matrix: Matrix<Scalar>, note: String = "") {
      let values = matrix.scalars.map(Double.init)
      let mean = values.reduce(0, +) / Double(max(values.count, 1))
      let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(values.count, 1))).squareRoot()
      rows.append([
        name + note, "(\(matrix.rows), \(matrix.columns))", short(values.min() ?? 0), short(values.max() ?? 0),
        short(mean), short(std),
      ])
    }
    row("A0 = X", x)
    var arrays: [(String, NumPyArray)] = [("A0", NumPyArray(matrix: x)), ("Y", NumPyArray(matrix: labels))]
    for l in 1...network.depth {
      let layer = network.layers[l - 1]
      let cache = pass.caches[l - 1]
      let g = gradients[l - 1]
      rows.append([
        "layer \(l): \(layer.activation)" + (layer.normalization != nil ? ", batch norm" : ""), "", "", "", "", "",
      ])
      // The layer's parameters, every kind it has (Parameter: W, b, PReLU's α, batch norm's γ, β).
      for parameter in Parameter.all {
        guard let value = layer[parameter] else { continue }
        row("  \(parameter.symbol)\(l)", value, note: "  (parameter)")
        arrays.append(("\(Self.arrayName(parameter))\(l)", NumPyArray(matrix: value)))
      }
      if let stats = cache.normalization {
        row("  μ\(l)", stats.mean, note: "  (this batch)")
        row("  σ²\(l)", stats.variance, note: "  (this batch)")
        row("  Ẑ\(l)", stats.zHat)
        arrays += [
          ("mu\(l)", NumPyArray(matrix: stats.mean)), ("var\(l)", NumPyArray(matrix: stats.variance)),
          ("Zhat\(l)", NumPyArray(matrix: stats.zHat)),
        ]
      }
      row("  Z\(l)", cache.z, note: layer.normalization != nil ? "  (γ ⊙ Ẑ + β)" : "")
      row("  A\(l)", cache.a)
      row("  dZ\(l)", dZ[l - 1])
      arrays += [
        ("Z\(l)", NumPyArray(matrix: cache.z)), ("A\(l)", NumPyArray(matrix: cache.a)),
        ("dZ\(l)", NumPyArray(matrix: dZ[l - 1])),
      ]
      // Their gradients, the same kinds.
      for parameter in Parameter.all {
        guard let gradient = g[parameter] else { continue }
        row("  d\(parameter.symbol)\(l)", gradient)
        arrays.append(("d\(Self.arrayName(parameter))\(l)", NumPyArray(matrix: gradient)))
      }
    }
    print(table(header: header, rows: rows))
    if let dump {
      try NPZArchive.write(arrays, to: dump)
      FileHandleOutput.standardError(
        "Wrote \(arrays.count) arrays (A0, Y, W1, b1, Z1, A1, dZ1, dW1, db1, …) to \(dump)")
    }
  }

  /// A parameter's array name in the .npz: the course's W and b, else the parameter's name (alpha, gamma, beta).
  private static func arrayName(_ parameter: Parameter) -> String {
    parameter == .weight || parameter == .bias ? parameter.symbol : parameter.description
  }

  private func short(_ value: Double) -> String { String(format: "%.4g", value) }

  private func table(header: [String], rows: [[String]]) -> String {
    let widths = header.indices.map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        i == 0
          ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
          : String(repeating: " ", count: widths[i] - cell.count) + cell
      }.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
  }
}
