import Foundation

/// Saving and loading a model by URL, as Foundation's types do (`Data(contentsOf:)`).
extension Model {
  /// Writes the model as a safetensors file (``ModelFile``), atomically: the
  /// file at `url` is replaced only once the new one is complete.
  /// - Parameter url: a `file:` URL.
  /// - Throws: ``FileFormatError`` when `url` is not a file URL or the file cannot be written.
  public func save(to url: URL) throws {
    try ModelFile.write(self, to: try Self.filePath(url))
  }

  /// Reads a model file, converting its parameters to `Scalar` when it was saved in the other precision.
  /// - Parameter url: a `file:` URL.
  /// - Throws: ``FileFormatError`` naming the file and what is wrong with it.
  public init(contentsOf url: URL) throws {
    self = try ModelFile.read(path: try Self.filePath(url))
  }

  static func filePath(_ url: URL) throws(FileFormatError) -> String {
    guard url.isFileURL else {
      throw FileFormatError(path: url.absoluteString, "a model is read from and saved to a file: URL")
    }
    return url.path
  }
}

/// A model in the precision its file was saved in, for code that loads files it
/// did not write: `AnyModel(contentsOf:)` reads the stored dtype and keeps it.
///
/// ```swift
/// switch try AnyModel(contentsOf: url) {
/// case .float32(let model): print(try model.predict(x.converted(to: Float.self)).classes!)
/// case .float64(let model): print(try model.predict(x).classes!)
/// }
/// ```
public enum AnyModel: Sendable {
  /// Saved as float32.
  case float32(Model<Float>)
  /// Saved as float64.
  case float64(Model<Double>)

  /// Reads a model file in the precision it was saved in.
  /// - Parameter url: a `file:` URL.
  /// - Throws: ``FileFormatError`` naming the file and what is wrong with it.
  public init(contentsOf url: URL) throws {
    let path = try Model<Float>.filePath(url)
    switch try ModelFile.storedDType(path: path) {
    case "float32": self = .float32(try ModelFile.read(path: path))
    default: self = .float64(try ModelFile.read(path: path))
    }
  }

  /// `float32` or `float64`, as NumPy and the file's metadata name it.
  public var dtype: String {
    switch self {
    case .float32: "float32"
    case .float64: "float64"
    }
  }

  /// The model in `Scalar`, converted (through the model file's own encoding, so
  /// every parameter kind the file holds) when it was saved in the other precision.
  /// - Throws: ``FileFormatError`` should the model not encode (it was read from a file, so it does).
  public func model<Scalar: MatrixScalar>(as _: Scalar.Type = Scalar.self) throws -> Model<Scalar> {
    func converted<Stored: MatrixScalar>(_ model: Model<Stored>) throws -> Model<Scalar> {
      if let same = model as? Model<Scalar> { return same }
      return try ModelFile.decode(ModelFile.encode(model), path: "(\(dtype) model)")
    }
    switch self {
    case .float32(let model): return try converted(model)
    case .float64(let model): return try converted(model)
    }
  }
}
