extension Kernels {
  /// The portable micro-kernel: Swift SIMD vectors `V` of the baseline ISA,
  /// MR × NR = 2W × 4, B̃ pre-broadcast (see ``Kernels/BlockedGEMM``).
  enum PortableMicroKernel<V: SIMD & SendableMetatype>: GEMMMicroKernel where V.Scalar: MatrixScalar {
    typealias Scalar = V.Scalar
    typealias PackedB = V

    /// Lanes per vector.
    @inline(__always) static var w: Int { V.scalarCount }
    /// Rows of the register tile: two vectors.
    @inline(__always) static var mr: Int { 2 * V.scalarCount }
    @inline(__always) static var nr: Int { 4 }
    @inline(__always) static var kcMax: Int { 256 }
    @inline(__always) static var mcMax: Int { MemoryLayout<Scalar>.size == 4 ? 256 : 128 }
    @inline(__always) static var ncMax: Int { 1024 }

    @inline(__always) static func packB(_ x: Scalar) -> V { V(repeating: x) }
    @inline(__always) static var packedZero: V { V() }

    /// B̃ costs W stores per element to pack and is reused only ⌈m/MR⌉ times;
    /// when m is small (20 hidden units against 12288 inputs) that packing
    /// dominates. Swapped, the big operand is packed as Ã (one store per
    /// element) and the small one is broadcast. The price is a transposed,
    /// scalar write of each finished tile, so k must be long enough to hide it.
    static func shouldSwap(m: Int, n: Int, k: Int) -> Bool {
      m <= 64 && n >= 4 * m && k >= 32
    }

    @inline(__always)
    static func tile(
      kc: Int, a: UnsafePointer<Scalar>, b: UnsafePointer<V>,
      c: UnsafeMutablePointer<Scalar>, ldc: Int, alpha: Scalar, beta: Scalar
    ) {
      store(microKernel(kc: kc, a: UnsafeRawPointer(a), b: b), into: c, ldc: ldc, alpha: alpha, beta: beta)
    }

    /// The register tile: Σ_q Ã[q, 0..<MR] ⊗ B̃[q, 0..<NR], as 2 × 4 vectors
    /// (`cIJ` holds rows I·W ..< (I+1)·W of column J).
    @inline(__always)
    static func microKernel(
      kc: Int, a: UnsafeRawPointer, b: UnsafePointer<V>
    ) -> (V, V, V, V, V, V, V, V) {
      var c00 = V(), c10 = V(), c01 = V(), c11 = V()
      var c02 = V(), c12 = V(), c03 = V(), c13 = V()
      var a = a
      var b = b
      for _ in 0..<kc {
        // Ã is bound to Scalar; its 16-byte aligned pairs are read as vectors.
        let a0 = a.load(as: V.self)
        let a1 = a.load(fromByteOffset: MemoryLayout<V>.stride, as: V.self)
        let b0 = b[0]
        c00 = c00 + a0 * b0
        c10 = c10 + a1 * b0
        let b1 = b[1]
        c01 = c01 + a0 * b1
        c11 = c11 + a1 * b1
        let b2 = b[2]
        c02 = c02 + a0 * b2
        c12 = c12 + a1 * b2
        let b3 = b[3]
        c03 = c03 + a0 * b3
        c13 = c13 + a1 * b3
        a += 2 * MemoryLayout<V>.stride
        b += 4
      }
      return (c00, c10, c01, c11, c02, c12, c03, c13)
    }

    /// C[0..<MR, 0..<NR] ← α·tile + β·C (β = 0: C is not read).
    @inline(__always)
    static func store(
      _ t: (V, V, V, V, V, V, V, V), into c: UnsafeMutablePointer<Scalar>, ldc: Int,
      alpha: Scalar, beta: Scalar
    ) {
      update(c, t.0, alpha: alpha, beta: beta)
      update(c + w, t.1, alpha: alpha, beta: beta)
      update(c + ldc, t.2, alpha: alpha, beta: beta)
      update(c + ldc + w, t.3, alpha: alpha, beta: beta)
      update(c + 2 * ldc, t.4, alpha: alpha, beta: beta)
      update(c + 2 * ldc + w, t.5, alpha: alpha, beta: beta)
      update(c + 3 * ldc, t.6, alpha: alpha, beta: beta)
      update(c + 3 * ldc + w, t.7, alpha: alpha, beta: beta)
    }

    @inline(__always)
    static func update(_ c: UnsafeMutablePointer<Scalar>, _ v: V, alpha: Scalar, beta: Scalar) {
      let raw = UnsafeMutableRawPointer(c)
      let product = v * alpha
      if beta == 0 {
        raw.storeBytes(of: product, as: V.self)
      } else if beta == 1 {
        raw.storeBytes(of: raw.loadUnaligned(as: V.self) + product, as: V.self)
      } else {
        raw.storeBytes(of: raw.loadUnaligned(as: V.self) * beta + product, as: V.self)
      }
    }
  }
}
