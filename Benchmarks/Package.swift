// swift-tools-version: 6.1
// Side-by-side benchmarks for Shoal, kept out of the main package so CI's clean build stays lean.
//
//     swift run -c release --package-path Benchmarks shoal-bench --help
//
// Each benchmark compares Shoal against a baseline measured in the same run (OpenSSL, a plain
// fork/exec, another tool) and prints ratios; figures are recorded in docs/PERFORMANCE.md.
import PackageDescription

let package = Package(
    name: "ShoalBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Shoal", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.21.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "shoal-bench",
            dependencies: [
                .product(name: "IPLD", package: "Shoal"),
                .product(name: "Units", package: "Shoal"),
                .product(name: "UnixFS", package: "Shoal"),
                .product(name: "BlockStore", package: "Shoal"),
                .product(name: "Scheduling", package: "Shoal"),
                .product(name: "ShoalTesting", package: "Shoal"),
                .product(name: "Spawning", package: "Shoal"),
                .product(name: "Sandbox", package: "Shoal"),
                .product(name: "Gateway", package: "Shoal"),
                .product(name: "PoolAPI", package: "Shoal"),
                .product(name: "JobStore", package: "Shoal"),
                .product(name: "Orchestrator", package: "Shoal"),
                .product(name: "Provenance", package: "Shoal"),
                .product(name: "PoolClient", package: "Shoal"),
                .product(name: "Requester", package: "Shoal"),
                .product(name: "Pipeline", package: "Shoal"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources/ShoalBench"
        ),
    ]
)
