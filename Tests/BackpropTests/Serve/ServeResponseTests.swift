import Backprop
import BackpropServe
import Testing

/// The answers' JSON: what `backprop predict` writes for the same outputs A[L], per output kind.
struct ServeResponseTests {
  @Test func classesAndProbabilities() throws {
    // Softmax: the arg-max class by name, every probability.
    let softmax = try Matrix<Float>(rows: 3, columns: 2, columnMajor: [0.25, 0.5, 0.25, 0.75, 0.125, 0.125])
    #expect(
      PredictionResponse.json(softmax, output: .softmax, classNames: ["a", "b\"c", "d"])
        == #"{"predictions":[{"class":"b\"c","probabilities":[0.25,0.5,0.25]},{"class":"a","probabilities":[0.75,0.125,0.125]}]}"#
    )
    // Sigmoid: p(class 1) and the class by 0.5; the index where there are no names.
    let sigmoid = try Matrix<Double>(rows: 1, columns: 2, columnMajor: [0.75, 0.5])
    #expect(
      PredictionResponse.json(sigmoid, output: .sigmoid, classNames: nil)
        == #"{"predictions":[{"class":1,"probabilities":[0.75]},{"class":0,"probabilities":[0.5]}]}"#)
    #expect(
      PredictionResponse.json(sigmoid, output: .sigmoid, classNames: ["no", "yes"])
        == #"{"predictions":[{"class":"yes","probabilities":[0.75]},{"class":"no","probabilities":[0.5]}]}"#)
    // Several sigmoid units (multi-label): one class per unit.
    let labels = try Matrix<Double>(rows: 2, columns: 1, columnMajor: [0.75, 0.25])
    #expect(
      PredictionResponse.json(labels, output: .sigmoid, classNames: nil)
        == #"{"predictions":[{"class":[1,0],"probabilities":[0.75,0.25]}]}"#)
  }

  @Test func regressionValues() throws {
    let one = try Matrix<Double>(rows: 1, columns: 2, columnMajor: [3.25, -.infinity])
    #expect(
      PredictionResponse.json(one, output: .identity, classNames: nil)
        == #"{"predictions":[{"value":3.25},{"value":null}]}"#)
    let two = try Matrix<Float>(rows: 2, columns: 1, columnMajor: [1.5, -2])
    #expect(
      PredictionResponse.json(two, output: .identity, classNames: nil) == #"{"predictions":[{"value":[1.5,-2.0]}]}"#)
  }
}
