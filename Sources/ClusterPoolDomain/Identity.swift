/// Who made a change: a user or an application, by subject.
public enum Identity: Sendable, Hashable, CustomStringConvertible {
  case user(subject: String)
  case application(subject: String)

  /// The subject, whichever kind of principal this is.
  public var subject: String {
    switch self {
    case .user(let subject), .application(let subject): subject
    }
  }

  /// A stable text form for storage: `user:SUBJECT` or `app:SUBJECT`.
  public var storageForm: String {
    switch self {
    case .user(let subject): "user:" + subject
    case .application(let subject): "app:" + subject
    }
  }

  /// Parses ``storageForm``.
  public init?(storageForm: String) {
    if storageForm.hasPrefix("user:") {
      self = .user(subject: String(storageForm.dropFirst(5)))
    } else if storageForm.hasPrefix("app:") {
      self = .application(subject: String(storageForm.dropFirst(4)))
    } else {
      return nil
    }
  }

  public var description: String { storageForm }
}
