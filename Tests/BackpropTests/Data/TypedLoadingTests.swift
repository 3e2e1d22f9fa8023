import BackpropTestSupport
import Foundation
import Testing

@testable import Backprop

/// A `.npy` file made by hand: version 1.0, the header NumPy writes, then `data` as given.
func handMadeNPY(descr: String, shape: [Int], fortran: Bool = false, data: [UInt8]) -> [UInt8] {
  let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  var header = Array(
    "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shapeText), }".utf8)
  header += [UInt8](repeating: 0x20, count: 63 - (10 + header.count) % 64) + [0x0A]
  return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
    + data
}

/// The bytes of `values` as IEEE float32, little- or big-endian.
func float32Bytes(_ values: [Float], bigEndian: Bool = false) -> [UInt8] {
  values.flatMap { value -> [UInt8] in
    let bits = bigEndian ? value.bitPattern.bigEndian : value.bitPattern.littleEndian
    return withUnsafeBytes(of: bits) { Array($0) }
  }
}

/// The bytes of `values` as IEEE float64, little- or big-endian.
func float64Bytes(_ values: [Double], bigEndian: Bool = false) -> [UInt8] {
  values.flatMap { value -> [UInt8] in
    let bits = bigEndian ? value.bitPattern.bigEndian : value.bitPattern.littleEndian
    return withUnsafeBytes(of: bits) { Array($0) }
  }
}

/// The bytes of `values` as little-endian int64.
func int64Bytes(_ values: [Int64]) -> [UInt8] {
  values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
}

/// Equal bit for bit (NaN matching NaN), for `Float` arrays.
func sameFloats(_ a: [Float], _ b: [Float]) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { x, y in (x.isNaN && y.isNaN) || x.bitPattern == y.bitPattern }
}

/// Reads `path` through a FIFO fed by `cat`, as `<(cat file)` on a command line would give it.
func readThroughPipe<R>(_ path: String, in folder: TemporaryFolder, _ read: (String) throws -> R) throws -> R {
  let fifo = folder.path("pipe-\(UUID().uuidString)")
  guard mkfifo(fifo, 0o600) == 0 else { throw DataError("mkfifo \(fifo) failed") }
  let writer = Process()
  writer.executableURL = URL(fileURLWithPath: "/bin/sh")
  writer.arguments = ["-c", "cat \"$0\" > \"$1\"", path, fifo]
  try writer.run()
  defer { writer.waitUntilExit() }
  return try read(fifo)
}

extension NumPyIOTests {
  /// Arrays read straight into Float or Double (no Double copy on the way), from a mapped file or a pipe.
  @Suite struct TypedLoadingTests {
    @Test(arguments: NumPyFixtures.expected.npy)
    func everyFixtureLoadsIntoFloatAndDoubleAsNumPyHasIt(_ fixture: NumPyFixtures.NPYCase) throws {
      // NumPy wrote these files (both byte orders, Fortran order, every dtype); expected.json holds its values.
      let expected = try NumPyFixtures.values(fixture.values)
      let path = NumPyFixtures.path(fixture.file)
      let doubles = try ArrayFile.read(path: path, as: Double.self).array
      #expect(doubles.shape == fixture.shape)
      #expect(sameElements(doubles.scalars, expected), "\(doubles.scalars) != \(expected)")
      let floats = try ArrayFile.read(path: path, as: Float.self).array
      #expect(floats.shape == fixture.shape)
      // x.astype(np.float32): every value rounds once from its exact value (float32 files: no rounding).
      #expect(sameFloats(floats.scalars, expected.map { Float($0) }), "\(floats.scalars) != \(expected)")
    }

    @Test(arguments: [false, true])
    func float32NPYLoadsIntoMatrixOfFloat(bigEndian: Bool) throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      // np.array([[1.5, -2.25, 3e-8], [0.1, 65504, -0.0]], dtype='<f4' or '>f4'): 2 examples of 3 features.
      let rows: [[Float]] = [[1.5, -2.25, 3e-8], [0.1, 65504, -0.0]]
      let path = folder.path("x.npy")
      try Data(
        handMadeNPY(
          descr: bigEndian ? ">f4" : "<f4", shape: [2, 3], data: float32Bytes(rows.flatMap { $0 }, bigEndian: bigEndian)
        )
      )
      .write(to: URL(fileURLWithPath: path))
      let x = try ArrayFile.readSamples(path: path, as: Float.self)
      // x.reshape(2, -1).T: one example per column.
      #expect(x == Matrix(rowMajor: [[1.5, 0.1], [-2.25, 65504], [3e-8, -0.0]]))
      #expect(x[2, 1].sign == .minus)
      let x64 = try ArrayFile.readSamples(path: path, as: Double.self)
      #expect(x64 == Matrix(rowMajor: [[1.5, Double(Float(0.1))], [-2.25, 65504], [Double(Float(3e-8)), -0.0]]))
    }

    @Test func float64AndFortranOrderRoundOnceIntoFloat() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      // np.asfortranarray([[0.1, 0.2, 0.3], [1e40, -1e-50, 2.5]], dtype='>f8'): stored column by column.
      let values: [[Double]] = [[0.1, 0.2, 0.3], [1e40, -1e-50, 2.5]]
      let fortranOrder = (0..<3).flatMap { j in (0..<2).map { i in values[i][j] } }
      let path = folder.path("f.npy")
      try Data(
        handMadeNPY(descr: ">f8", shape: [2, 3], fortran: true, data: float64Bytes(fortranOrder, bigEndian: true))
      )
      .write(to: URL(fileURLWithPath: path))
      let x = try ArrayFile.readSamples(path: path, as: Float.self)
      #expect(x == Matrix(rowMajor: [[0.1, Float(1e40)], [0.2, -0.0], [0.3, 2.5]]))
      #expect(x[0, 1] == .infinity)
      #expect(x[1, 1].sign == .minus)
    }

    /// 5 MiB of float32: more than one conversion chunk, so the mapped file's pages are handed back between them.
    static let large: [Float] = (0..<(7 * 187_246)).map { Float($0 % 9973) * 0.25 - 1000 + Float($0 / 9973) }

    @Test(arguments: [false, true])
    func mappedFileAndPipeGiveTheSameMatrix(bigEndian: Bool) throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let values = Self.large
      let (m, n) = (values.count / 7, 7)
      let path = folder.path("large.npy")
      try Data(
        handMadeNPY(descr: bigEndian ? ">f4" : "<f4", shape: [m, n], data: float32Bytes(values, bigEndian: bigEndian))
      )
      .write(to: URL(fileURLWithPath: path))
      // A regular file is mapped; a pipe cannot be, and is read into memory instead.
      #expect(try FileBytes.withContents(path) { (_, mapped) throws(FileFormatError) in mapped })
      #expect(
        try readThroughPipe(path, in: folder) { fifo in
          try FileBytes.withContents(fifo) { (_, mapped) throws(FileFormatError) in mapped }
        } == false)

      let mapped = try ArrayFile.readSamples(path: path, as: Float.self)
      let piped = try readThroughPipe(path, in: folder) { try ArrayFile.readSamples(path: $0, as: Float.self) }
      #expect(mapped.shape == Shape(n, m))
      // Compared as Bools: a failure should not print five million numbers.
      let cOrderIsColumnMajor = mapped.scalars == values  // C order (m, n) is column-major (n, m)
      #expect(cOrderIsColumnMajor)
      let pipedSame = piped == mapped
      #expect(pipedSame)
      let mapped64 = try ArrayFile.readSamples(path: path, as: Double.self)
      let piped64 = try readThroughPipe(path, in: folder) { try ArrayFile.readSamples(path: $0, as: Double.self) }
      let exactInDouble = mapped64.scalars == values.map { Double($0) }
      #expect(exactInDouble)
      let piped64Same = piped64 == mapped64
      #expect(piped64Same)
      // The file is still intact after its pages were handed back: read again, same matrix.
      let again = try ArrayFile.readSamples(path: path, as: Float.self) == mapped
      #expect(again)
    }

    @Test func storedNPZEntryLoadsIntoFloat() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let values = Array(Self.large.prefix(12))
      let path = folder.path("x.npz")
      let npy = handMadeNPY(descr: "<f4", shape: [4, 3], data: float32Bytes(values))
      try Data(
        ZIPArchive.encode([
          (name: "y.npy", bytes: handMadeNPY(descr: "<i8", shape: [4], data: int64Bytes([0, 1, 1, 0]))),
          (name: "x.npy", bytes: npy),
        ])
      )
      .write(to: URL(fileURLWithPath: path))
      let x = try ArrayFile.readSamples(path: path, key: "x", as: Float.self)
      #expect(x.shape == Shape(3, 4))
      #expect(x.scalars == values)
    }

    /// A float32 data set on disk: 10 examples of 3 features (exact in Float), int64 labels 0/1.
    static func writeSet(in folder: TemporaryFolder) throws -> (x: String, y: String, rows: [[Float]], labels: [Int64])
    {
      let rows: [[Float]] = (0..<10).map { j in [Float(j) * 0.5, Float(10 - j) * 0.25, j % 3 == 0 ? -1.75 : 8] }
      let labels: [Int64] = (0..<10).map { $0 % 2 == 0 ? 1 : 0 }
      let x = folder.path("x.npy")
      let y = folder.path("y.npy")
      try Data(handMadeNPY(descr: "<f4", shape: [10, 3], data: float32Bytes(rows.flatMap { $0 }))).write(
        to: URL(fileURLWithPath: x))
      try Data(handMadeNPY(descr: "<i8", shape: [10], data: int64Bytes(labels))).write(to: URL(fileURLWithPath: y))
      return (x, y, rows, labels)
    }

    @Test func datasetKeepsFloat32InputsWithoutADoubleCopy() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let files = try Self.writeSet(in: folder)
      let set = try Dataset.arrays(inputs: files.x, labels: files.y, as: Float.self)
      guard case .float32(let stored) = set.storage else {
        Issue.record("read for float32 training, the inputs are stored as \(set.storage.dtypeName)")
        return
      }
      #expect(set.storage.dtypeName == "float32")
      let expected = Matrix<Float>(rowMajor: files.rows).transposed
      #expect(stored == expected)
      #expect(set.features(as: Float.self) == expected)
      #expect(set.featureCount == 3 && set.count == 10)
      #expect(set.y == Matrix(rowMajor: [files.labels.map { Double($0) }]))
      // The Double view is exact, and the Double-read set holds the same numbers.
      #expect(set.x == expected.converted(to: Double.self))
      let doubles = try Dataset.arrays(inputs: files.x, labels: files.y)
      #expect(doubles.storage.dtypeName == "float64")
      #expect(doubles.x == set.x)
      #expect(doubles.y == set.y)
    }

    @Test func splitsSubsetsAndPreprocessingAgreeOnBothStorages() throws {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let files = try Self.writeSet(in: folder)
      let single = try Dataset.arrays(inputs: files.x, labels: files.y, as: Float.self)
      let double = try Dataset.arrays(inputs: files.x, labels: files.y, as: Double.self)
      for stratify in [false, true] {
        let a = try single.split(fraction: 0.3, seed: 11, stratify: stratify)
        let b = try double.split(fraction: 0.3, seed: 11, stratify: stratify)
        #expect(a.rest.storage.dtypeName == "float32" && a.heldOut.storage.dtypeName == "float32")
        #expect(a.rest.x == b.rest.x && a.heldOut.x == b.heldOut.x)
        #expect(a.rest.y == b.rest.y && a.heldOut.y == b.heldOut.y)
      }
      let part = single.subset([9, 0, 4])
      #expect(
        part.features(as: Float.self) == Matrix(rowMajor: [files.rows[9], files.rows[0], files.rows[4]]).transposed)
      #expect(part.y == Matrix(rowMajor: [[0, 1, 1]]))
      for method in Preprocessing.Method.allCases {
        let fromFloat = try Preprocessing.fit(method, to: single.features(as: Float.self), divisor: 4)
        let fromDouble = try Preprocessing.fit(method, to: double.x, divisor: 4)
        #expect(fromFloat == fromDouble)
        // Applied in Double and rounded once to Float, whichever precision the inputs are kept in.
        let applied = try fromFloat.apply(single.features(as: Float.self))
        #expect(applied == (try fromDouble.apply(double.x)).converted(to: Float.self))
      }
    }

    @Test func standardizeAndMinMaxFitTheirDefinitions() throws {
      // Feature 0: 1, 2, 3, 6 → mean 3, population sd √3.5; feature 1 constant → scale 1.
      let x = Matrix<Float>(rowMajor: [[1, 2, 3, 6], [5, 5, 5, 5]])
      let z = try Preprocessing.fit(.standardize, to: x)
      #expect(z.offsets == [3, 5])
      #expect(z.scales == [(3.5 as Double).squareRoot(), 1])
      let minMax = try Preprocessing.fit(.minMax, to: x, divisor: 2)
      #expect(minMax.offsets == [0.5, 2.5])
      #expect(minMax.scales == [2.5, 1])
    }

    @Test func convertedBetweenFloatAndDoubleIsExactAndKeepsShape() {
      let x = Matrix<Double>(rowMajor: [[0.1, -2], [1e40, .nan], [3, -0.0]])
      let f = x.converted(to: Float.self)
      #expect(f.shape == Shape(3, 2))
      #expect(f[0, 0] == Float(0.1) && f[1, 0] == .infinity && f[1, 1].isNaN && f[2, 1].sign == .minus)
      let back = f.converted(to: Double.self)
      #expect(back[0, 0] == Double(Float(0.1)) && back[0, 1] == -2 && back[2, 0] == 3)
      #expect(x.converted(to: Double.self).scalars.elementsEqual(x.scalars) { $0.bitPattern == $1.bitPattern })
    }
  }
}
