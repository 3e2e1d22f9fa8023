import Backprop
import Foundation
import Testing

/// Histories in JSON (--history, checkpoints, run.json) read back, old ones included.
@Suite struct HistoryCodingTests {
  @Test func aRecordRoundTripsThroughJSON() throws {
    let record = EpochRecord(
      epoch: 3, cost: 0.25, validationCost: 0.5, metrics: ["accuracy": 0.9], validationMetrics: ["accuracy": 0.8],
      learningRate: 0.01, seconds: 1.5, gradientNorms: [0.1, 0.2], deadUnitFractions: [0.5, nil],
      saturatedOutputFraction: 0.125)
    let data = try JSONEncoder().encode(record)
    #expect(try JSONDecoder().decode(EpochRecord.self, from: data) == record)
  }

  /// Records written before the diagnostics fields existed still decode, with them empty.
  @Test func aRecordWithoutTheDiagnosticsFieldsDecodes() throws {
    let json = #"{"epoch":2,"cost":0.4,"metrics":{},"validationMetrics":{},"learningRate":0.1,"seconds":0.2}"#
    let record = try JSONDecoder().decode(EpochRecord.self, from: Data(json.utf8))
    #expect(record == EpochRecord(epoch: 2, cost: 0.4, learningRate: 0.1, seconds: 0.2))
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(EpochRecord.self, from: Data(#"{"epoch":2,"learningRate":0.1,"seconds":0.2}"#.utf8))
    }
  }
}
