import Backprop

/// The body of a `POST /predict` answer, in the TensorFlow Serving / KServe v1
/// convention, with what `backprop predict` writes for the same rows:
///
/// ```text
/// {"predictions": [{"class": "versicolor", "probabilities": [0.01, 0.97, 0.02]}]}   softmax
/// {"predictions": [{"class": 1, "probabilities": [0.93]}]}                          sigmoid: p(class 1)
/// {"predictions": [{"value": 3.25}]}                                               identity (an array
///                                                                                   for several outputs)
/// ```
///
/// The class is the model's class name where it has them, else the index; a
/// sigmoid output with several units (multi-label) gives one class per unit.
/// A value that is not finite is written as `null` (JSON has no NaN).
public enum PredictionResponse {
  /// The JSON text for A[L] of a request's instances.
  /// - Parameters:
  ///   - a: A[L], (n[L], m), as ``MicroBatcher/predict(_:)`` returns it.
  ///   - output: The model's output (how to read A[L]).
  ///   - classNames: The model's class names, if any.
  public static func json<Scalar: MatrixScalar>(_ a: Matrix<Scalar>, output: Output, classNames: [String]?) -> String {
    let predicted = output.predictions(from: a)
    var text = #"{"predictions":["#
    text.reserveCapacity(16 + a.columns * (24 + 12 * a.rows))
    for j in 0..<a.columns {
      if j > 0 { text += "," }
      switch output {
      case .identity:
        text += #"{"value":"#
        if a.rows == 1 {
          number(a[0, j], into: &text)
        } else {
          numbers((0..<a.rows).map { a[$0, j] }, into: &text)
        }
        text += "}"
      case .sigmoid, .softmax:
        text += #"{"class":"#
        if predicted.rows == 1 {
          label(Int(predicted[0, j]), classNames, into: &text)
        } else {
          text += "["
          for row in 0..<predicted.rows {
            if row > 0 { text += "," }
            label(Int(predicted[row, j]), classNames, into: &text)
          }
          text += "]"
        }
        text += #","probabilities":"#
        numbers((0..<a.rows).map { a[$0, j] }, into: &text)
        text += "}"
      }
    }
    text += "]}"
    return text
  }

  /// `"name"` or the index.
  private static func label(_ index: Int, _ classNames: [String]?, into text: inout String) {
    if let classNames, index >= 0, index < classNames.count {
      text += JSONText.quoted(classNames[index])
    } else {
      text += String(index)
    }
  }

  private static func numbers<Scalar: MatrixScalar>(_ values: [Scalar], into text: inout String) {
    text += "["
    for (i, value) in values.enumerated() {
      if i > 0 { text += "," }
      number(value, into: &text)
    }
    text += "]"
  }

  /// The shortest text that reads back as the same scalar; `null` when not finite.
  private static func number<Scalar: MatrixScalar>(_ value: Scalar, into text: inout String) {
    text += value.isFinite ? "\(value)" : "null"
  }
}

extension JSONText {
  /// `{"error": "message"}`.
  static func error(_ message: String) -> String { #"{"error":"# + quoted(message) + "}" }
}
