import Foundation
import Testing

@testable import ClusterPoolServer

/// The log writer's own thread: lines reach the file without a flush, whole and in each
/// thread's order, and a writer that went idle is woken again by its next line.
struct LogWriterTests {
  /// A writer to a new temporary file and a way to read the file, for `body`.
  func withWriter(_ body: (LogWriter, () -> String) async throws -> Void) async rethrows {
    let file = TemporaryLogFile(prefix: "writer")
    defer { file.remove() }
    try await body(LogWriter(descriptor: file.descriptor), file.contents)
  }

  /// Waits (up to 20 s: a loaded machine) until `read` gives `lines` lines.
  func lines(_ read: () -> String, count: Int) async throws -> [Substring] {
    let clock = ContinuousClock()
    let until = clock.now + .seconds(20)
    while clock.now < until {
      let lines = read().split(separator: "\n")
      if lines.count >= count { return lines }
      try await Task.sleep(for: .milliseconds(5))
    }
    return read().split(separator: "\n")
  }

  @Test func linesFromManyThreadsArriveWholeAndInEachThreadsOrderWithoutAFlush() async throws {
    try await withWriter { writer, read in
      let threads = 4, each = 2_000
      DispatchQueue.concurrentPerform(iterations: threads) { thread in
        for index in 0..<each { writer.write("thread=\(thread) line=\(index) \(String(repeating: "x", count: 40))\n") }
      }
      let lines = try await lines(read, count: threads * each)
      #expect(lines.count == threads * each)
      var next = [Int](repeating: 0, count: threads)
      for line in lines {
        let fields = line.split(separator: " ")
        guard fields.count == 3, let thread = Int(fields[0].dropFirst(7)), let index = Int(fields[1].dropFirst(5)),
          fields[2].count == 40
        else {
          Issue.record("not a whole line: \(line)")
          return
        }
        #expect(index == next[thread], "thread \(thread)'s lines out of order")
        next[thread] = index + 1
      }
    }
  }

  @Test func aWriterIdleForAWhileWritesTheNextLineToo() async throws {
    try await withWriter { writer, read in
      writer.write("first\n")
      #expect(try await lines(read, count: 1) == ["first"])
      // several batch delays with nothing to write: the writer's thread goes back to waiting
      try await Task.sleep(for: .milliseconds(50))
      writer.write("second\n")
      #expect(try await lines(read, count: 2) == ["first", "second"])
    }
  }
}
