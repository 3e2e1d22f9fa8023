import Backprop
import BackpropTestSupport
import Testing

extension RandomTests {
  /// ``NumPyLegacyGenerator`` against NumPy 2.4's `RandomState`, value for value and bit for bit.
  @Suite struct NumPyLegacy {
    @Test(arguments: numpyFixtureSeeds)
    func integerSeedingMatchesGetState(seed: UInt32) throws {
      let expected = try NumPyFixture.load().record(seed: seed)
      let twister = MersenneTwister(seed: seed)
      #expect(twister.key.count == 624)
      #expect(Array(twister.key.prefix(8)) == expected.keyHead)
      #expect(Array(twister.key.suffix(4)) == expected.keyTail)
      #expect(SHA256.hexDigest(littleEndian: twister.key) == expected.keySHA256)
      #expect(twister.position == expected.position)
    }

    @Test func arraySeedingMatchesInitByArray() throws {
      for expected in try NumPyFixture.load().arraySeeds {
        var rng = try NumPyLegacyGenerator(seedWords: expected.words)
        #expect(Array(rng.twister.key.prefix(8)) == expected.keyHead, "words \(expected.words.prefix(3))")
        #expect(Array(rng.twister.key.suffix(4)) == expected.keyTail)
        #expect(SHA256.hexDigest(littleEndian: rng.twister.key) == expected.keySHA256)
        #expect(rng.twister.position == expected.position)
        #expect((0..<expected.uint32.count).map { _ in rng.nextUInt32() } == expected.uint32)
      }
    }

    @Test func oneWordArraySeedsLikeTheInteger() throws {
      #expect(try NumPyLegacyGenerator(seedWords: [42]) == NumPyLegacyGenerator(seed: 42))
    }

    @Test func emptySeedArrayThrows() {
      #expect(throws: ConfigurationError.self) { try NumPyLegacyGenerator(seedWords: []) }
    }

    @Test(arguments: numpyFixtureSeeds)
    func rawWordsMatchRandint(seed: UInt32) throws {
      let expected = try NumPyFixture.load().record(seed: seed)
      var rng = NumPyLegacyGenerator(seed: seed)
      #expect((0..<expected.uint32.count).map { _ in rng.nextUInt32() } == expected.uint32)
      var rng64 = NumPyLegacyGenerator(seed: seed)
      #expect((0..<expected.uint64.count).map { _ in String(rng64.next()) } == expected.uint64)
    }

    @Test(arguments: numpyFixtureSeeds)
    func uniformMatchesRandomSample(seed: UInt32) throws {
      let expected = try NumPyFixture.load().record(seed: seed)
      var rng = NumPyLegacyGenerator(seed: seed)
      let draws = (0..<1000).map { _ in rng.nextUniform() }
      let head = try NumPyFixture.doubles(expected.uniformHead)
      #expect(draws.prefix(head.count).map(\.bitPattern) == head.map(\.bitPattern))
      #expect(SHA256.hexDigest(littleEndian: draws) == expected.uniformSHA256)
      #expect(draws.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test(arguments: numpyFixtureSeeds)
    func gaussianMatchesRandn(seed: UInt32) throws {
      let expected = try NumPyFixture.load().record(seed: seed)
      var rng = NumPyLegacyGenerator(seed: seed)
      // 1001 draws, an odd count: the last one is the first of a fresh pair.
      let draws = (0..<1001).map { _ in rng.nextGaussian() }
      let head = try NumPyFixture.doubles(expected.gaussianHead)
      #expect(draws.prefix(head.count).map(\.bitPattern) == head.map(\.bitPattern))
      #expect(draws.last?.bitPattern == (try NumPyFixture.doubles([expected.gaussianLast])).first?.bitPattern)
      #expect(SHA256.hexDigest(littleEndian: draws) == expected.gaussianSHA256)
      #expect(rng.cachedGaussian != nil)
    }

    @Test(arguments: numpyFixtureSeeds)
    func permutationsMatchNumPy(seed: UInt32) throws {
      let expected = try NumPyFixture.load().record(seed: seed)
      var rng = NumPyLegacyGenerator(seed: seed)
      for (k, permutation) in expected.permutations1to50.enumerated() {
        #expect(rng.permutation(k + 1) == permutation, "permutation(\(k + 1))")
      }
      for large in expected.largePermutations {
        var fresh = NumPyLegacyGenerator(seed: seed)
        let permutation = fresh.permutation(large.n)
        #expect(Array(permutation.prefix(large.head.count)) == large.head, "permutation(\(large.n))")
        #expect(SHA256.hexDigest(littleEndian: permutation) == large.sha256, "permutation(\(large.n))")
      }
    }

    @Test func shuffleMovesElementsLikePermutation() {
      var a = NumPyLegacyGenerator(seed: 7)
      var b = a
      var letters = Array("abcdefghij")
      a.shuffle(&letters)
      let order = b.permutation(10)
      #expect(letters == order.map { Array("abcdefghij")[$0] })
      #expect(a == b)
    }

    @Test func permutationOfZeroOrOneDrawsNothing() {
      var rng = NumPyLegacyGenerator(seed: 5)
      #expect(rng.permutation(0) == [])
      #expect(rng.permutation(1) == [0])
      #expect(rng.permutation(-3) == [])
      #expect(rng == NumPyLegacyGenerator(seed: 5))
    }

    @Test(arguments: numpyFixtureSeeds)
    func randintMatchesNumPy(seed: UInt32) throws {
      let expected = try NumPyFixture.load().record(seed: seed)
      var rng = NumPyLegacyGenerator(seed: seed)
      for call in expected.randint {
        #expect(rng.randint(call.low..<call.high) == call.value, "randint(\(call.low), \(call.high))")
      }
    }

    @Test(arguments: numpyFixtureSeeds)
    func cachedGaussianSurvivesOtherDraws(seed: UInt32) throws {
      let expected = try NumPyFixture.load().record(seed: seed)
      var rng = NumPyLegacyGenerator(seed: seed)
      for call in expected.interleaved {
        switch call.op {
        case "randn":
          let value = try NumPyFixture.doubles([call.value ?? ""])
          #expect([rng.nextGaussian().bitPattern] == value.map(\.bitPattern), "randn")
        case "rand":
          let value = try NumPyFixture.doubles([call.value ?? ""])
          #expect([rng.nextUniform().bitPattern] == value.map(\.bitPattern), "rand")
        case "permutation5":
          #expect(rng.permutation(5) == call.permutation)
        default:
          Issue.record("unknown op \(call.op)")
        }
      }
    }

    @Test func twistHappensEvery624Words() {
      var rng = NumPyLegacyGenerator(seed: 1)
      for _ in 0..<624 { _ = rng.nextUInt32() }
      #expect(rng.twister.position == 624)
      _ = rng.nextUInt32()
      #expect(rng.twister.position == 1)
    }
  }
}
