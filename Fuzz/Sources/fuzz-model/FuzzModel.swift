import Backprop
import FuzzSupport

/// The input as a Backprop model file (safetensors with the model's metadata), read as Float.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzInput.runFromFile(data, size, suffix: ".safetensors") { path in
    _ = try ModelFile.storedDType(path: path)
    _ = try ModelFile.read(path: path, as: Float.self)
  }
}
