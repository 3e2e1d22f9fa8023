import Foundation
import Testing

@testable import Backprop

extension CSVTests {
  /// A file far larger than one read, parsed in chunks; and the block storage behind it.
  @Suite struct CSVStreamingTests {
    /// Example i's feature j, exact in binary and in decimal (multiples of 1/8).
    static func value(_ i: Int, _ j: Int) -> Double { Double((i &* 31 &+ j &* 17) % 8000 - 4000) / 8 }

    static let labels = ["alpha", "beta", "gamma"]

    @Test func readsAManyMegabyteFileInChunks() throws {
      // 250,000 rows of 10 features and a text label: about 20 MB, so 20 reads of
      // 1 MiB (the release-build measurement of a 1 GB file is in the report).
      let rows = 250_000
      let features = 10
      var bytes = [UInt8]()
      bytes.reserveCapacity(rows * 80)
      bytes += Array(((0..<features).map { "x\($0)" } + ["label"]).joined(separator: ",").utf8)
      bytes.append(0x0A)
      for i in 0..<rows {
        for j in 0..<features {
          bytes += Array(String(Self.value(i, j)).utf8)
          bytes.append(UInt8(ascii: ","))
        }
        bytes += Array(Self.labels[(i * 7) % 3].utf8)
        bytes += [0x0D, 0x0A]
      }
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      let path = folder.path("big.csv")
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      #expect(bytes.count > 19 << 20)

      let data = try CSVDataset.read(path: path)
      #expect(data.features.shape == Shape(features, rows))
      #expect(data.classNames == Self.labels)
      for i in [0, 1, 4095, 13_107, 31_337, rows - 1] {
        for j in 0..<features { #expect(data.features[j, i] == Self.value(i, j), "row \(i), feature \(j)") }
        #expect(data.targets[i] == Double((i * 7) % 3))
      }
      var sum = 0.0
      var expected = 0.0
      data.features.withUnsafeBufferPointer { for v in $0 { sum += v } }
      for i in 0..<rows { for j in 0..<features { expected += Self.value(i, j) } }
      #expect(sum == expected)
    }

    @Test func labelColumnsHoldAtMost65536Classes() throws {
      let rows = CSVTableBuilder<ChunkedDoubles>.maxClasses + 10
      // Distinct numbers: a regression target, read as numbers however many there are.
      var text = "x,y\n" + (0..<rows).map { "1,\($0).5\n" }.joined()
      var (folder, path) = try temporaryCSV(text)
      let numbers = try CSVDataset.read(path: path)
      folder.remove()
      #expect(numbers.targets.count == rows)
      #expect(numbers.targets.last == Double(rows - 1) + 0.5)
      #expect(numbers.classNames == nil)
      // ... but then text: too many distinct values to be class labels.
      text += "1,oops\n"
      (folder, path) = try temporaryCSV(text)
      let late = #expect(throws: FileFormatError.self) { try CSVDataset.read(path: path) }
      folder.remove()
      #expect(late?.problem.hasPrefix("line \(rows + 2), column 2 (y): \"oops\" is not a number") == true)
      // Text labels, all distinct: too many classes.
      (folder, path) = try temporaryCSV("x,y\n" + (0..<rows).map { "1,c\($0)\n" }.joined())
      defer { folder.remove() }
      let labels = #expect(throws: FileFormatError.self) { try CSVDataset.read(path: path) }
      #expect(
        labels?.problem.hasPrefix(
          "line \(CSVTableBuilder<ChunkedDoubles>.maxClasses + 2), column 2 (y): more than 65536") == true)
    }

    @Test func chunkedDoublesKeepOrderAcrossBlocks() {
      for blockSize in [1, 3, 1000] {
        var list = ChunkedDoubles(blockSize: blockSize)
        for k in 0..<2500 { list.append(Double(k)) }
        #expect(list.count == 2500)
        #expect(list.takeAll() == (0..<2500).map(Double.init))
        #expect(list.count == 0)
        list.append(7)
        #expect(list.takeAll() == [7])
      }
      var empty = ChunkedDoubles()
      #expect(empty.takeAll().isEmpty)
    }
  }
}
