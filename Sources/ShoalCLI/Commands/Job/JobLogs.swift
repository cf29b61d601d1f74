import ArgumentParser
import Foundation
import PoolAPI
import PoolClient

/// `shoal job logs JOB [TASK] [--stderr] [--follow]`.
struct JobLogs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a task's stdout (or --stderr), as stored by the requester or live with --follow.",
        discussion: "Without TASK, the job's only task; for a job of several tasks, each task's log under a header.")

    @Argument(help: "The job id.") var job: String
    @Argument(help: "The task (default: every task).") var task: String?
    @Flag(help: "Print stderr instead of stdout.") var stderr = false
    @Flag(help: "Keep printing as the task writes, until it ends.") var follow = false
    @OptionGroup var requester: RequesterOptions
    @OptionGroup var home: HomeOptions

    func run() async throws {
        let stream: PoolClient.LogStream = stderr ? .stderr : .stdout
        let (job, task, follow) = (self.job, self.task, self.follow)
        try await requester.withClient(home: home) { client in
            var tasks = [String]()
            if let task {
                tasks = [task]
            } else {
                tasks = try await client.job(job).tasks.map(\.id)
            }
            if follow && tasks.count > 1 {
                throw PoolClientError(.configuration, "--follow needs a TASK (job \(job) has \(tasks.count) tasks)")
            }
            for name in tasks {
                if tasks.count > 1 { print("==> \(name) <=="); fflush(nil) }
                if follow {
                    try await Interruption.cancelling {
                        try await client.followLogs(job: job, task: name, stream: stream) { bytes in
                            Output.write(bytes)
                        }
                    }
                } else {
                    Output.write(try await client.logs(job: job, task: name, stream: stream))
                }
            }
        }
    }
}
