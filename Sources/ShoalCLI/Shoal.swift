import ArgumentParser

@main
struct Shoal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoal",
        abstract: "Run compute next to IPFS data: content-addressed storage, sandboxed steps, signed provenance.",
        version: "0.1.0",
        subcommands: [Validate.self, Plan.self, Id.self]
    )
}
