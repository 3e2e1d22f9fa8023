import Foundation

/// Standard output as a result goes there: `print` buffers it and the C library
/// drops a failed write (a full disk, `> /dev/full`) without a word, so every
/// command's output is flushed and checked before the command counts as done.
enum StandardOutput {
  /// A write to standard output that failed.
  struct WriteError: Error, CustomStringConvertible {
    var reason: String
    var description: String { "could not write the results to standard output: \(reason)" }
  }

  /// Flushes what `print` has buffered.
  ///
  /// - Throws: ``WriteError`` when this or any earlier write to standard output failed.
  static func flush() throws(WriteError) {
    // fflush(NULL) flushes every output stream (stdout is a C global that Swift 6
    // does not let us name); standard error is unbuffered, so a failure is stdout's.
    errno = 0
    guard fflush(nil) == 0 else {
      let code = errno
      throw WriteError(reason: code != 0 ? String(cString: strerror(code)) : "the write failed")
    }
  }

  /// Writes `text` to standard output unbuffered, after what `print` holds, for
  /// results longer than `print`'s buffer (whose failed writes the C library
  /// forgets once the buffer is reused).
  ///
  /// - Throws: ``WriteError`` when the write fails.
  static func write(_ text: String) throws(WriteError) {
    try flush()
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let written = bytes.withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        throw WriteError(reason: String(cString: strerror(errno)))
      }
      bytes = bytes.dropFirst(written)
    }
  }
}
