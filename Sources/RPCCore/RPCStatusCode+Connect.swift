/// The one place where a status code meets its Connect name and its HTTP status
/// (https://connectrpc.com/docs/protocol#error-codes).
extension RPCStatusCode {
  private static let connectNames = [
    "ok", "canceled", "unknown", "invalid_argument", "deadline_exceeded", "not_found",
    "already_exists", "permission_denied", "resource_exhausted", "failed_precondition",
    "aborted", "out_of_range", "unimplemented", "internal", "unavailable", "data_loss",
    "unauthenticated",
  ]

  private static let httpStatuses = [
    200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401,
  ]

  /// The Connect name, e.g. `not_found` (`canceled` with one `l`); `unknown` for numbers
  /// outside the seventeen codes, since Connect has no user-defined codes.
  public var connectName: String {
    Self.connectNames.indices.contains(rawValue) ? Self.connectNames[rawValue] : "unknown"
  }

  /// The code a Connect name denotes, `nil` for anything that is not one of the names.
  public init?(connectName: String) {
    guard let index = Self.connectNames.firstIndex(of: connectName) else { return nil }
    self.init(rawValue: index)
  }

  /// The HTTP status a Connect unary error with this code is sent with (500 for numbers
  /// outside the seventeen codes).
  public var httpStatus: Int {
    Self.httpStatuses.indices.contains(rawValue) ? Self.httpStatuses[rawValue] : 500
  }

  /// The code a client infers from a non-200 HTTP response that carries no status of its
  /// own: the gRPC HTTP mapping, which the Connect protocol uses too.
  public init(inferringFromHTTPStatus status: Int) {
    switch status {
    case 400: self = .internalError
    case 401: self = .unauthenticated
    case 403: self = .permissionDenied
    case 404: self = .unimplemented
    case 429, 502, 503, 504: self = .unavailable
    default: self = .unknown
    }
  }
}
