import Foundation
import Testing

@testable import Backprop

extension IDXTests {
  @Suite struct ArrayFileTests {
    @Test(arguments: IDXFixtures.expected.sniff)
    func formatComesFromTheContent(_ fixture: IDXFixtures.SniffCase) throws {
      let (array, format) = try ArrayFile.readWithFormat(path: IDXFixtures.path(fixture.file))
      #expect(
        format
          == ArrayFileFormat(try #require(ArrayFileFormat.Kind(rawValue: fixture.format)), gzipped: fixture.gzipped))
      #expect(array.shape == fixture.shape)
      #expect(array.dtype.rawValue == fixture.dtype)
      #expect(sameElements(array.scalars, try NumPyFixtures.values(fixture.values)))
    }

    @Test func sniffCasesAreAllListed() {
      #expect(IDXFixtures.expected.sniff.map(\.file) == ["weights.npy.gz", "npy_named.idx", "idx_named.npy"])
    }

    @Test(arguments: IDXFixtures.expected.idx)
    func idxFixturesReportTheirFormat(_ fixture: IDXFixtures.IDXCase) throws {
      let format = try ArrayFile.readWithFormat(path: IDXFixtures.path(fixture.file)).format
      #expect(format == (fixture.file.hasSuffix(".gz") ? ArrayFileFormat.idx.gzipped : .idx))
    }

    @Test func formatsDescribeThemselves() {
      #expect(ArrayFileFormat.npy.description == ".npy")
      #expect(ArrayFileFormat.npz.gzipped.description == "gzip-compressed .npz")
      #expect(ArrayFileFormat.idx.gzipped.description == "gzip-compressed IDX")
      #expect(ArrayFileFormat(.idx, gzipped: true) == .idx.gzipped)
    }

    @Test func readsTheNumPyFixturesToo() throws {
      for name in ["save_f8_2x3.npy", "dtype_i2_be.npy", "fortran_u1_4d.npy", "scalar_0d.npy"] {
        let path = NumPyFixtures.path(name)
        let (array, format) = try ArrayFile.readWithFormat(path: path)
        #expect(format == .npy)
        #expect(array == (try NPYFile.read(path: path)), "\(name)")
      }
      let npz = NumPyFixtures.path("savez_compressed.npz")
      #expect(try ArrayFile.read(path: npz, key: "W1") == (try NPZArchive.read(path: npz))["W1"])
      let zip64 = NumPyFixtures.path("zip64.npz")
      #expect(try ArrayFile.read(path: zip64, key: "labels") == (try NPZArchive.read(path: zip64))["labels"])
    }

    @Test(arguments: IDXFixtures.expected.npz)
    func npzKeysPickTheArray(_ fixture: IDXFixtures.NPZCase) throws {
      let path = IDXFixtures.path(fixture.file)
      for (key, expected) in zip(fixture.keys, fixture.arrays) {
        for spelling in [key, key + ".npy"] {
          let (array, format) = try ArrayFile.readWithFormat(path: path, key: spelling)
          #expect(format == .npz)
          #expect(array.shape == expected.shape)
          #expect(array.dtype.rawValue == expected.dtype)
          #expect(sameElements(array.scalars, try NumPyFixtures.values(expected.values)), "\(key)")
        }
      }
      let missing = #expect(throws: FileFormatError.self) { try ArrayFile.read(path: path, key: "nope") }
      #expect(missing?.path == path)
      #expect(missing?.problem.hasPrefix("no array 'nope'") == true, "\(String(describing: missing))")
    }

    @Test func npzWithoutAKey() throws {
      // One array: taken.
      let single = try ArrayFile.read(path: IDXFixtures.path("npz_named.gz"))
      #expect(single.scalars == [3, 1, 4, 1, 5, 9, 2, 6])
      // Several: an error listing them and the options that choose.
      let path = IDXFixtures.path("two_arrays.npz")
      let several = #expect(throws: FileFormatError.self) { try ArrayFile.read(path: path) }
      #expect(
        several?.description
          == path + ": the .npz archive holds 2 arrays ('x', 'y'); say which (`key`)")
      #expect(
        (try? ArrayFile.read(path: NumPyFixtures.path("savez.npz"))) == nil,
        "several arrays need a key")
      // None (an empty ZIP, PK\x05\x06): an error.
      let empty = IDXFixtures.path("no_arrays.npz")
      #expect(try IDXFixtures.bytes("no_arrays.npz").prefix(4) == [0x50, 0x4B, 5, 6])
      let none = #expect(throws: FileFormatError.self) { try ArrayFile.read(path: empty) }
      #expect(none?.problem == "the .npz archive holds no arrays")
      let keyed = #expect(throws: FileFormatError.self) { try ArrayFile.read(path: empty, key: "x") }
      #expect(keyed?.problem == "no array 'x': the .npz archive holds no arrays")
      let wrong = #expect(throws: FileFormatError.self) { try ArrayFile.read(path: path, key: "z") }
      #expect(wrong?.problem == "no array 'z' in the .npz archive; its arrays: 'x', 'y'")
    }

    @Test func gzippedNPZ() throws {
      let path = IDXFixtures.path("two_arrays.npz.gz")
      let (array, format) = try ArrayFile.readWithFormat(path: path, key: "y")
      #expect(format == .npz.gzipped)
      #expect(array.scalars == [3, 1, 4, 1, 5, 9, 2, 6])
      let several = #expect(throws: FileFormatError.self) { try ArrayFile.read(path: path) }
      #expect(several?.problem.hasPrefix("decompressed gzip data: the .npz archive holds 2 arrays") == true)
    }

    @Test(arguments: ["weights.npy.gz", "npy_named.idx", "idx_named.npy", "u1_1d.idx", "images_u1_3d.idx.gz"])
    func aKeyForASingleArrayFileIsAnError(_ name: String) {
      let path = IDXFixtures.path(name)
      let error = #expect(throws: FileFormatError.self) { try ArrayFile.read(path: path, key: "x") }
      #expect(error?.path == path)
      #expect(error?.problem.contains("a key ('x') picks an array inside a .npz archive, but this is") == true)
      #expect(error?.problem.contains("leave the key out (`key`)") == true)
      #expect(
        error?.problem.contains(name.contains("npy") && !name.hasPrefix("idx") ? ".npy file" : "IDX file") == true)
    }

    @Test func unknownFormatsNameTheirFirstBytes() {
      let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
      let error = #expect(throws: FileFormatError.self) { try ArrayFile.read(data: Data(png), name: "cat.png") }
      #expect(
        error?.description
          == "cat.png: unrecognized file format: starts with 89 50 4e 47 0d 0a 1a 0a (\".PNG....\"); expected "
          + ArrayFile.accepted)
      #expect(ArrayFile.accepted.contains(".npy") && ArrayFile.accepted.contains(".npz"))
      #expect(ArrayFile.accepted.contains("IDX") && ArrayFile.accepted.contains("gzip"))

      let csv = #expect(throws: FileFormatError.self) {
        try ArrayFile.read(data: Data("a,b\n1,2\n".utf8), name: "t.csv")
      }
      #expect(
        csv?.problem.hasPrefix("unrecognized file format: starts with 61 2c 62 0a 31 2c 32 0a (\"a,b.1,2.\")") == true)
      let empty = #expect(throws: FileFormatError.self) { try ArrayFile.read(data: Data(), name: "e") }
      #expect(empty?.problem.hasPrefix("empty file (0 bytes)") == true)
      let zip = #expect(throws: FileFormatError.self) { try ArrayFile.read(data: Data([0x50, 0x4B, 7, 8]), name: "z") }
      #expect(zip?.problem.hasPrefix("unrecognized file format: starts with 50 4b 07 08") == true)
    }

    @Test func gzipLayersAreSniffedAgain() throws {
      let png = IDXFixtures.storedGzip([0x89, 0x50, 0x4E, 0x47])
      let error = #expect(throws: FileFormatError.self) { try ArrayFile.read(data: Data(png), name: "p.gz") }
      #expect(
        error?.problem.hasPrefix("decompressed gzip data: unrecognized file format: starts with 89 50 4e 47") == true)
      let twice = IDXFixtures.storedGzip(try IDXFixtures.bytes("u1_1d.idx.gz"))
      let twiceError = #expect(throws: FileFormatError.self) { try ArrayFile.read(data: Data(twice), name: "t.gz") }
      #expect(twiceError?.problem.contains("compressed twice") == true)
      let npy = IDXFixtures.storedGzip(NPYFile.encode(Matrix<Float>(rowMajor: [[1, 2]])))
      #expect(try ArrayFile.read(data: Data(npy)).matrix(as: Float.self) == Matrix(rowMajor: [[1, 2]]))
      let badNPY = IDXFixtures.storedGzip(Array(NPYFile.magic.prefix(4)))
      let truncated = #expect(throws: FileFormatError.self) { try ArrayFile.read(data: Data(badNPY), name: "n.gz") }
      #expect(truncated?.problem == "decompressed gzip data: truncated: 4 bytes, too short for the .npy magic")
      var badCRC = try IDXFixtures.bytes("weights.npy.gz")
      badCRC[badCRC.count - 5] ^= 0x80
      let crc = #expect(throws: FileFormatError.self) { try ArrayFile.read(data: Data(badCRC), name: "w.npy.gz") }
      #expect(crc?.problem.hasPrefix("gzip member at byte 0: CRC-32 mismatch") == true)
    }

    @Test func missingFile() {
      let error = #expect(throws: FileFormatError.self) { try ArrayFile.read(path: "/nonexistent/x.npy") }
      #expect(error?.description == "/nonexistent/x.npy: no such file")
    }
  }

  /// The MNIST test set in ../shared/data/mnist, checked against values computed with Python.
  @Suite(.enabled(if: IDXFixtures.mnist != nil, "needs ../shared/data/mnist (and its facts in expected.json)"))
  struct MNISTTests {
    @Test func images() throws {
      let mnist = try #require(IDXFixtures.mnist)
      let (array, format) = try ArrayFile.readWithFormat(path: mnist.images)
      #expect(format == .idx.gzipped)
      #expect(array.shape == [10000, 28, 28])
      #expect(array.shape == mnist.facts.shape)
      #expect(array.dtype == .uint8)
      #expect(array.scalars.reduce(0, +) == Double(mnist.facts.pixel_sum))
      let X = try array.samples(as: Float.self)
      #expect(X.shape == Shape(784, 10000))
      #expect((0..<784).reduce(0) { $0 + Double(X[$1, 0]) } == Double(mnist.facts.first_image_pixel_sum))
      #expect((0..<784).reduce(0) { $0 + Double(X[$1, 9999]) } == Double(mnist.facts.last_image_pixel_sum))
      #expect((0..<28).map { Int(X[14 * 28 + $0, 0]) } == mnist.facts.first_image_center_row)
    }

    @Test func labels() throws {
      let mnist = try #require(IDXFixtures.mnist)
      let array = try IDXFile.read(path: mnist.labels)
      #expect(array.shape == [10000])
      #expect(array.dtype == .uint8)
      let Y = try array.labels(as: Double.self)
      #expect(Y.shape == Shape(1, 10000))
      #expect(Array((0..<5).map { Int(Y[0, $0]) }) == [7, 2, 1, 0, 4])
      #expect((0..<10).map { Int(Y[0, $0]) } == mnist.facts.first_labels)
      var counts = [Int](repeating: 0, count: 10)
      for j in 0..<10000 { counts[Int(Y[0, j])] += 1 }
      #expect(counts == mnist.facts.label_counts)
    }
  }
}
