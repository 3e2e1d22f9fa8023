import Foundation

/// A CSV body (`Content-Type: text/csv`): rows of numbers, one instance per
/// line, after an optional header row that names the model's features (in any
/// order). Fields are separated by commas (or, when the first line has none,
/// semicolons or tabs) and may be quoted; blank lines are skipped.
enum CSVInstances {
  /// The instances in `body`; lines and columns are counted from 1 in errors.
  /// - Throws: ``ServeError`` (400 or 413) naming the line and column.
  static func parse(_ body: [UInt8], schema: InstanceSchema, maximumInstances: Int) throws(ServeError) -> Instances {
    // Lines split on bytes: as Characters, "\r\n" is one grapheme, not a "\n".
    let lines = body.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
      .map { (number: $0 + 1, text: Substring(String(decoding: $1.last == 0x0D ? $1.dropLast() : $1, as: UTF8.self))) }
      .filter { !$0.text.allSatisfy(\.isWhitespace) }
    guard let first = lines.first else {
      throw .badRequest("the CSV body is empty; send one row of \(schema.described) per line")
    }
    let delimiter: Character =
      first.text.contains(",") ? "," : first.text.contains(";") ? ";" : first.text.contains("\t") ? "\t" : ","
    let n = schema.featureCount
    // A header when a field of the first row starts like a name (a letter or '_'), not a number.
    let firstFields = fields(first.text, delimiter)
    var order = Array(0..<n)  // column → feature
    var rows = lines[...]
    if firstFields.contains(where: { ($0.first.map { $0.isLetter || $0 == "_" } ?? false) && Double($0) == nil }) {
      rows = rows.dropFirst()
      guard let names = schema.featureNames else {
        throw .badRequest(
          "line 1 is a header (\(firstFields.prefix(12).joined(separator: ", "))), but the model has no feature names; "
            + "send rows of \(n) numbers")
      }
      var seen = Set<String>()
      for name in firstFields where !seen.insert(name).inserted {
        throw .badRequest("the CSV header names \"\(name)\" twice")
      }
      let missing = names.filter { !seen.contains($0) }
      let unknown = firstFields.filter { !names.contains($0) }
      if !missing.isEmpty || !unknown.isEmpty {
        let parts =
          (missing.isEmpty ? [] : ["lacks " + PredictionRequest.quoted(missing)])
          + (unknown.isEmpty ? [] : ["has unknown " + PredictionRequest.quoted(unknown)])
        throw .badRequest("the CSV header \(parts.joined(separator: " and ")); the model takes \(schema.described)")
      }
      order = firstFields.compactMap { names.firstIndex(of: $0) }
    }
    guard !rows.isEmpty else { throw .badRequest("the CSV body has a header but no rows") }
    guard rows.count <= maximumInstances else {
      throw .tooLarge("\(rows.count) rows in one request; the server takes at most \(maximumInstances) (--max-rows)")
    }
    var values = [Double](repeating: 0, count: rows.count * n)
    for (j, line) in rows.enumerated() {
      let row = fields(line.text, delimiter)
      guard row.count == n else {
        throw .badRequest(
          "line \(line.number) has \(row.count) value\(row.count == 1 ? "" : "s"); the model takes \(schema.described)")
      }
      for (column, field) in row.enumerated() {
        let k = order[column]
        let place = "line \(line.number), column \(column + 1)" + (schema.featureNames.map { " (\($0[k]))" } ?? "")
        guard let x = Double(field) else {
          throw .badRequest("\(place): \"\(field.prefix(40))\" is not a number")
        }
        guard x.isFinite else { throw .badRequest("\(place) is \(PredictionRequest.nonFinite(x))") }
        values[j * n + k] = x
      }
    }
    return Instances(count: rows.count, featureCount: n, values: values)
  }

  /// The line's fields, trimmed, with surrounding double quotes removed (`""` inside is a quote).
  private static func fields(_ line: Substring, _ delimiter: Character) -> [String] {
    var fields = [String]()
    var field = ""
    var quoted = false
    var iterator = line.makeIterator()
    while let c = iterator.next() {
      if quoted {
        if c == "\"" {
          // A doubled quote is a quote; a single one ends the quoted part.
          var lookahead = iterator
          if lookahead.next() == "\"" {
            field.append("\"")
            iterator = lookahead
          } else {
            quoted = false
          }
        } else {
          field.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == delimiter {
        fields.append(field.trimmingCharacters(in: .whitespaces))
        field = ""
      } else {
        field.append(c)
      }
    }
    fields.append(field.trimmingCharacters(in: .whitespaces))
    return fields
  }
}
