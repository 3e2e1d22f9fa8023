import Backprop
import Foundation
import FuzzSupport

/// The input as any array file, its format sniffed from its first bytes (`.npy`,
/// `.npz`, IDX, each possibly gzip-compressed), as `--x`/`--y` read them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArray(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzInput.run(data, size) { bytes, name in _ = try ArrayFile.read(data: Data(bytes), name: name) }
}
