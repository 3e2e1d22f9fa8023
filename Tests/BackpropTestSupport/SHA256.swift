import Backprop

/// Digests of arrays' little-endian bytes, for comparing large arrays with the
/// digests that the fixture scripts write instead of the arrays themselves.
///
/// ```swift
/// SHA256.hexDigest(littleEndian: [1.0, 2.0])  // hashlib.sha256(np.array([1., 2.]).astype('<f8').tobytes())
/// ```
extension SHA256 {
  /// The hex digest of the values' little-endian bytes, in order: for `[Double]` the
  /// same as `np.asarray(values).astype('<f8').tobytes()` hashed, for `[Int]` `'<i8'`,
  /// for `[UInt32]` `'<u4'`.
  package static func hexDigest<Value: FixedWidthInteger>(littleEndian values: [Value]) -> String {
    var bytes = [UInt8]()
    bytes.reserveCapacity(values.count * MemoryLayout<Value>.size)
    for value in values {
      let le = value.littleEndian
      withUnsafeBytes(of: le) { bytes.append(contentsOf: $0) }
    }
    return hexDigest(of: bytes)
  }

  /// The hex digest of the doubles' little-endian IEEE 754 bytes (`'<f8'`).
  package static func hexDigest(littleEndian values: [Double]) -> String {
    hexDigest(littleEndian: values.map(\.bitPattern))
  }
}
