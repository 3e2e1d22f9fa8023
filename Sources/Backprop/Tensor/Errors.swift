/// Matrix dimensions that do not fit: the notes' "getting your matrix
/// dimensions right", with the place and both shapes in the message.
///
/// ```
/// layer 2: W[2] is (7, 20) but A[1] is (19, 209): W[2]·A[1] needs A[1] to have 20 rows
/// ```
public struct ShapeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The whole message, naming the place and the shapes.
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}

/// A file that cannot be read or written: names the file, and the offset,
/// line or entry where the problem is.
public struct FileFormatError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file's path as given.
  public var path: String
  /// What is wrong and where, e.g. "header at byte 10: unsupported dtype '<c8'".
  public var problem: String

  public init(path: String, _ problem: String) {
    self.path = path
    self.problem = problem
  }

  public var description: String { "\(path): \(problem)" }
}

/// A hyperparameter or option whose value cannot work, named with its value.
///
/// ```
/// --learning-rate -0.1: the learning rate must be a positive finite number
/// ```
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The parameter, as the Swift API names it (`learningRate`, `layerSizes`); the command
  /// line shows its flag instead (`--learning-rate`).
  public var parameter: String
  /// Why the value cannot work.
  public var problem: String

  public init(parameter: String, _ problem: String) {
    self.parameter = parameter
    self.problem = problem
  }

  public var description: String { "\(parameter): \(problem)" }
}

/// Data that is well-formed as a file but unusable for training: NaN or
/// infinite inputs, labels that do not match the sample count or the output.
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
