// swift-tools-version: 6.1
// Shoal: a near-data compute job runner for IPFS datasets.
// Modules and the direction of their dependencies are described in docs/ARCHITECTURE.md.
import PackageDescription

let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")

let package = Package(
    name: "Shoal",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shoal", targets: ["ShoalCLI"]),
        // Libraries are products so the Benchmarks package (and other tools) can link them.
        .library(name: "IPLD", targets: ["IPLD"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Provenance", targets: ["Provenance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        // Content addressing: CIDs, multiformats, dag-pb, dag-cbor, dag-json. Pure values, no I/O.
        .target(name: "IPLD", dependencies: [crypto]),

        // Pipeline spec files: the model, YAML/JSON loading with located errors, validation,
        // parameter templating and the task DAG.
        .target(name: "Pipeline", dependencies: ["IPLD", yams]),

        // Provenance: recipe, step and attestation objects (dag-cbor), Ed25519 node identity
        // (did:key), lineage walks, verification, in-toto/DSSE and W3C PROV exports.
        .target(name: "Provenance", dependencies: ["IPLD", "Pipeline", crypto]),

        // The `shoal` executable: thin commands over the library modules.
        .executableTarget(name: "ShoalCLI", dependencies: ["IPLD", "Pipeline", "Provenance", argumentParser]),

        // Shared test fixtures (deterministic data generators, temporary folders).
        .target(name: "ShoalTesting", dependencies: ["IPLD"], path: "Sources/ShoalTesting"),

        .testTarget(name: "IPLDTests", dependencies: ["IPLD", "ShoalTesting"]),
        .testTarget(
            name: "PipelineTests", dependencies: ["Pipeline", "IPLD", "ShoalTesting", yams],
            exclude: ["Fixtures", "schema_check.py"]
        ),
        .testTarget(
            name: "ProvenanceTests", dependencies: ["Provenance", "IPLD", "Pipeline", "ShoalTesting"],
            exclude: ["Scripts", "Snapshots"]
        ),
    ]
)
