import Foundation

/// Where the committed fixtures live: `Tests/Fixtures/` in the source tree.
public enum Fixtures {
  /// The `Tests/Fixtures` folder.
  public static let directory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // BackpropTestSupport
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures", isDirectory: true)

  /// A path inside `Tests/Fixtures`.
  public static func path(_ relative: String) -> String {
    directory.appendingPathComponent(relative).path
  }

  /// The shared data folder (`../shared/data` beside the checkout), or nil when absent.
  public static var sharedData: URL? {
    let url = directory.deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("shared/data", isDirectory: true)
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
      ? url : nil
  }
}
