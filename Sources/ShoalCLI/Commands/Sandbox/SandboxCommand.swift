import ArgumentParser

/// `shoal sandbox`: run one command in a sandbox, or check what this host can isolate.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a command in the step sandbox, or check this host's isolation features.",
        subcommands: [Run.self, Check.self]
    )
}
