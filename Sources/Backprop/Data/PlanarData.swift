import RealModule

/// The small two-dimensional data sets the notes train on, generated from a seed.
public enum PlanarData {
  /// The course's planar "flower" (week 3, `load_planar_dataset`): two classes
  /// of `examples / 2` points each on the petals of r = 4·sin(4θ), with noise.
  ///
  ///     θ = linspace(j·3.12, (j+1)·3.12, N) + σ·randn(N)
  ///     r = 4·sin(4θ) + σ·randn(N)
  ///     x = (r·sin θ, r·cos θ),  y = j        for class j = 0, 1
  ///
  /// With ``NumPyLegacyGenerator`` seeded with 1 (the course's
  /// `np.random.seed(1)`), 400 examples and σ = 0.2 this is the notebook's data set.
  /// - Returns: X (2, m) and Y (1, m) of 0/1 labels.
  public static func flower<Scalar: MatrixScalar>(
    examples: Int = 400, using generator: inout some RandomGenerator, as _: Scalar.Type = Scalar.self
  ) -> (x: Matrix<Scalar>, y: Matrix<Scalar>) {
    flower(examples: examples, noise: 0.2, using: &generator, as: Scalar.self)
  }

  /// The planar flower with its own spread σ = `noise` of θ and r (``flower(examples:using:as:)``
  /// is σ = 0.2), m = `examples`.
  /// - Returns: X (2, m) and Y (1, m) of 0/1 labels.
  public static func flower<Scalar: MatrixScalar>(
    examples: Int, noise: Double, using generator: inout some RandomGenerator, as _: Scalar.Type
  ) -> (x: Matrix<Scalar>, y: Matrix<Scalar>) {
    let perClass = examples / 2
    var x = Matrix<Scalar>(rows: 2, columns: perClass * 2)
    var y = Matrix<Scalar>(rows: 1, columns: perClass * 2)
    for j in 0..<2 {
      let base = linspace(Double(j) * 3.12, Double(j + 1) * 3.12, count: perClass)
      let theta = base.map { $0 + generator.nextGaussian() * noise }
      let radius = theta.map { 4 * Double.sin(4 * $0) + generator.nextGaussian() * noise }
      for i in 0..<perClass {
        let column = j * perClass + i
        x[0, column] = Scalar(radius[i] * Double.sin(theta[i]))
        x[1, column] = Scalar(radius[i] * Double.cos(theta[i]))
        y[0, column] = Scalar(j)
      }
    }
    return (x, y)
  }

  /// The classic K-class spiral (CS231n's): class k's points wind out from the
  /// origin along its own arm.
  ///
  ///     r = linspace(0, 1, N),  θ = linspace(4k, 4(k+1), N) + 0.2·randn(N)
  ///     x = (r·sin θ, r·cos θ),  y = k
  ///
  /// - Returns: X (2, K·N) and Y (1, K·N) of class indices.
  public static func spiral<Scalar: MatrixScalar>(
    classes: Int = 3, pointsPerClass: Int = 100, using generator: inout some RandomGenerator,
    as _: Scalar.Type = Scalar.self
  ) -> (x: Matrix<Scalar>, y: Matrix<Scalar>) {
    var x = Matrix<Scalar>(rows: 2, columns: classes * pointsPerClass)
    var y = Matrix<Scalar>(rows: 1, columns: classes * pointsPerClass)
    for k in 0..<classes {
      let radius = linspace(0, 1, count: pointsPerClass)
      let theta = linspace(Double(k) * 4, Double(k + 1) * 4, count: pointsPerClass).map {
        $0 + generator.nextGaussian() * 0.2
      }
      for i in 0..<pointsPerClass {
        let column = k * pointsPerClass + i
        x[0, column] = Scalar(radius[i] * Double.sin(theta[i]))
        x[1, column] = Scalar(radius[i] * Double.cos(theta[i]))
        y[0, column] = Scalar(k)
      }
    }
    return (x, y)
  }

  /// `np.linspace(start, stop, count)`: start + i·step, the last point exactly `stop`.
  static func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
    guard count > 1 else { return count == 1 ? [start] : [] }
    let step = (stop - start) / Double(count - 1)
    var values = (0..<count).map { Double($0) * step + start }
    values[count - 1] = stop
    return values
  }
}
