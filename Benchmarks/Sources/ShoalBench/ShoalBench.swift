import ArgumentParser

/// Entry point: one subcommand per benchmarked area (each in its own file).
@main
struct ShoalBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoal-bench",
        abstract: "Shoal benchmarks: each prints its figures next to a baseline measured in the same run.",
        subcommands: [
            AddBenchmark.self, BlockStoreBenchmark.self, SchedulerBenchmark.self, SandboxBenchmark.self,
            GatewayBenchmark.self, RunBenchmark.self, DispatchBenchmark.self, IntakeBenchmark.self,
        ]
    )
}
