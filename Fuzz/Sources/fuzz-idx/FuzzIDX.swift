import Backprop
import FuzzSupport

/// The input as an IDX (MNIST) file, plain or gzip-compressed, decompressing to at most 64 MiB.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzInput.run(data, size) { bytes, name in _ = try IDXFile.read(bytes: bytes, name: name, gzipLimit: 1 << 26) }
}
