import ArgumentParser
import Backprop
import Foundation

/// The train options given with `--resume`, checked against the run's recorded ones.
///
/// Options that change what is trained must be the run's own (a value equal as
/// text, as a number, or as the same file seen from each working folder);
/// --epochs or --iterations may be raised to train further (a finished run
/// continues from its last epoch), and --print-every and --quiet only change
/// what is shown.
enum ResumeOptions {
  /// Options a resumed run may change.
  static let changeable: Set<String> = ["--epochs", "--iterations", "--print-every", "--quiet"]
  /// Options that `train --resume` handles itself.
  static let handled: Set<String> = ["--resume", "--threads", "--blas"]

  /// An option as written: its name and value (nil for a flag).
  struct Token: Equatable {
    var name: String
    var value: String?
  }

  /// Splits arguments into options (`--name value`, `--name=value`, `--flag`).
  static func tokens(_ arguments: [String]) -> [Token] {
    var tokens = [Token]()
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      guard argument.hasPrefix("--") else {
        tokens.append(Token(name: argument, value: nil))
        continue
      }
      if let equals = argument.firstIndex(of: "=") {
        tokens.append(
          Token(name: String(argument[..<equals]), value: String(argument[argument.index(after: equals)...])))
      } else if index < arguments.count, !arguments[index].hasPrefix("--") {
        tokens.append(Token(name: argument, value: arguments[index]))
        index += 1
      } else {
        tokens.append(Token(name: argument, value: nil))
      }
    }
    return tokens
  }

  /// The arguments to add to the recorded ones: the changeable options given.
  /// - Throws: ``ConfigurationError`` listing every given option whose value differs from the run's,
  ///   or an --epochs/--iterations below what the run has done.
  static func overrides(
    given: [String], recorded: [String], recordedFolder: String, here: String, checkpoint: String, epochsDone: Int
  ) throws -> [String] {
    guard !given.isEmpty else { return [] }
    // Unknown options and bad values get the usual parser's message.
    _ = try Train.parse(recorded + given)
    let run = tokens(recorded)
    func recordedValue(_ name: String) -> Token? { run.last { $0.name == name } }
    var differences = [String]()
    var overrides = [String]()
    for token in tokens(given) where !handled.contains(token.name) {
      if changeable.contains(token.name) {
        if token.name == "--epochs" || token.name == "--iterations" {
          let unit = recordedValue("--epochs") != nil ? "--epochs" : "--iterations"
          guard token.name == unit else {
            differences.append("\(token.name) (the run used \(unit))")
            continue
          }
          if let value = token.value.flatMap(Int.init), value < epochsDone {
            throw ConfigurationError(
              parameter: token.name,
              "\(value): the run in \(checkpoint) has already trained \(epochsDone) "
                + (unit == "--epochs" ? "epochs" : "iterations"))
          }
        }
        overrides += [token.name] + (token.value.map { [$0] } ?? [])
        continue
      }
      guard let original = recordedValue(token.name) else {
        differences.append("\(describe(token)) (the run had none)")
        continue
      }
      if !same(token.value, original.value, recordedFolder: recordedFolder, here: here) {
        differences.append("\(describe(token)) (the run's: \(describe(original)))")
      }
    }
    if !differences.isEmpty {
      throw ConfigurationError(
        parameter: "--resume",
        "\(checkpoint): these options differ from the run's: " + differences.joined(separator: "; ")
          + ". Leave them out to resume the run as it was started (only --epochs or --iterations, --print-every "
          + "and --quiet may change), or start a new run in another --checkpoint-dir")
    }
    return overrides
  }

  /// The recorded arguments with the overrides in place of the options they change.
  static func merged(_ recorded: [String], _ overrides: [String]) -> [String] {
    let changed = Set(tokens(overrides).map(\.name))
    var kept = [String]()
    for token in tokens(recorded) where !changed.contains(token.name) {
      kept.append(token.value.map { token.name.hasPrefix("--") ? "\(token.name)=\($0)" : $0 } ?? token.name)
    }
    return kept + overrides
  }

  private static func describe(_ token: Token) -> String {
    token.value.map { "\(token.name) \($0)" } ?? token.name
  }

  private static func same(_ given: String?, _ recorded: String?, recordedFolder: String, here: String) -> Bool {
    guard let given, let recorded else { return given == recorded }
    if given == recorded { return true }
    if let a = Double(given), let b = Double(recorded) { return a == b }
    return Train.absolute(given, in: here) == Train.absolute(recorded, in: recordedFolder)
  }
}
