// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "Backprop",
  platforms: [.macOS(.v13)],
  // MARK: - Public API
  products: [
    .library(name: "Backprop", targets: ["Backprop"]),
    .library(name: "BackpropRunFile", targets: ["BackpropRunFile"]),
    .library(name: "BackpropReport", targets: ["BackpropReport"]),
    .library(name: "BackpropSweep", targets: ["BackpropSweep"]),
    .library(name: "BackpropONNX", targets: ["BackpropONNX"]),
    .library(name: "BackpropServe", targets: ["BackpropServe"]),
    .library(name: "BackpropPlayground", targets: ["BackpropPlayground"]),
    .executable(name: "backprop", targets: ["backprop"]),
  ],
  dependencies: [
    // Generic elementary functions (exp, log, tanh, atan) over Float and Double.
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    // The command line: subcommands, options, generated --help.
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // YAML run files for `backprop train --config run.yaml` (BackpropRunFile only).
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    // ONNX's protobuf messages for `backprop export` (BackpropONNX only; the code is generated once,
    // by scripts/generate-onnx-proto, and committed: the build needs the runtime library, not the plugin).
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    // The HTTP server of `backprop serve` and `backprop playground` (BackpropServe, BackpropPlayground).
    // FlyingFox has no dependencies (no SwiftNIO) and builds in seconds, where Hummingbird and Vapor pull
    // SwiftNIO and take 2.5–4.5 minutes on 2 cores (a fresh clone's `swift run -c release backprop demo`
    // must stay under 5); it stops gracefully (`stop(timeout:)`) and speaks WebSockets (the playground's).
    .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
  ],
  targets: [
    // MARK: - Implementation details
    .target(
      name: "Backprop",
      dependencies: [
        "CBackpropKernels",
        .product(name: "RealModule", package: "swift-numerics"),
      ]
    ),
    // The AVX2/FMA matrix-product micro-kernels (function-level target
    // attributes, picked at run time) and the CPU feature detection.
    .target(name: "CBackpropKernels"),
    // Reads `train --config` run files (YAML or JSON) and the commands models
    // record, for the command line and the fuzzers.
    .target(
      name: "BackpropRunFile",
      dependencies: ["Backprop", .product(name: "Yams", package: "Yams")]
    ),
    // The training report (`train --report`, `backprop report`): its HTML page, SVG charts,
    // decision boundary, network summary and reproducibility stamp.
    .target(name: "BackpropReport", dependencies: ["Backprop"]),
    // Hyperparameter sweeps: the search spaces, the searches, the ranked table and its report.
    .target(name: "BackpropSweep", dependencies: ["Backprop", "BackpropReport"]),
    // The whole model as one ONNX graph (`backprop export`), for ONNX Runtime and other runtimes.
    .target(
      name: "BackpropONNX",
      dependencies: ["Backprop", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
    ),
    // `backprop serve`: a saved model behind HTTP (request parsing, micro-batching, routes, the server).
    .target(
      name: "BackpropServe",
      dependencies: [
        "Backprop", "BackpropReport", .product(name: "FlyingFox", package: "FlyingFox"),
        .product(name: "FlyingSocks", package: "FlyingFox"),
      ]
    ),
    // `backprop playground`: a live page that trains a network in this process and streams each
    // unit's A[l] over the plane, W[l], the boundary and J to the browser over a WebSocket
    // (its server is started as `backprop serve`'s is: BackpropServe's HTTPListener).
    .target(
      name: "BackpropPlayground",
      dependencies: [
        "Backprop", "BackpropReport", "BackpropRunFile", "BackpropServe",
        .product(name: "FlyingFox", package: "FlyingFox"), .product(name: "FlyingSocks", package: "FlyingFox"),
      ],
      exclude: ["Page"]
    ),
    .executableTarget(
      name: "backprop",
      dependencies: [
        "Backprop",
        "BackpropONNX",
        "BackpropPlayground",
        "BackpropReport",
        "BackpropRunFile",
        "BackpropServe",
        "BackpropSweep",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // MARK: - Tests
    .target(
      name: "BackpropTestSupport",
      dependencies: ["Backprop"],
      path: "Tests/BackpropTestSupport"
    ),
    // Counts heap allocations in the test process (glibc), to prove a training step allocates nothing.
    .target(name: "CMallocCounter", path: "Tests/CMallocCounter"),
    .testTarget(
      name: "BackpropTests",
      dependencies: [
        "Backprop", "BackpropONNX", "BackpropPlayground", "BackpropReport", "BackpropRunFile", "BackpropServe",
        "BackpropSweep",
        "BackpropTestSupport", "CMallocCounter",
      ],
      path: "Tests/BackpropTests"
    ),
  ],
  swiftLanguageModes: [.v6]
)
