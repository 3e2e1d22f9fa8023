import Backprop
import BackpropTestSupport
import Testing

@Suite struct PreprocessingTests {
  let x = Matrix<Double>(rowMajor: [[1, 2, 3, 6], [10, 10, 10, 10], [-4, 0, 4, 8]])

  /// z-score against hand-computed means and population standard deviations.
  @Test func standardize() throws {
    let p = try Preprocessing.fit(.standardize, to: x)
    #expect(p.offsets == [3, 10, 2])
    expectClose(p.scales[0], (14.0 / 4).squareRoot(), "sd of feature 0")
    #expect(p.scales[1] == 1)  // a constant feature keeps scale 1: maps to 0, not NaN
    let z = try p.apply(x)
    for i in 0..<3 {
      let row = (0..<4).map { z[i, $0] }
      expectClose(row.reduce(0, +) / 4, 0, rtol: 0, atol: 1e-15, "mean of feature \(i)")
    }
    #expect((0..<4).allSatisfy { z[1, $0] == 0 })
  }

  /// A float32 set is fitted in float32 (as `Preprocessing.fit` on its own storage) and prepared
  /// in any precision: the same X as applying the preprocessing, then converting.
  @Test func datasetFitsAndPreparesInItsOwnPrecision() throws {
    let single = x.converted(to: Float.self)
    let set = try Dataset(storage: .float32(single), y: Matrix(rowMajor: [[0, 1, 0, 1]]))
    let fitted = try set.fitPreprocessing(.standardize, divisor: 2)
    #expect(fitted == (try Preprocessing.fit(.standardize, to: single, divisor: 2)))
    let (x32, y32) = try set.prepared(by: fitted, as: Float.self)
    #expect(x32 == (try fitted.apply(single)) && y32.scalars == [0, 1, 0, 1])
    let (x64, _) = try set.prepared(by: fitted, as: Double.self)
    #expect(x64 == (try fitted.apply(single)).converted(to: Double.self))
    #expect(throws: ConfigurationError.self) { try set.fitPreprocessing(.minMax, divisor: 0) }
  }

  @Test func minMaxAndDivisor() throws {
    let p = try Preprocessing.fit(.minMax, to: x, divisor: 2)
    let scaled = try p.apply(x)
    #expect((0..<4).map { scaled[0, $0] } == [0, 0.2, 0.4, 1])
    #expect((0..<4).map { scaled[2, $0] } == [0, 1.0 / 3, 2.0 / 3, 1])
    // Applied to new data with the training numbers, not refitted.
    let other = try p.apply(Matrix<Double>(rowMajor: [[12], [10], [20]]))
    #expect(other[0, 0] == 2.2)
    let divideOnly = try Preprocessing.fit(.none, to: x, divisor: 255)
    #expect(try divideOnly.apply(Matrix<Double>(rowMajor: [[255]]))[0, 0] == 1)
  }

  @Test func refusesMismatchAndBadNumbers() throws {
    let p = try Preprocessing.fit(.standardize, to: x)
    #expect(throws: ShapeError.self) { try p.apply(Matrix<Double>(rows: 2, columns: 1)) }
    #expect(throws: ConfigurationError.self) { try Preprocessing.fit(.minMax, to: x, divisor: 0) }
    #expect(throws: ConfigurationError.self) {
      try Preprocessing(method: .standardize, offsets: [0], scales: [0])
    }
    #expect(throws: DataError.self) { try Preprocessing.fit(.standardize, to: Matrix<Double>(rows: 3, columns: 0)) }
  }

  /// A constant feature keeps scale 1 under `standardize` even when dividing by the divisor leaves
  /// its mean a rounding away from its value (7/3 summed 1,000 times): its sd is then ~1e-16, and
  /// dividing by it would blow the rounding up into values near ±1 instead of 0.
  @Test func aConstantFeatureKeepsScaleOneWhateverTheRounding() throws {
    var x = Matrix<Double>(rows: 2, columns: 1_000)
    for j in 0..<1_000 {
      x[0, j] = 7
      x[1, j] = Double(j)
    }
    let fitted = try Preprocessing.fit(.standardize, to: x, divisor: 3)
    #expect(fitted.scales[0] == 1)
    let prepared = try fitted.apply(x)
    #expect((0..<1_000).allSatisfy { abs(prepared[0, $0]) < 1e-12 })
  }
}

@Suite struct DatasetTests {
  func classes(_ n: Int) throws -> Dataset {
    var x = Matrix<Double>(rows: 1, columns: n)
    var y = Matrix<Double>(rows: 1, columns: n)
    for j in 0..<n {
      x[0, j] = Double(j)
      y[0, j] = j < n * 3 / 4 ? 0 : 1  // 75% / 25%, sorted by class
    }
    return try Dataset(x: x, y: y)
  }

  /// A seeded split is a partition, reproducible, and stratified keeps the class proportions.
  @Test func splitIsAReproducibleStratifiedPartition() throws {
    let set = try classes(100)
    let (rest, held) = try set.split(fraction: 0.2, seed: 7, stratify: true)
    #expect(rest.count == 80 && held.count == 20)
    let all = (rest.x.scalars + held.x.scalars).sorted()
    #expect(all == (0..<100).map(Double.init))
    #expect(held.y.scalars.filter { $0 == 1 }.count == 5)
    let again = try set.split(fraction: 0.2, seed: 7, stratify: true)
    #expect(again.heldOut.x == held.x)
    let other = try set.split(fraction: 0.2, seed: 8, stratify: true)
    #expect(other.heldOut.x != held.x)
    // Unstratified still shuffles: a class-sorted file does not give a one-class hold-out.
    let plain = try set.split(fraction: 0.2, seed: 7)
    #expect(Set(plain.heldOut.y.scalars).count == 2)
  }

  @Test func impossibleSplitsAreRefused() throws {
    let set = try classes(4)
    #expect(throws: ConfigurationError.self) { try set.split(fraction: 1.5, seed: 1) }
    #expect(throws: ConfigurationError.self) { try set.split(fraction: 0.01, seed: 1) }
    #expect(throws: DataError.self) { try Dataset(x: Matrix(rows: 2, columns: 3), y: Matrix(rows: 1, columns: 4)) }
  }

  /// The training run's rule: the test part first (seed + 1), then validation from the rest
  /// (seed + 2, by class for a classifier), the same as the two splits made by hand.
  @Test func heldOutPartsFollowTheTrainingRule() throws {
    let set = try classes(100)
    let sets = try set.heldOut(validation: 0.25, test: 0.2, seed: 5, output: .sigmoid)
    let test = try set.split(fraction: 0.2, seed: 6)
    let validation = try test.rest.split(fraction: 0.25, seed: 7, stratify: true)
    #expect(sets.test?.x == test.heldOut.x)
    #expect(sets.validation?.x == validation.heldOut.x && sets.training.x == validation.rest.x)
    #expect(sets.training.count + sets.validation!.count + sets.test!.count == 100)
    let none = try set.heldOut(validation: nil, test: nil, seed: 5, output: .identity)
    #expect(none.training.x == set.x && none.validation == nil && none.test == nil)
    do {
      _ = try set.heldOut(validation: 1.5, test: nil, seed: 5, output: .sigmoid)
      Issue.record("no error")
    } catch {
      #expect(error.parameter == "validation")
    }
  }

  @Test func examplesArePythonSlices() throws {
    let set = try classes(10)
    #expect(try set.examples(start: 2, end: 5).x.scalars == [2, 3, 4])
    #expect(try set.examples(start: -3, end: nil).x.scalars == [7, 8, 9])
    #expect(try set.examples(start: nil, end: -8).x.scalars == [0, 1])
    #expect(throws: ConfigurationError.self) { try set.examples(start: 5, end: 5) }
  }
}
