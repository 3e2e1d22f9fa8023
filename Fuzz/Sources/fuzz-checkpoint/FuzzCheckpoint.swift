import Backprop
import FuzzSupport

/// The input as a Backprop training checkpoint (safetensors with the model, the
/// optimizer's state and the position in `__metadata__`), read as Float.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzInput.runFromFile(data, size, suffix: ".safetensors") { path in
    _ = try CheckpointFile.read(path: path, as: Float.self)
  }
}
