import Backprop
import BackpropReport
import Foundation
import Testing

/// The charts' SVG parses as XML and holds what it should: a polyline of the
/// right number of points per series, tick and axis labels, a legend; a cell
/// and a count per confusion-matrix entry; a dot per plotted example.
@Suite struct ChartTests {
  /// "x,y x,y …" → the number of points.
  func pointCount(_ polyline: XMLTree.Element) -> Int {
    (polyline.attributes["points"] ?? "").split(separator: " ").count
  }

  @Test func lineChartHasSeriesAxesAndLegend() throws {
    var chart = LineChart(title: "Cost J per epoch", xLabel: "epoch", yLabel: "cost J")
    chart.series.append(.init(name: "training", points: (1...30).map { (Double($0), 1 / Double($0)) }))
    chart.series.append(.init(name: "validation <&>", points: (1...30).map { (Double($0), 1.2 / Double($0)) }))
    chart.markers = [.init(x: 17, label: "kept: epoch 17")]
    let svg = try XMLTree(chart.svg(id: "cost"))
    #expect(svg.root.name == "svg" && svg.root.attributes["viewBox"] == "0 0 640 360")
    #expect(svg.root.attributes["id"] == "cost" && svg.root.all("title").first?.text == "Cost J per epoch")
    let lines = svg.root.all("polyline")
    #expect(lines.map { $0.attributes["data-series"] } == ["training", "validation <&>"])
    #expect(lines.map(pointCount) == [30, 30])
    // A dot with a tooltip per point (30 ≤ markerLimit).
    #expect(svg.root.all("circle").count == 60)
    #expect(svg.root.all("circle").first?.children.first?.text == "training, epoch 1: 1")
    let texts = svg.root.texts
    for label in ["epoch", "cost J", "training", "validation <&>", "kept: epoch 17", "0", "10", "20", "30"] {
      #expect(texts.contains(label), "missing text \(label)")
    }
  }

  @Test func longSeriesAreThinnedKeepingEndsAndExtremes() throws {
    var costs = (0..<10_000).map { 1 / (1 + Double($0) / 100) }
    costs[5_000] = 3  // a spike
    var chart = LineChart(title: "Cost J per iteration", xLabel: "iteration", yLabel: "cost J")
    chart.series.append(.init(name: "training", points: costs.enumerated().map { (Double($0), $1) }))
    let svg = try XMLTree(chart.svg(id: "cost"))
    let line = try #require(svg.root.all("polyline").first)
    #expect(pointCount(line) <= LineChart.maximumPoints && pointCount(line) > LineChart.maximumPoints / 2)
    #expect(svg.root.all("circle").isEmpty)
    // The spike is the top of the plot: some point sits on the highest y tick's level or above it.
    let ys = (line.attributes["points"] ?? "").split(separator: " ").compactMap { Double($0.split(separator: ",")[1]) }
    #expect(ys.min() ?? 1_000 < 80)
    #expect(svg.root.texts.contains("10,000"))
  }

  @Test func logarithmicAxisDropsNonPositiveValues() throws {
    var chart = LineChart(title: "Cost", xLabel: "epoch", yLabel: "cost J")
    chart.yScale = .logarithmic
    chart.series.append(.init(name: "training", points: [(1, 0.7), (2, 0.07), (3, 0), (4, .nan), (5, 0.0007)]))
    let svg = try XMLTree(chart.svg(id: "c"))
    #expect(svg.root.all("polyline").map(pointCount) == [3])
    #expect(svg.root.texts.contains("0.001") && svg.root.texts.contains("0.1"))
  }

  @Test func emptyChartSaysSo() throws {
    var chart = LineChart(title: "Nothing", xLabel: "epoch", yLabel: "y")
    chart.series.append(.init(name: "training", points: [(1, .nan)]))
    let svg = try XMLTree(chart.svg(id: "e"))
    #expect(svg.root.all("polyline").isEmpty && svg.root.texts.contains("no values to plot"))
  }

  @Test func heatMapHasACellAndCountPerPair() throws {
    let matrix = try ConfusionMatrix(
      trueClasses: [0, 0, 1, 1, 1, 2], predictedClasses: [0, 1, 1, 1, 2, 2], classCount: 3)
    let heatMap = ConfusionMatrixHeatMap(matrix, classNames: ["a", "b <c>", "d"], title: "Confusion matrix — test set")
    let svg = try XMLTree(heatMap.svg(id: "confusion"))
    let cells = svg.root.all("rect").filter { $0.attributes["class"] == "cell" }
    #expect(cells.count == 9)
    let counts = svg.root.all("text").filter { $0.attributes["class"] == "count" }.map(\.text)
    #expect(counts == ["1", "1", "0", "0", "2", "1", "0", "0", "1"])
    #expect(cells[4].children.first?.text == "true b <c>, predicted b <c>: 2 (66.7% of true b <c>)")
    // The full row share is the darkest blue; an empty row's cells are the lightest.
    #expect(cells[8].attributes["fill"] == "#08306b" && cells[2].attributes["fill"] == "#f7fbff")
    for label in ["predicted class", "true class", "a", "b <c>", "d", "100%"] {
      #expect(svg.root.texts.contains(label), "missing \(label)")
    }
    #expect(svg.root.all("linearGradient").first?.attributes["id"] == "confusion-scale")
  }

  @Test func decisionBoundaryHasRegionsAndPoints() throws {
    let (report, _) = try ReportFixture.report(epochs: 4)
    let boundary = try #require(report.decisionBoundary)
    #expect(boundary.rows == 40 && boundary.columns == 40 && boundary.classes.count == 40)
    #expect(boundary.classes.allSatisfy { $0.count == 40 && $0.allSatisfy { "012".contains($0) } })
    #expect(boundary.confidence.allSatisfy { $0.allSatisfy(\.isNumber) })
    #expect(boundary.pointsX.count == 90 && boundary.classNames == ["left", "right", "top <&>"])
    let svg = try XMLTree(DecisionBoundaryPlot(boundary, title: "Decision boundary").svg(id: "boundary"))
    let regions = try #require(svg.root.all("g").first { $0.attributes["class"] == "regions" })
    // Runs of equal cells: at least one a row, fewer than one a cell.
    #expect(regions.children.count >= 40 && regions.children.count < 1_600)
    let points = try #require(svg.root.all("g").first { $0.attributes["class"] == "points" })
    #expect(points.children.count == 90)
    for label in ["u", "v", "left", "right", "top <&>"] { #expect(svg.root.texts.contains(label), "missing \(label)") }
  }

  /// The grid `backprop demo` draws: 64 × 24 cells spanning the points exactly (no padding),
  /// each cell the network's prediction at its centre.
  @Test func decisionBoundaryGridOfAnyShapeAndPadding() throws {
    var generator = DefaultGenerator(seed: 2)
    let network = try Network<Double>(
      layerSizes: [2, 5, 3], hiddenActivation: .tanh, output: .softmax, initializer: .xavier, using: &generator)
    let x = Matrix<Double>(rowMajor: [[-1, 3, 0.5], [2, -2, 0]])
    let y = Matrix<Double>(rowMajor: [[0, 1, 2]])
    let boundary = try DecisionBoundary(
      model: Model(network: network), x: x, labels: y, setName: "t", columns: 64, rows: 24, padding: 0)
    #expect(boundary.columns == 64 && boundary.rows == 24 && boundary.classes.count == 24)
    #expect(boundary.classes.allSatisfy { $0.count == 64 })
    #expect([boundary.xMin, boundary.xMax, boundary.yMin, boundary.yMax] == [-1, 3, -2, 2])
    for (row, column) in [(0, 0), (11, 40), (23, 63)] {
      let centre = Matrix<Double>(rowMajor: [
        [-1 + 4 * (Double(column) + 0.5) / 64], [2 - 4 * (Double(row) + 0.5) / 24],
      ])
      #expect(boundary.predictedClasses(row: row)[column] == Int(try network.predict(centre)[0, 0]))
    }
    let padded = try DecisionBoundary(
      model: Model(network: network), x: x, labels: y, setName: "t", columns: 8, rows: 8)
    #expect(Swift.abs(padded.xMin + 1.4) < 1e-12 && Swift.abs(padded.yMax - 2.4) < 1e-12)  // 10 % each side
    #expect(throws: ConfigurationError.self) {
      try DecisionBoundary(model: Model(network: network), x: x, labels: y, setName: "t", columns: 1)
    }
  }

  @Test func decisionBoundaryNeedsTwoInputsAndClasses() throws {
    var generator = DefaultGenerator(seed: 1)
    let regression = try Network<Double>(
      layerSizes: [2, 3, 1], hiddenActivation: .tanh, output: .identity, initializer: .xavier, using: &generator)
    let three = try Network<Double>(
      layerSizes: [3, 3, 2], hiddenActivation: .tanh, output: .softmax, initializer: .xavier, using: &generator)
    #expect(!DecisionBoundary.canPlot(regression) && !DecisionBoundary.canPlot(three))
    #expect(throws: DataError.self) {
      try DecisionBoundary(
        model: Model(network: regression), x: Matrix(rows: 2, columns: 1), labels: Matrix(rows: 1, columns: 1),
        setName: "t")
    }
  }
}
