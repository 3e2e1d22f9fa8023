import Testing

/// The random generators, against NumPy and on their own; run them with
/// `swift test --filter Random`.
@Suite enum RandomTests {}

/// The seeds the NumPy fixture covers.
let numpyFixtureSeeds: [UInt32] = [0, 1, 3, 42, UInt32.max]
