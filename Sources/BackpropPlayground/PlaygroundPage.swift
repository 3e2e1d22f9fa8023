import Foundation

/// The playground's page: one self-contained HTML document (its CSS and JavaScript inline, no
/// font or script from elsewhere), built into the binary by `scripts/playground-page`.
public enum PlaygroundPage {
  /// The page as served at `/`.
  public static let document: String =
    html
    .replacingFirst("/*STYLE*/", with: css)
    .replacingFirst("/*SCRIPT*/", with: javascript)
}

extension String {
  /// The string with the first `target` replaced by `replacement`.
  fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
    guard let range = range(of: target) else { return self }
    return replacingCharacters(in: range, with: replacement)
  }
}
