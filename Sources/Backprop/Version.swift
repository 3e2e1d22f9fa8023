/// Facts about the library itself.
public enum Backprop {
  /// The library's version (semantic versioning), as `backprop info` prints it.
  public static let version = "0.1.0"
}
