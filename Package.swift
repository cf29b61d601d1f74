// swift-tools-version: 6.1
// Shoal: a near-data compute job runner for IPFS datasets.
// Modules and the direction of their dependencies are described in docs/ARCHITECTURE.md.
import PackageDescription

let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "Shoal",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shoal", targets: ["ShoalCLI"]),
        // Libraries are products so the Benchmarks package (and other tools) can link them.
        .library(name: "IPLD", targets: ["IPLD"]),
        .library(name: "Sandbox", targets: ["Sandbox"]),
        // The small C launcher that builds the namespaces and execs a step; `shoal` finds it next to itself.
        .executable(name: "shoal-sandbox", targets: ["CSandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        // Content addressing: CIDs, multiformats, dag-pb, dag-cbor, dag-json. Pure values, no I/O.
        .target(name: "IPLD", dependencies: [crypto]),

        // The `shoal` executable: thin commands over the library modules.
        .executableTarget(name: "ShoalCLI", dependencies: ["IPLD", "Sandbox", argumentParser]),

        // Sandboxed step execution (Swift side): spec, limits, result, the launcher protocol, output checks.
        .target(name: "Sandbox"),
        // The `shoal-sandbox` launcher: namespaces, minimal root, seccomp (libseccomp), cgroups. Small C.
        .executableTarget(
            name: "CSandbox",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("seccomp")]
        ),

        // Shared test fixtures (deterministic data generators, temporary folders).
        .target(name: "ShoalTesting", dependencies: ["IPLD"], path: "Sources/ShoalTesting"),

        .testTarget(name: "IPLDTests", dependencies: ["IPLD", "ShoalTesting"]),
        // Depends on the launcher so `swift build --build-tests` / `swift test` build it next to the tests.
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "CSandbox", "ShoalTesting"]),
    ]
)
