import ArgumentParser
import Backprop
import Foundation

/// What `train` shows while it runs.
///
/// - On a terminal: a live bar for the epoch in progress (percentage, samples/s,
///   ETA, running cost), redrawn in place on standard error at most ten times a
///   second, then one line per epoch on standard output.
/// - Not a terminal (a file, CI): the epoch lines only (every --print-every
///   epochs), never a line per batch; without --epochs, the course's
///   "Cost after iteration i: c" every --print-every iterations.
/// - `--quiet`: neither.
/// - `--events FILE.jsonl`: one JSON object per reported epoch, appended and flushed
///   (the full record of a long run, whose ``History`` keeps a bounded sample).
/// - Warnings from ``TrainingDiagnostics``, each kind once, on standard error.
final class TrainingOutput {
  let usesEpochs: Bool
  let epochs: Int
  let printEvery: Int?
  let quiet: Bool
  let live: Bool
  private var events: FileHandle?
  private var history = History()
  private var warned = Set<String>()
  private var epochStarted = Date()
  private var lastDraw = Date.distantPast
  private var barShown = false

  init(usesEpochs: Bool, epochs: Int, printEvery: Int?, quiet: Bool, events path: String?, resuming: Bool) throws {
    self.usesEpochs = usesEpochs
    self.epochs = epochs
    self.printEvery = printEvery
    self.quiet = quiet
    live = !quiet && usesEpochs && isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    if let path {
      // A new run starts the file afresh; a resumed one appends to it.
      let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | (resuming ? 0 : O_TRUNC), 0o644)
      guard descriptor >= 0 else {
        throw ConfigurationError(parameter: "--events", "\(path): cannot write: \(String(cString: strerror(errno)))")
      }
      events = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }
  }

  /// After each step: redraw the bar (terminal only, throttled).
  func batch(_ progress: BatchProgress) {
    guard live else { return }
    let now = Date()
    if progress.examplesDone <= progress.examples && now.timeIntervalSince(lastDraw) < 0.1
      && progress.examplesDone < progress.examples
    {
      return
    }
    if !barShown { epochStarted = now.addingTimeInterval(-0.001) }
    lastDraw = now
    let elapsed = now.timeIntervalSince(epochStarted)
    let fraction = Double(progress.examplesDone) / Double(max(progress.examples, 1))
    let rate = Double(progress.examplesDone) / max(elapsed, 1e-9)
    let remaining = Double(progress.examples - progress.examplesDone) / max(rate, 1e-9)
    let width = 24
    let filled = Int((fraction * Double(width)).rounded(.down))
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    let line =
      "\r\u{1B}[2KEpoch \(progress.epoch)/\(epochs) \(bar) \(Int(fraction * 100))%  "
      + "\(grouped(Int(rate))) samples/s  ETA \(clock(remaining))  cost \(fixed(progress.cost))"
    FileHandle.standardError.write(Data(line.utf8))
    barShown = true
  }

  /// After each epoch: the epoch line, the event, the warnings.
  func epoch(_ record: EpochRecord) {
    history.append(record)
    clearBar()
    let every = printEvery ?? (usesEpochs ? 1 : 100)
    let reported =
      every > 0
      && (usesEpochs
        ? record.epoch % every == 0 || record.epoch == epochs || record.epoch == 1
        : (record.epoch - 1) % every == 0 || record.epoch == epochs)
    let findings = TrainingDiagnostics.findings(history)
    if reported || !findings.isEmpty { writeEvent(record, findings: findings) }
    if reported && !quiet { print(line(for: record)) }
    for finding in findings where !warned.contains(finding.kind) {
      warned.insert(finding.kind)
      clearBar()
      FileHandle.standardError.write(
        Data("warning: epoch \(record.epoch): \(FlagNames.commandLine(finding.message))\n".utf8))
    }
    epochStarted = Date()
    barShown = false
  }

  /// Training is over: clear the bar and close the events file.
  func finish() {
    clearBar()
    try? events?.close()
    events = nil
  }

  private func clearBar() {
    if barShown {
      FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
      barShown = false
    }
  }

  private func line(for record: EpochRecord) -> String {
    guard usesEpochs else { return "Cost after iteration \(record.epoch - 1): \(fixed(record.cost))" }
    var line = "Epoch \(record.epoch)/\(epochs): cost \(fixed(record.cost))"
    if let cost = record.validationCost { line += ", validation cost \(fixed(cost))" }
    for (name, value) in record.metrics.sorted(by: { $0.key < $1.key }) { line += ", \(name) \(fixed(value))" }
    for (name, value) in record.validationMetrics.sorted(by: { $0.key < $1.key }) {
      line += ", validation \(name) \(fixed(value))"
    }
    return line + ", α \(String(format: "%.6g", record.learningRate)), \(fixed(record.seconds, 2)) s"
  }

  private func writeEvent(_ record: EpochRecord, findings: [TrainingDiagnostics.Finding]) {
    guard let events else { return }
    func number(_ value: Double) -> Any { value.isFinite ? value : "\(value)" }
    var object: [String: Any] = [
      usesEpochs ? "epoch" : "iteration": usesEpochs ? record.epoch : record.epoch - 1,
      "cost": number(record.cost), "learning_rate": record.learningRate, "seconds": record.seconds,
      "gradient_norms": record.gradientNorms.map(number),
      "metrics": record.metrics.mapValues(number),
      "time": ISO8601DateFormatter().string(from: Date()),
    ]
    if let cost = record.validationCost { object["validation_cost"] = number(cost) }
    if !record.validationMetrics.isEmpty { object["validation_metrics"] = record.validationMetrics.mapValues(number) }
    if record.deadUnitFractions.contains(where: { $0 != nil }) {
      object["dead_unit_fractions"] = record.deadUnitFractions.map { $0.map { $0 as Any } ?? NSNull() }
    }
    if let saturated = record.saturatedOutputFraction { object["saturated_output_fraction"] = saturated }
    if !findings.isEmpty {
      object["warnings"] = findings.map { ["kind": $0.kind, "message": FlagNames.commandLine($0.message)] }
    }
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
    events.write(data + Data("\n".utf8))
  }

  private func clock(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "--:--" }
    let s = Int(seconds.rounded())
    return s >= 3600
      ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }

  private func grouped(_ value: Int) -> String {
    let digits = String(value)
    var out = ""
    for (index, character) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
      out.append(character)
    }
    return out
  }
}
