// swift-tools-version:6.1
// An example of a team's package tested against a real control plane in-process:
// `PoolAutomation` is the team's code (it uses the client library); its tests run it against
// `LocalServer` from ClusterPoolTesting. Depends on the cluster-pools package by path; a team
// outside this repository would use `.package(url: ..., from: ...)` instead.
import PackageDescription

let package = Package(
  name: "PoolAutomation",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "ClusterPools", path: "../.."),
  ],
  targets: [
    .target(
      name: "PoolAutomation",
      dependencies: [.product(name: "ClusterPoolClient", package: "ClusterPools")],
      swiftSettings: [.swiftLanguageMode(.v6)]),
    .testTarget(
      name: "PoolAutomationTests",
      dependencies: [
        "PoolAutomation",
        .product(name: "ClusterPoolTesting", package: "ClusterPools"),
        .product(name: "ClusterPoolClient", package: "ClusterPools"),
      ],
      swiftSettings: [.swiftLanguageMode(.v6)]),
  ]
)
