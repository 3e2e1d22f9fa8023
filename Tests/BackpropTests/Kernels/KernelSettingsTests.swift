import Backprop
import Testing

/// `BACKPROP_THREADS`: a positive whole number, or unset; anything else is an error naming the variable.
@Suite struct KernelSettingsTests {
  @Test func threadVariable() throws {
    #expect(try Kernels.threadCount(environmentValue: nil) == nil)
    #expect(try Kernels.threadCount(environmentValue: "") == nil)
    #expect(try Kernels.threadCount(environmentValue: "3") == 3)
    #expect(try Kernels.threadCount(environmentValue: " 4 ") == 4)
    for bad in ["abc", "0", "-3", "2.5", "1e3"] {
      #expect(
        throws: ConfigurationError(
          parameter: "BACKPROP_THREADS",
          "'\(bad)' is not a number of threads; set it to a whole number, 1 or more, or unset it")
      ) { try Kernels.threadCount(environmentValue: bad) }
    }
  }
}
