// swift-tools-version: 6.0
import PackageDescription

/// One libFuzzer target per file reader (and for `backprop serve`'s request bodies), built only when asked:
/// `swift build --package-path Fuzz --sanitize=fuzzer` (see `scripts/fuzz`).
/// Each target's entry point is `LLVMFuzzerTestOneInput`; libFuzzer supplies `main`,
/// so the targets link only with the fuzzer sanitizer.
let readers = [
  "csv", "npy", "npz", "idx", "gzip", "array", "safetensors", "model", "checkpoint", "config", "activation",
  "sweep-spec", "serve-request",
]

let package = Package(
  name: "BackpropFuzz",
  platforms: [.macOS(.v13)],
  dependencies: [
    // The library under test, from this checkout.
    .package(name: "Backprop", path: "..")
  ],
  targets: [
    // MARK: - Implementation details
    // Runs one input through a reader and checks what it may throw.
    .target(
      name: "FuzzSupport",
      dependencies: [.product(name: "Backprop", package: "Backprop")]
    )
  ]
    + readers.map { reader in
      .executableTarget(
        name: "fuzz-\(reader)",
        dependencies: ["FuzzSupport", .product(name: "Backprop", package: "Backprop")]
          // The run file reader (`train --config`) is a library of its own.
          + (reader == "config" ? [.product(name: "BackpropRunFile", package: "Backprop")] : [])
          // So are the sweeps' search spaces.
          + (reader == "sweep-spec" ? [.product(name: "BackpropSweep", package: "Backprop")] : [])
          // And `backprop serve`'s request parser.
          + (reader == "serve-request" ? [.product(name: "BackpropServe", package: "Backprop")] : [])
      )
    },
  swiftLanguageModes: [.v6]
)
