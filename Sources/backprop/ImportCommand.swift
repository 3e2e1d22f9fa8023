import ArgumentParser
import Backprop
import BackpropONNX
import Foundation

/// `backprop import`: an ONNX file of a fully connected network as a Backprop model.
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Read a fully connected network from an ONNX file (PyTorch, scikit-learn, Backprop) as a model file.",
    discussion: """
      The model file then works with every command: predict, evaluate,
      inspect, export, and train --init (to train it further).

      From PyTorch (an nn.Sequential of nn.Linear and activations), export
      with one input of shape (batch, n), n the number of features:
        import torch
        torch.onnx.export(model.eval(), torch.zeros(1, n), "m.onnx",
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}}, dynamo=False)
      (dynamo=False: the TorchScript exporter, the one tested; the dynamo
      exporter needs the onnxscript package.) Then:
        backprop import m.onnx --out m.safetensors
        backprop predict --model m.safetensors --x x.npy
        backprop train --init m.safetensors --x x.npy --y y.npy --epochs 5

      From scikit-learn (MLPClassifier, MLPRegressor; pip install skl2onnx):
        from skl2onnx import to_onnx
        onx = to_onnx(clf, X[:1].astype("float32"))   # float64: X[:1] as is
        open("clf.onnx", "wb").write(onx.SerializeToString())
      then `backprop import clf.onnx --out clf.safetensors`. The classifier's
      labels become the model's class names; the label and ZipMap outputs
      are dropped (Backprop computes the class from the probabilities).

      What is read: one input (batch, features), FLOAT or DOUBLE (the model
      is float32 or float64 as the weights are), then a chain of Gemm (or
      MatMul + Add) layers, each optionally followed by BatchNormalization
      and one activation: Relu, Sigmoid, Tanh, Atan, Elu, Softplus,
      LeakyRelu, PRelu (one α per unit or one for all). The last layer's
      activation is the output: Softmax (over the classes) → softmax,
      Sigmoid → sigmoid, none → identity (regression). Identity, Flatten,
      Dropout and casts to float are passed over; Div/Sub/Div before the
      first layer become the model's preprocessing (as `backprop export`
      writes it). Anything else is refused with the node's name and op type.
      PyTorch's Softplus is read as ln(1 + e^z); PyTorch switches to z above
      its threshold (20), a difference below 2·10⁻⁹.

      An existing --out is kept unless --overwrite is given.
      """
  )

  @Argument(help: ArgumentHelp("The ONNX model to read.", valueName: "file.onnx"))
  var file: String

  @Option(help: ArgumentHelp("The model file to write.", valueName: "file.safetensors"))
  var out: String

  @Flag(help: "Replace --out when it exists.")
  var overwrite = false

  func run() throws {
    try OutputPreflight.checkReplaceable(out, overwrite: overwrite)
    let bytes: Data
    do {
      bytes = try Data(contentsOf: URL(fileURLWithPath: file))
    } catch {
      throw FileFormatError(path: file, "cannot be read: \(error.localizedDescription)")
    }
    let imported: ONNXImportedModel
    do {
      imported = try ONNXImportedModel(onnx: bytes)
    } catch {
      throw FileFormatError(path: file, error.message)
    }
    switch imported {
    case .float32(let model): try write(model)
    case .float64(let model): try write(model)
    }
  }

  private func write<Scalar: MatrixScalar>(_ model: Model<Scalar>) throws {
    try ModelFile.write(model, to: out)
    let network = model.network
    let activations = network.layers.dropLast().map(\.activation.description)
    FileHandleOutput.standardError(
      "Imported \(file): layers \(network.layerSizes.map(String.init).joined(separator: ",")), "
        + (activations.isEmpty ? "" : "hidden \(activations.joined(separator: ", ")), ")
        + "\(network.output) output, \(Scalar.dtypeName)"
        + (model.preprocessing == .identity ? "" : ", preprocessing \(model.preprocessing.method.rawValue)")
        + (model.classNames.map { ", classes \($0.joined(separator: ", "))" } ?? "") + "; wrote \(out)")
  }
}
