import Dispatch
import Testing

@testable import Backprop

/// The persistent worker pool: every task runs exactly once, nested and
/// concurrent jobs run on the calling thread instead of waiting, and parked
/// workers wake for the next job.
@Suite(.serialized) struct WorkerPoolTests {
  /// Runs a job of `tasks` tasks and returns how many times each ran.
  private func counts(tasks: Int, threads: Int) -> [Int] {
    var runs = [Int](repeating: 0, count: tasks)
    runs.withUnsafeMutableBufferPointer { buffer in
      let counts = UncheckedSendable(buffer)
      Kernels.WorkerPool.run(tasks: tasks, threads: threads) { i in counts.value[i] += 1 }
    }
    return runs
  }

  @Test(arguments: [1, 2, 3, 8])
  func everyTaskRunsOnce(threads: Int) {
    for tasks in [0, 1, 2, 3, 7, 64, 1000] {
      #expect(counts(tasks: tasks, threads: threads) == [Int](repeating: 1, count: tasks), "\(tasks) tasks")
    }
    #expect(Kernels.WorkerPool.workerCount >= min(threads, 8) - 1)
  }

  @Test func tasksRunOnSeveralThreadsAtOnce() {
    // Each of two tasks marks itself started, then waits (up to 0.2 s) to see
    // the other started and not yet finished: only two threads running them
    // at once can. A job finds the pool busy (another suite's) now and then
    // and runs inline, so it is tried up to 20 times.
    let lock = DispatchSemaphore(value: 1)
    var concurrent = false
    for _ in 0..<20 where !concurrent {
      // [started 0, started 1, finished 0, finished 1, seen together]
      let marks = UncheckedSendable(UnsafeMutablePointer<Int>.allocate(capacity: 5))
      defer { marks.value.deallocate() }
      marks.value.initialize(repeating: 0, count: 5)
      Kernels.WorkerPool.run(tasks: 2, threads: 2) { i in
        let other = 1 - i
        lock.wait()
        marks.value[i] = 1
        lock.signal()
        let deadline = DispatchTime.now().uptimeNanoseconds + 200_000_000
        var together = false
        while !together && DispatchTime.now().uptimeNanoseconds < deadline {
          lock.wait()
          together = marks.value[other] == 1 && marks.value[2 + other] == 0
          if together { marks.value[4] = 1 }
          lock.signal()
        }
        lock.wait()
        marks.value[2 + i] = 1
        lock.signal()
      }
      concurrent = marks.value[4] == 1
    }
    #expect(concurrent)
  }

  @Test func aJobInsideATaskRunsOnTheCallingThread() {
    var inner = [Int](repeating: 0, count: 4 * 16)
    inner.withUnsafeMutableBufferPointer { buffer in
      let cells = UncheckedSendable(buffer)
      Kernels.WorkerPool.run(tasks: 4, threads: 2) { outer in
        Kernels.WorkerPool.run(tasks: 16, threads: 2) { i in cells.value[outer * 16 + i] += 1 }
      }
    }
    #expect(inner == [Int](repeating: 1, count: 64))
  }

  @Test func concurrentCallersEachGetTheirWholeJob() {
    let callers = 6
    var results = [[Int]](repeating: [], count: callers)
    results.withUnsafeMutableBufferPointer { buffer in
      let cells = UncheckedSendable(buffer)
      DispatchQueue.concurrentPerform(iterations: callers) { c in
        var total = [Int](repeating: 0, count: 200)
        for _ in 0..<50 {
          total.withUnsafeMutableBufferPointer { t in
            let counts = UncheckedSendable(t)
            Kernels.WorkerPool.run(tasks: 200, threads: 2) { i in counts.value[i] += 1 }
          }
        }
        cells.value[c] = total
      }
    }
    for result in results { #expect(result == [Int](repeating: 50, count: 200)) }
  }

  @Test func parkedWorkersWakeForTheNextJob() {
    let saved = Kernels.WorkerPool.spinMicroseconds
    Kernels.WorkerPool.spinMicroseconds = 0  // park at once
    defer { Kernels.WorkerPool.spinMicroseconds = saved }
    for round in 0..<20 {
      if round % 5 == 0 { usleepMilliseconds(2) }  // let them park
      #expect(counts(tasks: 33, threads: 2) == [Int](repeating: 1, count: 33), "round \(round)")
    }
  }

  private func usleepMilliseconds(_ milliseconds: Int) {
    let end = DispatchTime.now().uptimeNanoseconds + UInt64(milliseconds) * 1_000_000
    let gate = DispatchSemaphore(value: 0)
    _ = gate.wait(timeout: DispatchTime(uptimeNanoseconds: end))
  }
}
