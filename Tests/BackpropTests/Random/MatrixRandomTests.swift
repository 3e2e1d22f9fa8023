import Backprop
import Testing

extension RandomTests {
  /// `Matrix.randomNormal` / `randomUniform`: C-order filling, conversion, shapes.
  @Suite struct MatrixFilling {
    @Test func normalFillsInRowMajorOrder() {
      var a = NumPyLegacyGenerator(seed: 1)
      var b = a
      let m = Matrix<Double>.randomNormal(rows: 3, columns: 4, using: &a)
      let draws = (0..<12).map { _ in b.nextGaussian() }
      #expect(m.shape == Shape(3, 4))
      #expect(m.rowMajorScalars == draws)
      #expect(m[1, 0] == draws[4])  // (i, j) gets draw i·columns + j
      #expect(a == b)
    }

    @Test func uniformFillsInRowMajorOrder() {
      var a = DefaultGenerator(seed: 8)
      var b = a
      let m = Matrix<Double>.randomUniform(rows: 2, columns: 5, using: &a)
      #expect(m.rowMajorScalars == (0..<10).map { _ in b.nextUniform() })
      #expect(m.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func uniformRangeIsLowerPlusWidthTimesU() {
      var a = NumPyLegacyGenerator(seed: 4)
      var b = a
      let m = Matrix<Double>.randomUniform(Shape(4, 3), in: -2..<3, using: &a)
      #expect(m.shape == Shape(4, 3))
      #expect(m.rowMajorScalars == (0..<12).map { _ in -2 + 5 * b.nextUniform() })
      #expect(m.scalars.allSatisfy { $0 >= -2 && $0 < 3 })
    }

    @Test func floatElementsAreRoundedDoubleDraws() {
      var a = DefaultGenerator(seed: 5)
      var b = a
      let m = Matrix<Float>.randomNormal(Shape(5, 2), using: &a)
      #expect(m.rowMajorScalars == (0..<10).map { _ in Float(b.nextGaussian()) })
    }

    @Test func emptyShapesDrawNothing() {
      var rng = NumPyLegacyGenerator(seed: 9)
      #expect(Matrix<Double>.randomNormal(rows: 0, columns: 5, using: &rng).count == 0)
      #expect(Matrix<Float>.randomUniform(rows: 3, columns: 0, using: &rng).count == 0)
      #expect(rng == NumPyLegacyGenerator(seed: 9))
    }

    @Test func worksThroughAnExistential() throws {
      var rng: any RandomGenerator = try GeneratorKind.default.makeGenerator(seed: 77)
      var reference = DefaultGenerator(seed: 77)
      let m = Matrix<Double>.randomNormal(rows: 2, columns: 2, using: &rng)
      #expect(m.rowMajorScalars == (0..<4).map { _ in reference.nextGaussian() })
      #expect(rng.nextUniform() == reference.nextUniform())
      #expect(rng.permutation(20) == reference.permutation(20))
    }
  }

  @Suite struct Kinds {
    @Test func namesAndCases() {
      #expect(GeneratorKind.allCases == [.default, .numpy])
      #expect(GeneratorKind(rawValue: "numpy") == .numpy)
      #expect(GeneratorKind(rawValue: "default") == .default)
      #expect(GeneratorKind.numpy.maximumSeed == 4_294_967_295)
      #expect(GeneratorKind.default.maximumSeed == UInt64.max)
    }

    @Test func numpyKindIsTheLegacyGenerator() throws {
      var made = try GeneratorKind.numpy.makeGenerator(seed: 4_294_967_295)
      #expect(made is NumPyLegacyGenerator)
      var direct = NumPyLegacyGenerator(seed: UInt32.max)
      #expect((0..<5).map { _ in made.nextGaussian() } == (0..<5).map { _ in direct.nextGaussian() })
    }

    @Test func defaultKindTakesAnyUInt64() throws {
      var made = try GeneratorKind.default.makeGenerator(seed: UInt64.max)
      var direct = DefaultGenerator(seed: UInt64.max)
      #expect(made is DefaultGenerator)
      #expect(made.next() == direct.next())
    }

    @Test(arguments: [UInt64(4_294_967_296), UInt64(1) << 40, UInt64.max])
    func numpySeedOutOfRangeThrows(seed: UInt64) {
      do {
        _ = try GeneratorKind.numpy.makeGenerator(seed: seed)
        Issue.record("seed \(seed) was accepted")
      } catch {
        #expect(error.parameter == "seed")
        #expect(error.problem.contains("\(seed)"))
      }
    }
  }
}
