public import Logging

extension ServerContext {
  /// Logs the call's start at trace level: method, peer, wire protocol and the request
  /// metadata, credentials redacted (`Metadata` prints `authorization` and the like as
  /// `<redacted>`). Nothing is formatted unless the logger's level is trace.
  public func traceStart(wire: @autoclosure () -> String) {
    logger.trace(
      "call",
      metadata: [
        "method": "\(method.path)", "peer": "\(peer)", "wire": "\(wire())", "request-metadata": "\(requestMetadata)",
      ])
  }
}
