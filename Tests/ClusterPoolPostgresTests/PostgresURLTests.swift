import Foundation
import NIOSSL
import Testing

@testable import ClusterPoolPostgres

/// `--database postgres://...`: what a URL selects, what it holds, and what it refuses.
@Suite struct PostgresURLTests {
  @Test func selectsPostgresOnlyForItsSchemes() {
    #expect(PostgresURL.isPostgres("postgres://u@h/d"))
    #expect(PostgresURL.isPostgres("postgresql://u@h/d"))
    #expect(!PostgresURL.isPostgres("clusterpool.db"))
    #expect(!PostgresURL.isPostgres("/var/lib/postgres://x.db"))
    #expect(!PostgresURL.isPostgres("./postgres.db"))
  }

  @Test func parsesEveryPart() throws {
    let url = try PostgresURL(parsing: "postgresql://app%40corp:s%3Acr%2Fet@db.example.com:6543/pools%20x?sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=3")
    #expect(url.user == "app@corp")
    #expect(url.password == "s:cr/et")
    #expect(url.host == "db.example.com")
    #expect(url.port == 6543)
    #expect(url.database == "pools x")
    #expect(url.sslMode == .verifyFull)
    #expect(url.sslRootCertificate == "/etc/ca.pem")
    #expect(url.connectTimeoutSeconds == 3)
    #expect(url.endpoint == "db.example.com:6543/pools x")
  }

  @Test func defaultsAndIPv6() throws {
    let url = try PostgresURL(parsing: "postgres://app@[::1]/pools")
    #expect(url.password == nil)
    #expect(url.host == "::1")
    #expect(url.port == 5432)
    #expect(url.sslMode == .prefer)
    #expect(url.connectTimeoutSeconds == 10)
    #expect(url.endpoint == "[::1]:5432/pools")
    #expect(try PostgresURL(parsing: "postgres://app@[::1]:7000/pools").port == 7000)
  }

  @Test func refusesWhatItCannotUseNamingTheCause() {
    let cases: [(String, String)] = [
      ("mysql://u@h/d", "must start with postgres:// or postgresql://"),
      ("postgres://h/d", "names no user"),
      ("postgres://:pw@h/d", "names no user"),
      ("postgres://u@/d", "names no host"),
      ("postgres://u@h", "names no database"),
      ("postgres://u@h/", "names no database"),
      ("postgres://u@h:0/d", "port 0 is not a number from 1 to 65535"),
      ("postgres://u@h:x/d", "port x is not a number"),
      ("postgres://u@[::1/d", "no closing ]"),
      ("postgres://u@h/d?sslmode=allow", "sslmode allow is not supported"),
      ("postgres://u@h/d?sslmode=disable&sslmode=require", "parameter sslmode is given twice"),
      ("postgres://u@h/d?application_name=x", "unknown parameter application_name"),
      ("postgres://u@h/d?sslcert=/c.pem", "unknown parameter sslcert"),
      ("postgres://u@h/d?connect_timeout=0", "connect_timeout 0 is not a positive number"),
      ("postgres://u:p%zz@h/d", "the password has a % not followed by two hex digits"),
    ]
    for (text, reason) in cases {
      #expect(throws: PostgresURLError.self, "\(text)") { try PostgresURL(parsing: text) }
      do {
        _ = try PostgresURL(parsing: text)
      } catch {
        #expect(error.description.hasPrefix("invalid --database PostgreSQL URL: "), "\(text)")
        #expect(error.reason.contains(reason), "\(text): \(error.reason)")
      }
    }
  }

  @Test func theDescriptionMasksThePassword() throws {
    let url = try PostgresURL(parsing: "postgres://app:hunter2-secret@db:5433/pools?sslmode=require")
    #expect(url.description == "postgres://app:***@db:5433/pools?sslmode=require")
    #expect(!"\(url)".contains("hunter2"))
    let withoutPassword = try PostgresURL(parsing: "postgres://app@db/pools")
    #expect(withoutPassword.description == "postgres://app@db:5432/pools?sslmode=prefer")
  }

  @Test func errorsNeverQuoteThePassword() {
    for text in ["postgres://u:hunter2%@h/d", "postgres://u:hunter2@h:99999/d", "postgres://u:hunter2@h/d?sslmode=x", "postgres://u:hunter2@/d"] {
      do {
        _ = try PostgresURL(parsing: text)
        Issue.record("\(text) was accepted")
      } catch {
        #expect(!error.description.contains("hunter2"), "\(error)")
      }
    }
  }

  @Test func sslModesMapToTLSConfigurations() throws {
    func verification(_ mode: String) throws -> CertificateVerification {
      try PostgresURL(parsing: "postgres://u@h/d?sslmode=\(mode)").tlsConfiguration().certificateVerification
    }
    #expect(try verification("prefer") == .none)
    #expect(try verification("require") == .none)
    #expect(try verification("verify-ca") == .noHostnameVerification)
    #expect(try verification("verify-full") == .fullVerification)
    let missing = try PostgresURL(parsing: "postgres://u@h/d?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")
    #expect(throws: PostgresURLError.self) { try missing.clientConfiguration() }
    let configuration = try PostgresURL(parsing: "postgres://u:p@h:7/d?sslmode=disable&connect_timeout=4").clientConfiguration()
    #expect(configuration.host == "h" && configuration.port == 7 && configuration.username == "u")
    #expect(configuration.password == "p" && configuration.database == "d")
    #expect(configuration.options.connectTimeout == .seconds(4))
  }
}
