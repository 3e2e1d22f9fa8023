import Backprop
import FuzzSupport

/// The input as a NumPy `.npy` file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzInput.run(data, size) { bytes, name in _ = try NPYFile.read(bytes: bytes, name: name) }
}
