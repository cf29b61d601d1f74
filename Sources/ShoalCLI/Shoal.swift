import ArgumentParser

@main
struct Shoal: AsyncParsableCommand {
    /// Parses with kubo-style `--flag=false` accepted (see ``BooleanFlagSyntax``), runs the command,
    /// and turns any error into one line on stderr and a non-zero exit.
    static func main() async {
        ParentWatch.start()
        let arguments = BooleanFlagSyntax.normalize(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "shoal",
        abstract: "Run compute next to IPFS data: content-addressed storage, sandboxed steps, signed provenance.",
        version: "0.1.0",
        subcommands: [
            Add.self, Cat.self, Get.self, Ls.self, PinGroup.self, GC.self, RepoGroup.self, DAGGroup.self, CARGroup.self,
            Validate.self, Plan.self, SandboxCommand.self, Id.self,
            Run.self, Runs.self, Logs.self, Lineage.self, Verify.self, ProvenanceGroup.self,
            Serve.self,
            WorkerCommand.self, JobGroup.self, NodeGroup.self, TokenGroup.self, DevCluster.self,
        ]
    )
}
