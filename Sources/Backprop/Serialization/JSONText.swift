/// JSON text written as serde_json writes it, so that a header comes out
/// byte for byte as the reference's; package-wide (`backprop serve`'s answers use it too).
package enum JSONText {
  /// `text` as a JSON string: in quotes, with `"` and `\` escaped, the control
  /// characters below U+0020 escaped (`\b \t \n \f \r` by name, the others as
  /// `\u00xx` in lowercase hex), and everything else, `/` and non-ASCII
  /// included, as it is.
  package static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\u{08}": out += "\\b"
      case "\u{09}": out += "\\t"
      case "\u{0A}": out += "\\n"
      case "\u{0C}": out += "\\f"
      case "\u{0D}": out += "\\r"
      case "\u{00}"..."\u{1F}": out += "\\u00" + JSONScanner.hex(UInt8(scalar.value))
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
