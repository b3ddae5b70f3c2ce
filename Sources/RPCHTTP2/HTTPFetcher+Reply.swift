internal import NIOCore
internal import NIOHTTP1

/// Collects one reply and fulfils the promise at its end (or fails it when the connection
/// closes first or the body is too large).
final class ReplyCollector: ChannelInboundHandler {
  typealias InboundIn = HTTPClientResponsePart

  let promise: EventLoopPromise<HTTPFetcher.Response>
  let maxBodySize: Int
  let url: String
  var response: HTTPFetcher.Response?

  init(promise: EventLoopPromise<HTTPFetcher.Response>, maxBodySize: Int, url: String) {
    self.promise = promise
    self.maxBodySize = maxBodySize
    self.url = url
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      response = .init(
        status: Int(head.status.code), fields: head.headers.map { ($0.name.lowercased(), $0.value) }, body: [])
    case .body(let buffer):
      response?.body += buffer.readableBytesView
      if (response?.body.count ?? 0) > maxBodySize {
        promise.fail(HTTPFetchError("\(url): reply body larger than \(maxBodySize) bytes"))
        context.close(promise: nil)
      }
    case .end:
      if let response { promise.succeed(response) }
      context.close(promise: nil)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    promise.fail(HTTPFetchError("\(url): the connection closed before a complete reply"))
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    promise.fail(HTTPFetchError("\(url): \(HTTPFetcher.describe(error))"))
    context.close(promise: nil)
  }
}
