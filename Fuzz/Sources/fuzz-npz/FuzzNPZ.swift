import Backprop
import Foundation
import FuzzSupport

/// The input as a NumPy `.npz` archive (ZIP: stored and deflated entries, ZIP64).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzInput.run(data, size) { bytes, name in _ = try NPZArchive.readOrdered(data: Data(bytes), name: name) }
}
