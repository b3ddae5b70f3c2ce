import Testing

@testable import ConfigSources

/// The catalog is read from swift-argument-parser's own description of the commands.
@Suite struct OptionCatalogTests {
  @Test func everyOptionOfEveryCommandIsAKey() throws {
    let catalog = try OptionCatalog(of: SampleCommand.self)
    #expect(
      catalog.allKeys == [
        "host", "port", "tls-cert", "enable-test-service", "color", "tag", "database", "database-password",
        "default-secret-store-type", "config", "print-config", "from",
      ])
    let root = catalog.root.options
    #expect(root.first { $0.key == "port" } == .init(key: "port", defaultValue: "8089"))
    #expect(root.first { $0.key == "enable-test-service" }?.isFlag == true)
    #expect(root.first { $0.key == "tag" }?.isRepeating == true)
    #expect(root.first { $0.key == "color" }?.inversion == "no-color")
    #expect(root.first { $0.key == "color" }?.defaultValue == "true")
    #expect(root.first { $0.key == "database" }?.section == "Store")
    #expect(catalog.root.subcommand("keys")?.subcommand("rotate")?.options.map(\.key) == [
      "database", "database-password", "default-secret-store-type",
    ])
  }

  @Test func suggestionsFindSwapsAndTypos() {
    let keys = ["port", "from", "oidc-issuer", "database"]
    #expect(KeySuggestion.closest(to: "prot", among: keys) == "port")
    #expect(KeySuggestion.closest(to: "oidc-isuer", among: keys) == "oidc-issuer")
    #expect(KeySuggestion.closest(to: "completely-else", among: keys) == nil)
  }

  @Test func secretsAreMaskedByNameAndInURLs() {
    #expect(SecretMask.masked("hunter2", key: "database-password") == "***")
    #expect(SecretMask.masked("s3cr3t", key: "oidc-client-secret") == "***")
    #expect(SecretMask.masked("/run/secrets/pw", key: "database-password-file") == "/run/secrets/pw")
    #expect(SecretMask.masked("KUBERNETES", key: "default-secret-store-type") == "KUBERNETES")
    #expect(
      SecretMask.masked("postgres://u:p%40ss@db:5432/pools?sslmode=require", key: "database")
        == "postgres://u:***@db:5432/pools?sslmode=require")
    #expect(SecretMask.masked("postgres://u@db/pools", key: "database") == "postgres://u@db/pools")
    #expect(SecretMask.masked("https://example.com/a@b", key: "public-url") == "https://example.com/a@b")
  }
}
