import ArgumentParser

extension Shoal {
    /// `shoal job submit|list|status|logs|cancel|results`: jobs on the pool's requester.
    struct JobGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "job",
            abstract: "Submit jobs to the pool's requester and follow them.",
            discussion: """
                The requester comes from --requester/--token, else SHOAL_REQUESTER/SHOAL_TOKEN, else \
                $SHOAL_HOME/config.json (written by `shoal dev-cluster`).
                """,
            subcommands: [JobSubmit.self, JobList.self, JobStatusCommand.self, JobLogs.self, JobCancel.self, JobResults.self])
    }
}
