// swift-tools-version: 6.0
// The benchmark executable, in a package of its own so that the main package's
// manifest, its dependencies and its CI build stay as they are. Build and run it
// through `benchmarks/run`, or by hand:
//
//     swift build -c release --package-path benchmarks
//     benchmarks/.build/release/BackpropBench --configs tiny,gemm --quick
import PackageDescription

let package = Package(
  name: "BackpropBenchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    // The library under test, from this checkout.
    .package(name: "Backprop", path: "..")
  ],
  targets: [
    .executableTarget(
      name: "BackpropBench",
      // Named explicitly: a path dependency's identity is otherwise its folder's name,
      // which differs between checkouts.
      dependencies: [.product(name: "Backprop", package: "Backprop")]
    ),
    // MPI_Allreduce against the message size, and its α–β fit (run under mpirun).
    .executableTarget(
      name: "AllreduceBench",
      dependencies: [.product(name: "Backprop", package: "Backprop")]
    ),
  ],
  swiftLanguageModes: [.v6]
)
