import Backprop
import FuzzSupport

/// The input as a CSV file, read with the dialect and header detected and the
/// last column as the target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzInput.runFromFile(data, size, suffix: ".csv", allowsConfigurationError: true) { path in
    _ = try CSVDataset.read(path: path)
  }
}
