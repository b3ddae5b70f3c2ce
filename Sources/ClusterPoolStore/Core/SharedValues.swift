internal import ClusterPoolDomain

/// Keeps one copy of each text many loaded rows repeat. A store's pools mostly share their
/// object-store endpoint, image registry and authors (9,000 pools of one organization named the
/// same three), and each row read from the database brought its own copy: 96 bytes each for a
/// registry or an endpoint. Loading through this keeps the first copy of every value and drops
/// the others (1.8 MB of a 10,000-pool store).
struct SharedValues {
  private var texts = Set<String>()
  private var identities = Set<Identity>()

  /// `pool` with its repeated values replaced by their first copies.
  mutating func share(_ pool: ClusterPool) -> ClusterPool {
    var pool = pool
    pool.config.objectStoreURI = shared(pool.config.objectStoreURI)
    pool.config.objectStoreEndpoint = shared(pool.config.objectStoreEndpoint)
    pool.config.secretStoreLocator = shared(pool.config.secretStoreLocator)
    pool.config.imageRegistry = shared(pool.config.imageRegistry)
    pool.createdBy = identities.insert(pool.createdBy).memberAfterInsert
    pool.updatedBy = identities.insert(pool.updatedBy).memberAfterInsert
    return pool
  }

  /// The first copy of `text` (a text of up to 15 bytes is kept inline, never shared).
  private mutating func shared(_ text: String) -> String {
    text.utf8.count <= 15 ? text : texts.insert(text).memberAfterInsert
  }
}
