/// A validated list request: which pools (live or deleted, name filters), in which order,
/// how many, and where the previous page ended.
public struct ListQuery: Sendable, Hashable {
  /// Page size when the request says 0.
  public static let defaultLimit = 100
  /// Largest page; larger requests are served this many per page.
  public static let maxLimit = 1000

  /// Items per page (1...1000).
  public let limit: Int
  /// List soft-deleted pools instead of live ones (`EXISTS deleted_at`).
  public let deleted: Bool
  /// Newest-name-first instead of ascending by name.
  public let descending: Bool
  /// The last name of the previous page (from the token).
  public let after: String?
  let matchers: [NameMatcher]
  /// Hash of organization, filters and order: a token only continues the listing it came from.
  let fingerprint: UInt64

  /// What is listed, as error messages name it: the plural, and the filters it takes besides
  /// those on name and deleted_at.
  public struct Subject: Sendable {
    public var plural: String
    public var otherFilters: String

    public init(plural: String, otherFilters: String = "") {
      self.plural = plural
      self.otherFilters = otherFilters
    }

    public static let clusterPools = Subject(plural: "cluster pools")
  }

  /// Validates a request. `sortKey` empty means by name ascending; only `name` is sortable.
  /// `subject` names what is listed in error messages.
  public init(
    organization: Organization, limit: UInt32, token: String, filters: [ListFilter], rawFilters: [String] = [],
    sortKey: String = "", ascending: Bool = true, subject: Subject = .clusterPools
  ) throws(DomainError) {
    guard rawFilters.isEmpty else {
      throw .invalid("raw_filters are not supported: use filters on name (EQUAL, CONTAINS, ...) or EXISTS deleted_at")
    }
    guard sortKey.isEmpty || sortKey == "name" else {
      throw .invalid("cannot sort \(subject.plural) by \(QuotedInput.quote(sortKey)): they are sorted by name only")
    }
    var deleted: Bool?
    var matchers: [NameMatcher] = []
    for filter in filters {
      switch try Self.parse(filter, subject) {
      case .deleted(let value):
        if let deleted, deleted != value {
          throw .invalid("EXISTS deleted_at and NOT_EXISTS deleted_at contradict each other: use one of them")
        }
        deleted = value
      case .name(let matcher):
        matchers.append(matcher)
      }
    }
    self.limit = limit == 0 ? Self.defaultLimit : min(Int(limit), Self.maxLimit)
    self.deleted = deleted ?? false
    self.descending = !sortKey.isEmpty && !ascending
    self.matchers = matchers
    self.fingerprint = Self.fingerprint(organization, filters, deleted: self.deleted, descending: self.descending)
    self.after = token.isEmpty ? nil : try PageToken.decode(token, fingerprint: fingerprint)
  }

  /// Whether `pool` belongs in this listing (ignoring paging).
  public func matches(_ pool: ClusterPool) -> Bool {
    pool.isDeleted == deleted && matchers.allSatisfy { $0.matches(pool.name.value) }
  }

  /// Whether `name` comes after the previous page's last name in this listing's order (every
  /// name does on the first page).
  func isPastCursor(_ name: String) -> Bool {
    guard let after else { return true }
    return descending ? name < after : name > after
  }

  /// The token continuing after `lastName`.
  func token(after lastName: String) -> String { PageToken.encode(lastName: lastName, fingerprint: fingerprint) }

  private enum Parsed { case deleted(Bool), name(NameMatcher) }

  private static let supportedOnName = "EQUAL, NOT_EQUAL, CONTAINS, CONTAINS_CASE_INSENSITIVE, VALUE_IN, VALUE_NOT_IN, ENDS_WITH, NOT_ENDS_WITH"

  private static func parse(_ filter: ListFilter, _ subject: Subject) throws(DomainError) -> Parsed {
    guard let function = ListFilter.Function(rawValue: filter.functionNumber) else {
      throw .invalid(
        "filter function \(filter.functionNumber) is unknown: on name use \(supportedOnName)\(subject.otherFilters); EXISTS on deleted_at")
    }
    switch filter.field {
    case "deleted_at":
      guard function == .exists || function == .notExists else {
        throw .invalid("filter \(function.name) is not supported on deleted_at: use EXISTS deleted_at to list deleted \(subject.plural)")
      }
      guard filter.values.isEmpty else { throw .invalid("\(function.name) deleted_at takes no values") }
      return .deleted(function == .exists)
    case "name":
      func one() throws(DomainError) -> String {
        guard filter.values.count == 1 else {
          throw .invalid("\(function.name) name takes exactly one value, got \(filter.values.count)")
        }
        return filter.values[0]
      }
      func many() throws(DomainError) -> Set<String> {
        guard !filter.values.isEmpty else { throw .invalid("\(function.name) name takes at least one value") }
        return Set(filter.values)
      }
      switch function {
      case .equal: return .name(.equal(try one()))
      case .notEqual: return .name(.notEqual(try one()))
      case .contains: return .name(.contains(try one()))
      case .containsCaseInsensitive: return .name(.containsCaseInsensitive(try one().lowercased()))
      case .valueIn: return .name(.valueIn(try many()))
      case .valueNotIn: return .name(.valueNotIn(try many()))
      case .endsWith: return .name(.endsWith(try one()))
      case .notEndsWith: return .name(.notEndsWith(try one()))
      default:
        throw .invalid("filter \(function.name) is not supported on name: use one of \(supportedOnName)")
      }
    default:
      throw .invalid(
        "cannot filter \(subject.plural) on field \(QuotedInput.quote(filter.field)): filter on name (\(supportedOnName))\(subject.otherFilters) "
          + "or EXISTS deleted_at")
    }
  }

  private static func fingerprint(_ org: Organization, _ filters: [ListFilter], deleted: Bool, descending: Bool) -> UInt64 {
    var hash = FNV1a()
    hash.add(org.name)
    hash.add(deleted ? "deleted" : "live")
    hash.add(descending ? "desc" : "asc")
    hash.add(filters)
    return hash.value
  }

  /// The fingerprint of a listing of `kind` (`clusters`, `queues`) in `org` with `filters`.
  static func fingerprint(listing kind: String, _ org: Organization, _ filters: [ListFilter]) -> UInt64 {
    var hash = FNV1a()
    hash.add(kind)
    hash.add(org.name)
    hash.add(filters)
    return hash.value
  }
}

/// 64-bit FNV-1a, with a separator after each string.
struct FNV1a {
  var value: UInt64 = 0xcbf2_9ce4_8422_2325
  mutating func add(_ text: String) {
    for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
    value = (value ^ 0x1F) &* 0x100_0000_01b3
  }

  /// Adds each filter's function, field and values, each filter closed by a separator.
  mutating func add(_ filters: [ListFilter]) {
    for filter in filters {
      add(String(filter.functionNumber))
      add(filter.field)
      for value in filter.values { add(value) }
      add("\u{1E}")
    }
  }
}
