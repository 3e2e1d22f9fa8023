/// A table of examples read from a CSV file, in the notes' layout: the
/// features as an (n, m) matrix with one example per column, and one target
/// per example.
///
/// ```swift
/// let iris = try CSVDataset.read(path: "iris.csv", target: .name("species"))
/// iris.features        // (4, 150): X, one flower per column
/// iris.targets         // 150 class indices, 0…2
/// iris.classNames      // ["setosa", "versicolor", "virginica"]
/// let test = try CSVDataset.read(path: "iris-test.csv", target: .name("species"),
///                                classNames: iris.classNames)  // the same encoding
/// ```
///
/// The file is read in 1 MiB chunks and each number is parsed as it arrives,
/// so memory holds the numbers (8 bytes each), never the file's text.
///
/// What a file may hold (RFC 4180, UTF-8):
/// - cells separated by a comma, semicolon or tab (detected; see ``CSVDialect``),
///   records ended by LF, CRLF or CR, the last one with or without a line end;
///   a UTF-8 byte-order mark at the start is skipped; empty lines are skipped;
/// - quoted cells (`"…"`) holding delimiters, line ends and `""` for a quote;
/// - feature cells that are decimal numbers ("1e-3", "-2.5", "+3", ".5"),
///   spaces and tabs around a cell's text ignored;
/// - a target column of numbers (kept as they are: regression targets or class
///   indices) or of text labels (encoded as class indices in sorted order).
///
/// Errors name the file, the physical line (1-based; a line end inside quotes
/// counts) and the column (1-based) with its name:
///
/// ```
/// data.csv: line 7, column 3 (petal_length): "n/a" is not a number (feature cells must hold numbers)
/// ```
public struct CSVDataset: Sendable, Equatable {
  /// X, (n features, m examples): one example per column, in the file's row order.
  public var features: Matrix<Double>
  /// The m targets in row order: the column's numbers, or for a column of text
  /// labels the class indices into ``classNames``.
  public var targets: [Double]
  /// The feature columns' names, in file order (the header's, or "column 1", …
  /// counting every column of the file, when there is no header).
  public var featureNames: [String]
  /// The target column's name.
  public var targetName: String
  /// The target column's 0-based index among all the file's columns.
  public var targetIndex: Int
  /// The class names, target k meaning `classNames[k]`: sorted for a column of
  /// text labels, as given when passed to ``read(path:target:delimiter:hasHeader:classNames:)``,
  /// nil when the column holds numbers.
  public var classNames: [String]?
  /// The delimiter and whether the file has a header, detected or as given.
  public var dialect: CSVDialect

  /// The number of examples, m.
  public var count: Int { features.columns }

  /// The targets as Y, a (1, m) matrix.
  public var targetMatrix: Matrix<Double> {
    var y = Matrix<Double>(rows: 1, columns: targets.count)
    y.withUnsafeMutableBufferPointer { buffer in
      for k in targets.indices { buffer[k] = targets[k] }
    }
    return y
  }

  /// Reads the CSV file at `path`, streaming it.
  ///
  /// - Parameters:
  ///   - path: the CSV file (UTF-8 text), read in chunks; one row per example.
  ///   - target: the column holding the targets; every other column is a feature.
  ///   - delimiter: the character between cells, or nil to detect comma, semicolon or tab.
  ///   - hasHeader: whether the first row names the columns, or nil to detect it.
  ///   - classNames: the classes of a text label column (e.g. a trained model's
  ///     ``classNames``), so that this file's labels get the same indices; every
  ///     label must be one of them. Nil to take a numeric column's values or
  ///     encode text labels in sorted order.
  /// - Throws: ``FileFormatError`` naming `path` (and the line and column) for a
  ///   missing or unreadable file, an empty cell, a feature that is not a
  ///   number, a non-finite number ("nan", "inf", "1e999"), a row with the
  ///   wrong number of columns, a quote never closed, a character after a closing
  ///   quote, a label not among `classNames`, bytes that are not UTF-8, a file with
  ///   one column or no data rows. ``ConfigurationError`` for `target` when the
  ///   column does not exist (the message lists the columns), for `delimiter`
  ///   when it cannot separate cells, for `classNames` when empty or repeated.
  public static func read(
    path: String, target: TargetColumn = .last, delimiter: Character? = nil, hasHeader: Bool? = nil,
    classNames: [String]? = nil
  ) throws -> CSVDataset {
    try CSVReader.read(
      path: path, target: target, delimiter: delimiter, hasHeader: hasHeader, classNames: classNames)
  }
}
