import Backprop
import BackpropReport
import Testing

/// Nice ticks and their labels, against values worked out by hand from Heckbert's rule.
@Suite struct AxisScaleTests {
  @Test func linearTicksAreNiceNumbers() {
    // span 0.56 / 6 = 0.093 → 9.3 × 10⁻² ≥ √50 × 10⁻² → step 0.1; domain widened to whole steps.
    let y = AxisScale(covering: [0.13, 0.69, 0.4])
    #expect(abs(y.domain.lowerBound - 0.1) < 1e-15 && abs(y.domain.upperBound - 0.7) < 1e-15)
    #expect(y.step == 0.1)
    #expect(y.ticks.map(y.label) == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
    #expect(abs(y.position(0.4, from: 300, to: 100) - 200) < 1e-9)
  }

  @Test func epochsGetWholeTicks() {
    let x = AxisScale(covering: Array(stride(from: 1.0, through: 30, by: 1)), integer: true)
    #expect(x.ticks == [0, 5, 10, 15, 20, 25, 30])
    #expect(x.ticks.map(x.label) == ["0", "5", "10", "15", "20", "25", "30"])
    // A single epoch: the range is widened, the step stays whole.
    let one = AxisScale(covering: [1], integer: true)
    #expect(one.ticks == [0, 1, 2])
    let iterations = AxisScale(covering: [0, 9_999], integer: true)
    #expect(iterations.ticks.map(iterations.label) == ["0", "2,000", "4,000", "6,000", "8,000", "10,000"])
  }

  @Test func constantValuesGetARange() {
    let rate = AxisScale(covering: [0.001, 0.001])
    #expect(rate.domain.contains(0.001) && rate.domain.lowerBound < 0.001 && rate.domain.upperBound > 0.001)
    #expect(rate.ticks.count >= 3)
    #expect(rate.ticks.map(rate.label).contains("0.00100"))
    let zero = AxisScale(covering: [0, 0])
    #expect(zero.domain == -1...1)
    #expect(zero.ticks.map(zero.label).first == "−1.0")
  }

  @Test func logarithmicTicks() {
    // 0.002 … 0.69 spans fewer than three powers of ten: 1, 2 and 5 × 10ᵏ.
    let cost = AxisScale(kind: .logarithmic, covering: [0.002, 0.69])
    #expect(cost.ticks.map(cost.label) == ["0.002", "0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5"])
    // Ten decades: powers only, thinned to at most eight.
    let wide = AxisScale(kind: .logarithmic, covering: [1e-8, 1, -1, .nan])
    #expect(wide.ticks.count <= 8 && wide.ticks.count >= 4)
    #expect(wide.label(1e-8) == "10⁻⁸" && wide.label(2e-6) == "2×10⁻⁶" && wide.label(1) == "10⁰")
    // A learning rate decaying from 10⁻³ to 2 × 10⁻⁵: every label in the same style.
    let rate = AxisScale(kind: .logarithmic, covering: [1e-3, 1.7e-5])
    #expect(rate.ticks.map(rate.label) == ["2×10⁻⁵", "5×10⁻⁵", "10⁻⁴", "2×10⁻⁴", "5×10⁻⁴", "10⁻³"])
    #expect(abs(wide.fraction(1e-4) - (4.0 + 8 * 0.04) / (8 * 1.08)) < 1e-12)
  }

  @Test func tinyStepsUseScientificLabels() {
    let y = AxisScale(covering: [0, 5e-6])
    #expect(y.ticks.map(y.label) == ["0", "10⁻⁶", "2×10⁻⁶", "3×10⁻⁶", "4×10⁻⁶", "5×10⁻⁶"])
  }

  @Test func fixedDomainKeepsItsEnds() {
    let x = AxisScale(covering: [-4.3, 4.7], nice: false)
    #expect(x.domain == -4.3...4.7)
    #expect(x.ticks == [-4, -2, 0, 2, 4])
    #expect(x.label(-4) == "−4")
  }
}
