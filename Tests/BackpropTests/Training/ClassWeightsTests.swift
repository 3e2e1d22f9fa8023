import Backprop
import Testing

/// Class weights name classes that exist: a weight for a class the output does not have is an error,
/// not a weight silently left unused.
@Suite struct ClassWeightsTests {
  @Test func aWeightForAClassThatDoesNotExistIsRefused() throws {
    #expect(
      throws: ConfigurationError(parameter: "classWeights", "class 5 does not exist: there are 3 classes, 0, 1, 2")
    ) {
      try ClassWeights(parsing: "0=1,5=2").check(classCount: 3)
    }
    #expect(throws: ConfigurationError(parameter: "classWeights", "class 2 does not exist: there are 2 classes, 0, 1"))
    {
      try ClassWeights(parsing: "2=1").check(classCount: 2)
    }
    #expect(
      throws: ConfigurationError(parameter: "classWeights", "class 40 does not exist: there are 12 classes, 0 to 11")
    ) {
      try ClassWeights(parsing: "40=1").check(classCount: 12)
    }
    try ClassWeights(parsing: "0=1,2=3").check(classCount: 3)
    try ClassWeights.balanced.check(classCount: 3)
  }

  /// Training checks the weights against the output's classes (softmax: its units; sigmoid: 0 and 1).
  @Test func fitRefusesAWeightForAMissingClass() throws {
    let (start, x, y) = try FitTests.problem()  // softmax over 3 classes
    var network = start
    var options = try FitOptions(epochs: 1)
    options.classWeights = try ClassWeights(parsing: "3=2")
    #expect(
      throws: ConfigurationError(parameter: "classWeights", "class 3 does not exist: there are 3 classes, 0, 1, 2")
    ) {
      _ = try network.fit(x: x, y: y, optimizer: try GradientDescent<Double>(learningRate: 0.1), options: options)
    }
  }

  /// A negative weight is named as such (it was "'0=-1' is not 'class=weight'").
  @Test func aNegativeWeightIsNamed() {
    #expect(
      throws: ConfigurationError(
        parameter: "classWeights", "class 0's weight -1 in '0=-1' must be a finite number, 0 or more")
    ) { try ClassWeights(parsing: "0=-1") }
  }
}
