@_spi(Fuzzing) import Backprop
import FuzzSupport

/// The input as gzip data (every member, inflate and the CRC), decompressing to at most 64 MiB.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzInput.run(data, size) { bytes, name in _ = try Gzip.decompress(bytes: bytes, name: name, limit: 1 << 26) }
}
