/// Resources of a List call, fetched a page at a time as iteration proceeds and following
/// the server's page tokens (`Cluster.listAll`, `Queue.listAll`). Errors (`ClientError`,
/// `ConfigurationError`) are thrown from `next()`.
public struct PagedSequence<Element: Sendable>: AsyncSequence, Sendable {
  /// Fetches one page: (page token, page size) → (elements, next token; empty at the end).
  typealias Fetch = @Sendable (_ token: String, _ size: Int) async throws -> ([Element], String)

  let limit: Int?
  let pageSize: Int
  let fetch: Fetch

  init(limit: Int?, pageSize: Int?, fetch: @escaping Fetch) {
    self.limit = limit
    let size = pageSize ?? Swift.min(limit ?? 100, 100)
    self.pageSize = Swift.max(1, Swift.min(size, 1000))
    self.fetch = fetch
  }

  public func makeAsyncIterator() -> Iterator { Iterator(sequence: self) }

  /// Collects every element into an array.
  public func collect() async throws -> [Element] {
    var all: [Element] = []
    for try await element in self { all.append(element) }
    return all
  }

  /// Yields the buffered page, fetching the next one when it runs out.
  public struct Iterator: AsyncIteratorProtocol {
    let sequence: PagedSequence
    private var buffer: [Element] = []
    private var index = 0
    private var token = ""
    private var started = false
    private var yielded = 0

    init(sequence: PagedSequence) { self.sequence = sequence }

    public mutating func next() async throws -> Element? {
      if let limit = sequence.limit, yielded >= limit { return nil }
      while index == buffer.count {
        if started && token.isEmpty { return nil }
        var size = sequence.pageSize
        if let limit = sequence.limit { size = Swift.min(size, Swift.max(1, limit - yielded)) }
        let (page, next) = try await sequence.fetch(token, size)
        if page.isEmpty && !next.isEmpty && next == token {
          throw ClientError(code: .internalError, message: "the server returned an empty page and the same page token")
        }
        started = true
        token = next
        buffer = page
        index = 0
      }
      defer { index += 1 }
      yielded += 1
      return buffer[index]
    }
  }
}
