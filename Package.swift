// swift-tools-version:6.1
// Cluster-pool control plane: an HTTP/2 (nghttp2) + protobuf (protobuf-c) RPC server,
// its Swift client library and the `flyte` CLI. Layers, top to bottom (each imports only
// layers above it): C bridges -> ClusterPoolProto -> RPCCore -> RPCHTTP1 -> RPCHTTP2 -> domain/store core ->
// store backends (ClusterPoolSQLite) ->
// ClusterPoolServer / ClusterPoolClient -> executables.
import PackageDescription

let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

// The server links the Swift runtime and Foundation statically (-static-stdlib; the libraries
// after it are the ones Foundation's static archives need, which objects compiled against the
// shared modules do not name) and exports no symbols (-static-stdlib would export all of them:
// a 1.2 MB symbol table the loader searches), with lld packing its relative relocations
// (DT_RELR, glibc 2.36). Loading the shared Swift libraries, searching their symbols and applying
// 60,000 RELA relocations touched pages of every library and 1.4 MB of relocation records at
// each start: idle RSS 39.4 -> 28.6 MiB (README, Memory). Test binaries keep the shared runtime
// the test frameworks link.
let serverLinking: [LinkerSetting] = [
  .unsafeFlags([
    "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
    "-static-stdlib", "-lCoreFoundation", "-l_FoundationCollections", "-l_FoundationCShims",
    "-l_FoundationICU", "-lswiftDispatch", "-ldispatch", "-lBlocksRuntime",
    "-Xlinker", "--no-export-dynamic",
    // the shared libraries' functions bound at start (given back with its pages), not on first
    // call: a first call ran the loader's lookup code and read the libraries' symbol tables
    "-Xlinker", "-z", "-Xlinker", "now",
  ])
]

let package = Package(
  name: "ClusterPools",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "clusterpool-server", targets: ["clusterpool-server"]),
    .executable(name: "flyte", targets: ["flyte"]),
    .library(name: "ClusterPoolProto", targets: ["ClusterPoolProto"]),
    .library(name: "RPCCore", targets: ["RPCCore"]),
    .library(name: "RPCHTTP1", targets: ["RPCHTTP1"]),
    .library(name: "RPCHTTP2", targets: ["RPCHTTP2"]),
    .library(name: "ClusterPoolServer", targets: ["ClusterPoolServer"]),
    .library(name: "ClusterPoolClient", targets: ["ClusterPoolClient"]),
    // a real server in-process for integration tests (LocalServer)
    .library(name: "ClusterPoolTesting", targets: ["ClusterPoolTesting"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    // metrics: libraries record through swift-metrics; the executable exports Prometheus text
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
  ],
  targets: [
    // MARK: C bridges (system libraries found through pkg-config, plus the protoc-c output)
    .systemLibrary(
      name: "CNGHTTP2", pkgConfig: "libnghttp2",
      providers: [.apt(["libnghttp2-dev"])]),
    .systemLibrary(
      name: "CProtobufC", pkgConfig: "libprotobuf-c",
      providers: [.apt(["libprotobuf-c-dev"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    // Linux's userfaultfd, for the server's code mappings (StartupPages); kernel headers only
    .systemLibrary(name: "CUserfaultfd"),
    .target(
      name: "ClusterPoolProtoC",
      dependencies: ["CProtobufC"]),
    // The version and git commit of the build (--version of both executables); the commit is
    // written by the GitCommit plugin whenever git moves HEAD or the index (Context.gitInformation
    // would go stale: SwiftPM caches the evaluated manifest by its text).
    .plugin(name: "GitCommit", capability: .buildTool()),
    .target(name: "BuildInfo", swiftSettings: swift6, plugins: ["GitCommit"]),

    // MARK: generated Swift value types for every message, encoded through protobuf-c
    .target(
      name: "ClusterPoolProto",
      dependencies: ["ClusterPoolProtoC", "CProtobufC"],
      swiftSettings: swift6),

    // MARK: RPC core: status, errors, metadata, framing, method registry (no sockets)
    .target(
      name: "RPCCore",
      dependencies: [
        "CZlib", "ClusterPoolProto",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swift6),

    // MARK: HTTP/1.1 transport: Connect and gRPC-Web calls behind SwiftNIO's HTTP/1 codec
    .target(
      name: "RPCHTTP1",
      dependencies: [
        "RPCCore",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swift6),

    // MARK: HTTP/2 transport: nghttp2 sessions inside SwiftNIO channel handlers; the server
    // listener, which picks HTTP/2 or HTTP/1.1 per connection (ALPN or the first bytes)
    .target(
      name: "RPCHTTP2",
      dependencies: [
        "RPCCore", "RPCHTTP1", "CNGHTTP2",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        // the HTTP/1.1 client of HTTPFetcher (an OpenID Connect provider's documents)
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: swift6),

    // MARK: domain (pools, rules; no I/O) and storage (protocol, SQLite backend)
    .target(name: "ClusterPoolDomain", swiftSettings: swift6),
    // The store core (rules applied in transactions, read model, publication), its row-level
    // transaction protocol and the in-memory backend; then one module per storage backend.
    .target(
      name: "ClusterPoolStore",
      dependencies: [
        "ClusterPoolDomain", .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        // SHA-256 of API key secrets
        .product(name: "Crypto", package: "swift-crypto"),
        // commit latency and batch size
        .product(name: "CoreMetrics", package: "swift-metrics"),
      ],
      swiftSettings: swift6),
    .target(
      name: "ClusterPoolSQLite",
      dependencies: ["ClusterPoolStore", "ClusterPoolDomain", "CSQLite", .product(name: "Logging", package: "swift-log")],
      swiftSettings: swift6),

    // MARK: the PostgreSQL backend (postgres-nio): URL and credentials, schema, migrations
    .target(
      name: "ClusterPoolPostgres",
      dependencies: [
        "ClusterPoolStore", "ClusterPoolDomain",
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swift6),

    // MARK: authentication: signed access tokens (JWT, ES256), their keys, verification and
    // its cache, JWKS and RFC 8414 metadata; the caller a verified credential names
    .target(
      name: "ClusterPoolAuth",
      dependencies: [
        "ClusterPoolDomain", "ClusterPoolStore", "RPCCore",
        .product(name: "Crypto", package: "swift-crypto"),
        // RSA (RS256) signatures of an OpenID Connect provider's tokens
        .product(name: "_CryptoExtras", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
        // token validations by result
        .product(name: "CoreMetrics", package: "swift-metrics"),
      ],
      swiftSettings: swift6),

    // MARK: services wired to the router (health, reflection, later the domain services)
    .target(
      name: "ClusterPoolServer",
      dependencies: [
        "ClusterPoolProto", "RPCCore", "RPCHTTP2", "ClusterPoolDomain", "ClusterPoolStore", "ClusterPoolAuth",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
      ],
      swiftSettings: swift6),

    // MARK: the Swift client library of the seed's API, and the `flyte` CLI over it
    .target(name: "ClusterPoolClient", dependencies: ["ClusterPoolProto", "RPCCore", "RPCHTTP2", .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams")], swiftSettings: swift6),

    // MARK: LocalServer: the real server in-process on a loopback port for integration tests
    // (ours and our users'), assembled as clusterpool-server assembles it
    .target(
      name: "ClusterPoolTesting",
      dependencies: [
        "ClusterPoolServer", "ClusterPoolClient", "ClusterPoolStore", "ClusterPoolSQLite", "ClusterPoolDomain", "ClusterPoolAuth",
        "RPCCore", "RPCHTTP2", .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: swift6),

    // MARK: options from a YAML file and CLUSTERPOOL_* variables, keyed by the commands' own
    // swift-argument-parser definitions (--config, --print-config)
    .target(
      name: "ConfigSources",
      dependencies: [
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: swift6),

    // MARK: executables
    .executableTarget(
      name: "clusterpool-server",
      dependencies: [
        "ClusterPoolServer", "ClusterPoolDomain", "ClusterPoolStore", "ClusterPoolSQLite", "ClusterPoolPostgres", "RPCCore",
        "RPCHTTP2", "BuildInfo", "ConfigSources", "CUserfaultfd",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: swift6, linkerSettings: serverLinking),
    .executableTarget(name: "flyte", dependencies: ["ClusterPoolClient", "BuildInfo", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Yams", package: "Yams")], swiftSettings: swift6),
    // Load drivers of tools/bench's cluster modes (WatchClusters watchers, heartbeating clusters),
    // and the token verification micro benchmark (verify-tokens).
    .executableTarget(
      name: "clusterpool-load",
      dependencies: [
        "ClusterPoolProto", "RPCCore", "RPCHTTP2", "ClusterPoolAuth", "ClusterPoolStore", "ClusterPoolDomain", "ClusterPoolServer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
      ],
      swiftSettings: swift6),
    // Conformance testee: decodes protobuf bytes with the Swift bridge and re-encodes them,
    // driven by Tests/interop/test_proto_roundtrip.py against the Python protobuf encoder.
    .executableTarget(
      name: "proto-conformance",
      dependencies: ["ClusterPoolProto"],
      swiftSettings: swift6),

    // MARK: fuzzing: the checks (FuzzChecks) and one libFuzzer executable per target, built by
    // tools/fuzz TARGET with --sanitize=fuzzer -DFUZZING; without that flag each replays inputs.
    .target(
      name: "FuzzChecks",
      dependencies: ["ClusterPoolProto", "RPCCore", .product(name: "NIOCore", package: "swift-nio")],
      path: "Sources/Fuzz/FuzzChecks", swiftSettings: swift6),
    .executableTarget(name: "ProtoDecodeFuzz", dependencies: ["FuzzChecks"], path: "Sources/Fuzz/ProtoDecodeFuzz", swiftSettings: swift6),
    .executableTarget(name: "DeframerFuzz", dependencies: ["FuzzChecks"], path: "Sources/Fuzz/DeframerFuzz", swiftSettings: swift6),
    .executableTarget(name: "WireCallFuzz", dependencies: ["FuzzChecks"], path: "Sources/Fuzz/WireCallFuzz", swiftSettings: swift6),

    // MARK: tests
    .testTarget(name: "ClusterPoolProtoTests", dependencies: ["ClusterPoolProto"], swiftSettings: swift6),
    .testTarget(name: "RPCCoreTests", dependencies: ["RPCCore"], swiftSettings: swift6),
    // the echo service, test server and probes both transports' tests use
    .target(
      name: "RPCTestSupport",
      dependencies: [
        "RPCCore", "RPCHTTP2", .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
      ],
      path: "Tests/RPCTestSupport", swiftSettings: swift6),
    .testTarget(name: "RPCHTTP2Tests", dependencies: ["RPCHTTP2", "RPCCore", "RPCTestSupport"], swiftSettings: swift6),
    .testTarget(
      name: "RPCHTTP1Tests",
      dependencies: [
        "RPCHTTP1", "RPCHTTP2", "RPCCore", "RPCTestSupport",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: swift6),
    .testTarget(
      name: "FuzzChecksTests", dependencies: ["FuzzChecks", "RPCCore"], exclude: ["Regressions"], swiftSettings: swift6),
    .testTarget(
      name: "ConfigSourcesTests",
      dependencies: ["ConfigSources", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: swift6),
    .testTarget(name: "ClusterPoolDomainTests", dependencies: ["ClusterPoolDomain"], swiftSettings: swift6),
    .testTarget(
      name: "ClusterPoolAuthTests",
      dependencies: [
        "ClusterPoolAuth", "ClusterPoolDomain", "ClusterPoolStore", "RPCCore",
        .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
      ],
      swiftSettings: swift6),
    .testTarget(
      name: "ClusterPoolStoreTests",
      dependencies: [
        "ClusterPoolStore", "ClusterPoolSQLite", "ClusterPoolPostgres", "ClusterPoolDomain",
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: swift6),
    .testTarget(name: "FlyteTests", dependencies: ["flyte", "ClusterPoolClient", .product(name: "ArgumentParser", package: "swift-argument-parser")], swiftSettings: swift6),
    .testTarget(
      name: "ClusterPoolPostgresTests",
      dependencies: [
        "ClusterPoolPostgres", "ClusterPoolStore", "ClusterPoolDomain",
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swift6),
    .testTarget(
      name: "ClusterPoolTestingTests",
      dependencies: ["ClusterPoolTesting", "ClusterPoolClient", "ClusterPoolServer", "ClusterPoolStore", "ClusterPoolDomain"],
      swiftSettings: swift6),
    .testTarget(name: "ClusterPoolClientTests", dependencies: ["ClusterPoolTesting", "ClusterPoolClient", "ClusterPoolServer", "ClusterPoolDomain", "ClusterPoolStore", "ClusterPoolSQLite", "ClusterPoolProto", "RPCCore", "RPCHTTP2", "ClusterPoolAuth"], swiftSettings: swift6),
    .testTarget(
      name: "ClusterPoolServerTests",
      dependencies: [
        "ClusterPoolTesting", "ClusterPoolServer", "ClusterPoolSQLite", "ClusterPoolProto", "RPCCore", "RPCHTTP2", "ClusterPoolAuth", "ClusterPoolStore",
        .product(name: "CoreMetrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      swiftSettings: swift6),
  ]
)
