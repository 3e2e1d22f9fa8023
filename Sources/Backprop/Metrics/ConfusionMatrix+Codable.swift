/// A confusion matrix as JSON: `{"counts": [[…], …], "occurs": [true, …]}`, for reports' `run.json`.
extension ConfusionMatrix: Codable {
  private enum CodingKeys: String, CodingKey { case counts, occurs }

  /// Reads the counts back.
  /// - Throws: `DecodingError.dataCorrupted` when the counts are not square, negative or
  ///   not finite, or `occurs` does not have a flag per class.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let counts = try container.decode([[Double]].self, forKey: .counts)
    let occurs = try container.decode([Bool].self, forKey: .occurs)
    let k = counts.count
    guard k >= 1, counts.allSatisfy({ $0.count == k }), occurs.count == k,
      counts.allSatisfy({ $0.allSatisfy { $0.isFinite && $0 >= 0 } })
    else {
      throw DecodingError.dataCorrupted(
        .init(
          codingPath: container.codingPath + [CodingKeys.counts],
          debugDescription: "a confusion matrix needs K × K finite counts ≥ 0 and K occurs flags (K ≥ 1)"))
    }
    self.counts = counts
    self.occurs = occurs
  }

  /// Writes the counts and the occurs flags.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(counts, forKey: .counts)
    try container.encode(occurs, forKey: .occurs)
  }
}
