/// The inbound messages of a call. Ends when the peer ends its stream; throws `RPCError`
/// when the call fails.
public struct RPCAsyncSequence<Element: Sendable>: AsyncSequence, Sendable {
  public typealias Failure = any Error
  private let makeNext: @Sendable () -> () async throws -> Element?

  /// Wraps a stream.
  public init(_ stream: AsyncThrowingStream<Element, any Error>) {
    self.makeNext = {
      let box = IteratorBox(stream.makeAsyncIterator())
      return { try await box.next() }
    }
  }

  /// A sequence of the given elements, then the end.
  public init(elements: some Sequence<Element>) {
    let (stream, continuation) = AsyncThrowingStream<Element, any Error>.makeStream()
    for element in elements { continuation.yield(element) }
    continuation.finish()
    self.init(stream)
  }

  /// Wraps a stream, calling `onNext` with every element the reader takes (the transport's
  /// hook for inbound backpressure).
  package init(
    _ stream: AsyncThrowingStream<Element, any Error>,
    onNext: @escaping @Sendable (Element) -> Void
  ) {
    self.makeNext = {
      let box = IteratorBox(stream.makeAsyncIterator())
      return {
        let element = try await box.next()
        if let element { onNext(element) }
        return element
      }
    }
  }

  private init(makeNext: @escaping @Sendable () -> () async throws -> Element?) {
    self.makeNext = makeNext
  }

  public struct AsyncIterator: AsyncIteratorProtocol {
    fileprivate let nextElement: () async throws -> Element?
    public mutating func next() async throws -> Element? { try await nextElement() }
  }

  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(nextElement: makeNext())
  }

  /// A sequence whose elements are `transform` applied to these; a throwing transform ends
  /// the iteration with that error.
  package func map<Other: Sendable>(
    _ transform: @escaping @Sendable (Element) throws -> Other
  ) -> RPCAsyncSequence<Other> {
    let makeNext = self.makeNext
    return RPCAsyncSequence<Other>(makeNext: {
      let next = makeNext()
      return { try await next().map(transform) }
    })
  }
}

private final class IteratorBox<Element> {
  private var base: AsyncThrowingStream<Element, any Error>.AsyncIterator
  init(_ base: AsyncThrowingStream<Element, any Error>.AsyncIterator) { self.base = base }
  func next() async throws -> Element? { try await base.next() }
}
