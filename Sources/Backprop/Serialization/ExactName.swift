/// A string compared and hashed by its UTF-8 bytes.
///
/// Swift's `String` equality is canonical equivalence, so "é" (U+00E9) and
/// "e" + U+0301 are equal as `String`s; the safetensors reference compares
/// bytes, and a file may hold a tensor under each. Keyed by this, both stay
/// distinct.
struct ExactName: Hashable {
  /// The string's UTF-8 bytes.
  let utf8: [UInt8]

  init(_ name: String) { utf8 = Array(name.utf8) }
}
