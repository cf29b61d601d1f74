// swift-tools-version: 6.1
// Shoal: a near-data compute job runner for IPFS datasets.
// Modules and the direction of their dependencies are described in docs/ARCHITECTURE.md.
import PackageDescription

let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let asyncHTTPClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
let hummingbirdTLS: Target.Dependency = .product(name: "HummingbirdTLS", package: "hummingbird")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals: Target.Dependency = .product(name: "UnixSignals", package: "swift-service-lifecycle")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let nioSSL: Target.Dependency = .product(name: "NIOSSL", package: "swift-nio-ssl")

let package = Package(
    name: "Shoal",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shoal", targets: ["ShoalCLI"]),
        // Libraries are products so the Benchmarks package (and other tools) can link them.
        .library(name: "IPLD", targets: ["IPLD"]),
        .library(name: "Units", targets: ["Units"]),
        .library(name: "UnixFS", targets: ["UnixFS"]),
        .library(name: "BlockStore", targets: ["BlockStore"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Scheduling", targets: ["Scheduling"]),
        .library(name: "ShoalTesting", targets: ["ShoalTesting"]),
        .library(name: "Spawning", targets: ["Spawning"]),
        .library(name: "Sandbox", targets: ["Sandbox"]),
        .library(name: "Provenance", targets: ["Provenance"]),
        .library(name: "Gateway", targets: ["Gateway"]),
        .library(name: "PoolAPI", targets: ["PoolAPI"]),
        .library(name: "JobStore", targets: ["JobStore"]),
        .library(name: "Orchestrator", targets: ["Orchestrator"]),
        .library(name: "Worker", targets: ["Worker"]),
        .library(name: "PoolClient", targets: ["PoolClient"]),
        .library(name: "Requester", targets: ["Requester"]),
        .executable(name: "shoal-sandbox", targets: ["CSandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.21.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.0.0"),
    ],
    targets: [
        // Sizes and durations as people write them (`512MiB`, `1h30m`) and human renderings of figures.
        .target(name: "Units"),

        // Content addressing: CIDs, multiformats, dag-pb, dag-cbor, dag-json. Pure values, no I/O.
        .target(name: "IPLD", dependencies: [crypto]),

        // UnixFS: files and directories as IPLD DAGs (chunkers, layouts, HAMT, importer, exporter).
        .target(name: "UnixFS", dependencies: ["IPLD"]),

        // Local storage: flat-file blocks, the pin set and block index in SQLite, gc, verify, CAR v1.
        .target(name: "BlockStore", dependencies: ["IPLD", "UnixFS", grdb]),

        // Pipeline spec files: the model, YAML/JSON loading with located errors, validation,
        // parameter templating and the task DAG.
        .target(name: "Pipeline", dependencies: ["IPLD", "Units", yams]),

        // Placement: pure functions that rank nodes for a task by input bytes already pinned there.
        .target(name: "Scheduling", dependencies: ["IPLD", "Units"]),

        // Starting programs with posix_spawn (Foundation's Process crashes now and then on Linux).
        .target(name: "Spawning"),

        // Sandboxed step execution (Swift side): spec, limits, result, the launcher protocol, output checks.
        .target(name: "Sandbox", dependencies: ["Units", "Spawning"]),
        // The `shoal-sandbox` launcher: namespaces, minimal root, seccomp (libseccomp), cgroups. Small C.
        .executableTarget(
            name: "CSandbox",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("seccomp")]
        ),

        // Provenance: recipe, step and attestation objects (dag-cbor), Ed25519 node identity
        // (did:key), lineage walks, verification and exports (in-toto/DSSE, PROV-JSON).
        .target(name: "Provenance", dependencies: ["IPLD", "Pipeline", crypto]),

        // The IPFS trustless gateway between nodes: Hummingbird routes that serve blocks and CARs
        // (with an access policy and auth seam), and a verifying block fetcher (AsyncHTTPClient).
        .target(name: "Gateway", dependencies: ["IPLD", "UnixFS", "BlockStore", hummingbird, asyncHTTPClient]),

        // Jobs, tasks, attempts and their event log in SQLite (WAL), plus the SQLite provenance index.
        .target(name: "JobStore", dependencies: ["IPLD", "Provenance", grdb]),

        // Deciding what runs: submit-time resolution of a spec, the task state machine and the
        // coordinator that drives a job's DAG through a step dispatcher.
        .target(
            name: "Orchestrator",
            dependencies: ["IPLD", "UnixFS", "BlockStore", "Pipeline", "Provenance", "JobStore", "Units"]
        ),

        // Running steps: the step executor (memo check, staging, sandbox, outputs, provenance),
        // the in-process dispatcher, the one-machine `shoal run`, and the pool's worker agent
        // (`shoal worker`: join, heartbeat, claim, fetch, run, report, serve blocks to peers).
        .target(
            name: "Worker",
            dependencies: [
                "IPLD", "UnixFS", "BlockStore", "Pipeline", "Provenance", "JobStore", "Orchestrator", "Sandbox", "Units",
                "Gateway", "PoolAPI", "PoolClient", hummingbird, asyncHTTPClient, serviceLifecycle, unixSignals, logging,
            ]
        ),

        // The pool's HTTP API as Codable types (Specs/openapi.yaml): shared by the requester, the
        // worker agent and the client so the two sides cannot drift apart.
        .target(name: "PoolAPI", dependencies: ["Orchestrator", "Provenance"]),

        // The client side of the pool: a typed HTTP client for every route of Specs/openapi.yaml
        // (bearer token, timeouts, TLS with a custom CA), and the client workflows `shoal job`
        // uses (submit with uploaded tools and inputs, watch, download results).
        .target(
            name: "PoolClient",
            dependencies: [
                "PoolAPI", "IPLD", "UnixFS", "BlockStore", "Pipeline", "Orchestrator", "Provenance", "Gateway", asyncHTTPClient, nioSSL,
                logging,
            ]
        ),

        // The requester (`shoal serve`): the pool's HTTP service (client and worker API, tokens,
        // uploaded blocks), the pool dispatcher with its placement loop and lease reaper, metrics.
        .target(
            name: "Requester",
            dependencies: [
                "IPLD", "BlockStore", "Pipeline", "Provenance", "JobStore", "Orchestrator", "Scheduling", "Gateway",
                "PoolAPI", "Units", hummingbird, hummingbirdTLS, nioSSL, asyncHTTPClient, prometheus, serviceLifecycle, unixSignals,
                logging,
            ]
        ),

        // The `shoal` executable: thin commands over the library modules.
        .executableTarget(
            name: "ShoalCLI",
            dependencies: [
                "IPLD", "UnixFS", "BlockStore", "Pipeline", "Sandbox", "Provenance", "Units", "JobStore", "Orchestrator",
                "Worker", "Requester", "PoolAPI", "PoolClient", "Gateway", "Spawning", argumentParser,
            ]
        ),

        // Shared test fixtures (deterministic data generators, temporary folders, running `shoal`).
        .target(name: "ShoalTesting", dependencies: ["IPLD", "Spawning"], path: "Sources/ShoalTesting"),

        .testTarget(name: "IPLDTests", dependencies: ["IPLD", "ShoalTesting"]),
        .testTarget(name: "UnitsTests", dependencies: ["Units"]),
        .testTarget(name: "SpawningTests", dependencies: ["Spawning", "ShoalTesting"]),
        .testTarget(name: "PoolAPITests", dependencies: ["PoolAPI", "Provenance"]),
        .testTarget(
            name: "PoolClientTests",
            dependencies: [
                "PoolClient", "PoolAPI", "BlockStore", "Pipeline", "IPLD", "UnixFS", "Gateway", "Provenance", "Orchestrator",
                "ShoalTesting", hummingbird, asyncHTTPClient,
            ]
        ),
        .testTarget(name: "UnixFSTests", dependencies: ["UnixFS", "IPLD", "ShoalTesting"], exclude: ["Vectors"]),
        // A helper process for BlockStore's concurrency tests (two real processes sharing a repo).
        .executableTarget(
            name: "BlockStoreTestHelper", dependencies: ["BlockStore", "IPLD", "ShoalTesting"],
            path: "Tests/BlockStoreTestHelper"
        ),
        .testTarget(
            name: "BlockStoreTests",
            dependencies: ["BlockStore", "IPLD", "ShoalTesting", "Spawning", "BlockStoreTestHelper"]
        ),
        .testTarget(
            name: "PipelineTests", dependencies: ["Pipeline", "IPLD", "Units", "ShoalTesting", "Spawning", yams],
            exclude: ["Fixtures", "schema_check.py"]
        ),
        .testTarget(name: "SchedulingTests", dependencies: ["Scheduling", "IPLD", "Units", "ShoalTesting"]),
        // Depends on the launcher so `swift build --build-tests` / `swift test` build it next to the tests.
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "CSandbox", "Units", "ShoalTesting", "Spawning"]),
        // Runs each tool of Runners/ in the real sandbox (hence CSandbox, built next to the tests) and
        // checks the Examples/ pipelines.
        .testTarget(name: "RunnersTests", dependencies: ["Sandbox", "Pipeline", "ShoalTesting", "CSandbox"]),
        .testTarget(
            name: "GatewayTests",
            dependencies: ["Gateway", "BlockStore", "IPLD", "UnixFS", "ShoalTesting", "Spawning", hummingbird, asyncHTTPClient]
        ),
        .testTarget(
            name: "ProvenanceTests", dependencies: ["Provenance", "IPLD", "Pipeline", "ShoalTesting", "Spawning"],
            exclude: ["Scripts", "Snapshots"]
        ),
        .testTarget(name: "JobStoreTests", dependencies: ["JobStore", "Provenance", "IPLD", "ShoalTesting", grdb]),
        .testTarget(
            name: "OrchestratorTests",
            dependencies: ["Orchestrator", "JobStore", "Pipeline", "Provenance", "BlockStore", "IPLD", "ShoalTesting", grdb]
        ),
        .testTarget(
            name: "WorkerTests",
            dependencies: [
                "Worker", "Orchestrator", "JobStore", "Pipeline", "Provenance", "BlockStore", "Sandbox", "CSandbox", "IPLD",
                "ShoalTesting", "PoolAPI", "PoolClient", "Gateway", "UnixFS", hummingbird, asyncHTTPClient, serviceLifecycle,
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "RequesterTests",
            dependencies: [
                "Requester", "PoolAPI", "Orchestrator", "JobStore", "Scheduling", "Gateway", "BlockStore", "Provenance",
                "Pipeline", "IPLD", "UnixFS", "ShoalTesting", hummingbird, asyncHTTPClient, serviceLifecycle, logging,
            ]
        ),
        // Runs the built `shoal` (and its launcher) as real processes; depends on both so they are built.
        // The library modules are used only to look at (and tamper with) what `shoal` stored.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["ShoalCLI", "CSandbox", "ShoalTesting", "Spawning", "IPLD", "BlockStore", "JobStore", "Provenance", "PoolAPI"]
        ),
    ]
)
