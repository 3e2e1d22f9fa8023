import Backprop
import FuzzSupport

/// The input as a safetensors file; a file that reads must write bytes that read
/// back to the same file (``SafetensorsFile/encode()`` orders the tensors its own way,
/// so the two encodings are compared).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzInput.run(data, size) { bytes, name in
    let encoded = try SafetensorsFile.read(bytes: bytes, name: name).encode()
    let again = try SafetensorsFile.read(bytes: encoded, name: name)
    precondition(again.encode() == encoded, "a safetensors file written and read back differs")
  }
}
