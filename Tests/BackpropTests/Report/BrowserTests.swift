import Backprop
import BackpropTestSupport
import Foundation
import Testing

/// A headless Chromium, when installed (Debian's `chromium`; CI installs it).
enum Chromium {
  /// The browser's path, found on the PATH.
  static let url: URL? = {
    let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
      for directory in directories {
        let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      }
    }
    return nil
  }()

  /// Runs the browser headless on `page` with `arguments`, a fresh profile, and a 90 s limit.
  static func run(_ arguments: [String], page: URL, profile: URL) throws -> Subprocess.Result {
    guard let url else { throw CocoaError(.fileNoSuchFile) }
    return try Subprocess.run(
      URL(fileURLWithPath: "/usr/bin/timeout"),
      [
        "90", url.path, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--no-first-run",
        "--user-data-dir=\(profile.path)",
      ] + arguments + [page.absoluteString])
  }
}

/// The report's page in a real browser: it renders (a screenshot that is not
/// blank), its DOM has every section, and the console logs no error.
@Suite(.enabled(if: Chromium.url != nil, "chromium is not installed (apt-get install chromium): browser test skipped"))
struct BrowserTests {
  @Test func pageRendersWithoutConsoleErrors() throws {
    let folder = try ReportFixture.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (report, _) = try ReportFixture.report()
    let runFolder = folder.appendingPathComponent("run")
    try report.write(to: runFolder.path)
    let page = runFolder.appendingPathComponent("index.html")
    let profile = folder.appendingPathComponent("profile")

    let dom = try Chromium.run(["--enable-logging=stderr", "--v=0", "--dump-dom"], page: page, profile: profile)
    #expect(dom.status == 0, "\(dom.error.suffix(2_000))")
    for id in [
      "training", "metrics", "confusion-matrix", "decision-boundary", "network", "hyperparameters", "reproducibility",
    ] {
      #expect(dom.output.contains("<section id=\"\(id)\">"), "the browser's DOM lacks section \(id)")
    }
    #expect(dom.output.components(separatedBy: "<polyline").count - 1 == 7)
    let consoleLines = dom.error.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
    #expect(consoleLines.isEmpty, "console messages: \(consoleLines.joined(separator: "\n"))")

    let screenshot = folder.appendingPathComponent("page.png")
    let shot = try Chromium.run(
      ["--screenshot=\(screenshot.path)", "--window-size=1200,2400"], page: page, profile: profile)
    #expect(shot.status == 0, "\(shot.error.suffix(2_000))")
    let statistics = try PNGStatistics(path: screenshot.path, rows: 900)
    #expect(statistics.width == 1200 && statistics.height == 2400)
    // A blank page is one colour; the report has text, cards and charts in many.
    #expect(statistics.standardDeviation > 15, "the screenshot looks blank: σ = \(statistics.standardDeviation)")
    #expect(statistics.distinctColours > 100, "only \(statistics.distinctColours) colours")
  }
}

/// The grey-level spread and colour count of a PNG's top rows, computed by
/// python3 (zlib, no imaging library): enough to tell a rendered page from a blank one.
struct PNGStatistics {
  var width: Int
  var height: Int
  var standardDeviation: Double
  var distinctColours: Int

  /// Decodes the first `rows` rows of the 8-bit RGB or RGBA PNG at `path`.
  init(path: String, rows: Int) throws {
    let script = """
      import struct, sys, zlib
      data = open(sys.argv[1], 'rb').read()
      assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'not a PNG'
      pos, idat = 8, b''
      while pos < len(data):
          n, kind = struct.unpack('>I', data[pos:pos + 4])[0], data[pos + 4:pos + 8]
          body = data[pos + 8:pos + 8 + n]
          pos += 12 + n
          if kind == b'IHDR':
              w, h, depth, colour = struct.unpack('>IIBB', body[:10])
          elif kind == b'IDAT':
              idat += body
      assert depth == 8 and colour in (2, 6), 'unsupported PNG %d/%d' % (depth, colour)
      bpp = 3 if colour == 2 else 4
      stride = w * bpp
      rows = min(int(sys.argv[2]), h)
      raw = zlib.decompressobj().decompress(idat, rows * (stride + 1))
      prev = bytearray(stride)
      total = total2 = count = 0
      colours = set()
      for y in range(rows):
          f = raw[y * (stride + 1)]
          line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
          for x in range(stride):
              a = line[x - bpp] if x >= bpp else 0
              b = prev[x]
              c = prev[x - bpp] if x >= bpp else 0
              if f == 1: line[x] = (line[x] + a) & 255
              elif f == 2: line[x] = (line[x] + b) & 255
              elif f == 3: line[x] = (line[x] + ((a + b) >> 1)) & 255
              elif f == 4:
                  p = a + b - c
                  pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                  line[x] = (line[x] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 255
          for x in range(0, stride, bpp * 2):
              grey = (line[x] + line[x + 1] + line[x + 2]) / 3
              total += grey
              total2 += grey * grey
              count += 1
              colours.add(bytes(line[x:x + 3]))
          prev = line
      mean = total / count
      print(w, h, max(total2 / count - mean * mean, 0) ** 0.5, len(colours))
      """
    let result = try Subprocess.python(["-c", script, path, String(rows)])
    let fields = result.output.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
    guard result.status == 0, fields.count == 4, let w = Int(fields[0]), let h = Int(fields[1]),
      let deviation = Double(fields[2]), let colours = Int(fields[3])
    else {
      throw DataError("could not decode \(path): \(result.combined)")
    }
    (width, height, standardDeviation, distinctColours) = (w, h, deviation, colours)
  }
}
