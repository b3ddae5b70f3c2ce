internal import Foundation

/// Where the PostgreSQL password comes from, besides the URL: `--database-password-file`
/// (the whole file, without its trailing newline) or the environment variable
/// ``environmentVariable``. At most one of the URL and the file may give it; the environment
/// is used only when neither does. The password is never logged nor quoted in errors.
public enum PostgresCredentials {
  /// The environment variable read when neither the URL nor a file gives the password.
  public static let environmentVariable = "CLUSTERPOOL_DATABASE_PASSWORD"

  /// `url` with its password taken from `passwordFile` or `environment` (the process's when
  /// nil) as described above.
  public static func resolve(
    _ url: PostgresURL, passwordFile: String?, environment: [String: String]? = nil
  ) throws(PostgresURLError) -> PostgresURL {
    let environment = environment ?? ProcessInfo.processInfo.environment
    var url = url
    if let passwordFile {
      guard url.password == nil else {
        throw PostgresURLError("the password is given twice: in the URL and by --database-password-file")
      }
      url.password = try read(passwordFile)
    } else if url.password == nil, let fromEnvironment = environment[environmentVariable] {
      url.password = fromEnvironment
    }
    return url
  }

  static func read(_ path: String) throws(PostgresURLError) -> String {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw PostgresURLError("cannot read --database-password-file \(path): \(Self.reason(error))")
    }
    guard var text = String(data: data, encoding: .utf8) else {
      throw PostgresURLError("--database-password-file \(path) is not UTF-8 text")
    }
    while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
    guard !text.isEmpty else { throw PostgresURLError("--database-password-file \(path) is empty") }
    return text
  }

  private static func reason(_ error: any Error) -> String {
    let code = (error as NSError).code
    switch code {
    case NSFileReadNoSuchFileError: return "no such file"
    case NSFileReadNoPermissionError: return "permission denied"
    default: return "error \(code)"
    }
  }
}
