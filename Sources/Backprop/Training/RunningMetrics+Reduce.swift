extension RunningMetrics {
  /// Combines every rank's sums into the whole set's, on every rank, after each rank added
  /// its own part of the examples (a data-parallel evaluation): counts, log-loss, units right
  /// and squared or absolute errors are summed; R²'s per-output (n, ȳ, SST) are merged as
  /// Chan et al. merge them (SST = Σ SSTᵣ + Σ nᵣ(ȳᵣ − ȳ)²); for ROC AUC, each rank's scores
  /// are placed at its offset (the ranks' parts in rank order) and summed into the whole set's.
  mutating func reduce(over communicator: any Communicator) throws(CommunicationError) {
    let ranks = communicator.size
    let rank = communicator.rank
    // Each rank's number of examples, in its own slot: the offsets of the parts.
    var sizes = [Double](repeating: 0, count: ranks)
    sizes[rank] = Double(examples)
    try Self.sum(&sizes, communicator)
    let offset = Int(sizes[0..<rank].reduce(0, +))
    let total = Int(sizes.reduce(0, +))

    // The additive sums, in one buffer.
    let outputs = targetMean.count
    var additive = counts + occurs.map { $0 ? 1 : 0 } + [logLossSum, Double(unitsRight), squaredSum, absoluteSum]
    additive += residualSquares + targetMean.map { $0 * Double(examples) }
    try Self.sum(&additive, communicator)
    var next = 0
    func take(_ count: Int) -> ArraySlice<Double> {
      defer { next += count }
      return additive[next..<(next + count)]
    }
    counts = Array(take(counts.count))
    occurs = take(occurs.count).map { $0 > 0 }
    let scalars = Array(take(4))
    (logLossSum, unitsRight, squaredSum, absoluteSum) = (scalars[0], Int(scalars[1]), scalars[2], scalars[3])
    residualSquares = Array(take(outputs))
    let globalMean = take(outputs).map { total > 0 ? $0 / Double(total) : 0 }
    if outputs > 0 {
      var squares = (0..<outputs).map { o in
        targetSquares[o] + Double(examples) * (targetMean[o] - globalMean[o]) * (targetMean[o] - globalMean[o])
      }
      try Self.sum(&squares, communicator)
      targetSquares = squares
      targetMean = globalMean
    }

    if keepsScores {
      let rows = scores.rows
      var all = [Double](repeating: 0, count: (rows + 1) * total)
      scores.withUnsafeBufferPointer { s in
        for k in 0..<(rows * examples) { all[offset * rows + k] = Double(s[k]) }
      }
      for j in 0..<examples { all[rows * total + offset + j] = Double(classes[j]) }
      try Self.sum(&all, communicator)
      if scores.columns < total { scores = Matrix(rows: rows, columns: total) }
      scores.withUnsafeMutableBufferPointer { s in
        for k in 0..<(rows * total) { s[k] = Scalar(all[k]) }
      }
      if classes.count < total { classes = [Int](repeating: 0, count: total) }
      for j in 0..<total { classes[j] = Int(all[rows * total + j]) }
    }
    examples = total
  }

  private static func sum(_ values: inout [Double], _ communicator: any Communicator) throws(CommunicationError) {
    try values.withUnsafeMutableBufferPointer { (pointer) throws(CommunicationError) in
      try communicator.allReduceSum(pointer)
    }
  }
}
