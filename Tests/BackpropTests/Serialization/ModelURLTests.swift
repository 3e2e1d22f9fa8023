import Backprop
import Foundation
import Testing

/// Saving and loading by URL, and loading in the precision the file was saved in.
@Suite struct ModelURLTests {
  func url(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("backprop-url-\(UUID().uuidString)-\(name)")
  }

  @Test func saveAndLoadDiscoverTheDType() throws {
    let x = Matrix<Double>(rowMajor: [[0.5, -1, 2], [1, 0, -2], [3, 1, 0]])
    let float = try Model<Float>(
      inputs: 3, layers: [.dense(4, .prelu(initialAlpha: 0.2), batchNormalization: true), .dense(2, .softmax)], seed: 3)
    let double = try Model<Double>(inputs: 3, layers: [.dense(4, .tanh), .dense(1, .identity)], seed: 3)
    let floatURL = url("f.safetensors")
    let doubleURL = url("d.safetensors")
    defer {
      try? FileManager.default.removeItem(at: floatURL)
      try? FileManager.default.removeItem(at: doubleURL)
    }
    try float.save(to: floatURL)
    try double.save(to: doubleURL)

    guard case .float32(let loadedFloat) = try AnyModel(contentsOf: floatURL) else {
      Issue.record("a float32 file did not load as float32")
      return
    }
    #expect(loadedFloat.network == float.network)
    guard case .float64(let loadedDouble) = try AnyModel(contentsOf: doubleURL) else {
      Issue.record("a float64 file did not load as float64")
      return
    }
    #expect(loadedDouble.network == double.network)
    #expect(try AnyModel(contentsOf: floatURL).dtype == "float32")

    // In the other precision: the same as reading the file as that type.
    let widened: Model<Double> = try AnyModel(contentsOf: floatURL).model()
    #expect(widened.network == (try Model<Double>(contentsOf: floatURL)).network)
    #expect(try widened.predict(x).classes == float.predict(x.converted(to: Float.self)).classes)
    let same: Model<Float> = try AnyModel(contentsOf: floatURL).model()
    #expect(same.network == float.network)
  }

  @Test func onlyFileURLs() throws {
    let model = try Model<Float>(inputs: 2, layers: [.dense(1, .sigmoid)])
    let web = try #require(URL(string: "https://example.com/m.safetensors"))
    #expect(throws: FileFormatError.self) { try model.save(to: web) }
    #expect(throws: FileFormatError.self) { try AnyModel(contentsOf: web) }
    #expect(throws: FileFormatError.self) { try AnyModel(contentsOf: url("missing.safetensors")) }
  }
}
