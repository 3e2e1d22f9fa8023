import ArgumentParser
import Backprop
import BackpropONNX
import Foundation

/// `backprop export`: a saved model as one ONNX graph.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract:
      "Write a saved model as an ONNX file, to run it with ONNX Runtime (or any ONNX runtime) without Backprop.",
    discussion: """
      The whole model becomes one graph (ONNX IR 8, opset 17): the
      preprocessing fitted at training time (--scale, --standardize,
      --min-max), every layer (Gemm, batch normalisation, activation) and the
      output's sigmoid or softmax. Feed it raw features, one example per row,
      in the model's precision (float32, or float64 for --dtype float64
      models); it returns what `backprop predict --out p.npy` writes: the
      probabilities (or regression values), one row per example.

        backprop export --model iris.safetensors --out iris.onnx

      In Python (pip install onnxruntime numpy):
        import numpy as np, onnxruntime as ort
        session = ort.InferenceSession("iris.onnx")
        x = np.array([[5.1, 3.5, 1.4, 0.2]], dtype=np.float32)
        probabilities = session.run(["output"], {"input": x})[0]
        print(probabilities.argmax(axis=1))   # the predicted class index

      The class and feature names, the layer table and the training settings
      are in the file's metadata (session.get_modelmeta().custom_metadata_map).
      A layer with a custom activation cannot be exported (no ONNX operator
      computes it). An existing file is kept unless --overwrite is given.
      """
  )

  @Option(help: ArgumentHelp("A model saved by `backprop train --save FILE.safetensors`.", valueName: "file"))
  var model: String

  @Option(help: ArgumentHelp("The ONNX file to write.", valueName: "file.onnx"))
  var out: String

  @Flag(help: "Replace --out when it exists.")
  var overwrite = false

  func run() throws {
    try OutputPreflight.checkReplaceable(out, overwrite: overwrite)
    try withModel(at: model, self)
  }
}

extension ExportCommand: ModelAction {
  func callAsFunction<Scalar: MatrixScalar>(_ model: Model<Scalar>) throws {
    let bytes = try model.onnx()
    try AtomicFile.write(bytes, to: out)
    let sizes = model.network.layerSizes.map(String.init).joined(separator: ",")
    FileHandleOutput.standardError(
      "Wrote \(out) (\(bytes.count) bytes, \(Scalar.dtypeName), layers \(sizes)): input \"input\" "
        + "(batch, \(model.network.layerSizes[0])), output \"output\" (batch, \(model.network.layerSizes.last ?? 0))")
  }
}
