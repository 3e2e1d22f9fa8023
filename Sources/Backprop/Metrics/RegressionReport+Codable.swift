/// A regression report as JSON, for reports' `run.json`:
/// `{"mse": …, "mae": …, "r2": … or null, "examples": m}`.
extension RegressionReport: Codable {
  private enum CodingKeys: String, CodingKey {
    case meanSquaredError = "mse"
    case meanAbsoluteError = "mae"
    case r2, examples
  }

  /// Reads the scores back.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    meanSquaredError = try container.decode(Double.self, forKey: .meanSquaredError)
    meanAbsoluteError = try container.decode(Double.self, forKey: .meanAbsoluteError)
    r2 = try container.decodeIfPresent(Double.self, forKey: .r2)
    examples = try container.decode(Int.self, forKey: .examples)
  }

  /// Writes the scores (R² null when undefined).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(meanSquaredError, forKey: .meanSquaredError)
    try container.encode(meanAbsoluteError, forKey: .meanAbsoluteError)
    try container.encode(r2, forKey: .r2)
    try container.encode(examples, forKey: .examples)
  }
}
