import ClusterPoolDomain
import Testing

@testable import ClusterPoolPostgres

/// A lost reply to COMMIT (the connection dropped during it) answers UNAVAILABLE saying the
/// change may have been applied, naming the database and never the password.
struct PostgresCommitUnconfirmedTests {
  struct Dropped: Error, CustomStringConvertible {
    var description: String { "the connection to the database was closed" }
  }

  @Test func aLostCommitReplySaysTheChangeMayHaveBeenApplied() throws {
    let url = try PostgresURL(parsing: "postgres://app:s3cret@db.example:5432/pools")
    let unconfirmed = PostgresCommitUnconfirmed(Dropped(), on: url)
    #expect(!unconfirmed.answered)
    #expect(
      unconfirmed.description
        == "the store lost the reply to its commit: PostgreSQL db.example:5432/pools: COMMIT: "
        + "the connection to the database was closed; the change may have been applied")
    #expect(!unconfirmed.description.contains("s3cret"))
  }
}
