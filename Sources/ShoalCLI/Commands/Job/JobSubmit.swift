import ArgumentParser
import BlockStore
import Foundation
import PoolAPI
import PoolClient

/// `shoal job submit SPEC [--wait] [--follow] [--json] [--keep-going] [--no-cache]`.
struct JobSubmit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a pipeline spec to the pool: local tools and inputs are added and uploaded first.",
        discussion: """
            The spec is validated here first. Tool folders and local inputs are added to this node's store \
            (as `shoal run` adds them), uploaded to the requester as one CAR, and the spec is sent with them \
            named by CID. CID inputs are left where they are: workers that pin them run the tasks that read \
            them (private inputs never move). --wait waits for the job to end; --follow also prints its \
            events and each running task's output as they happen (`task| line` for stdout, `task! line` \
            for stderr). Exit status: 0 when submitted (with --wait/--follow: when the job \
            succeeded), 1 otherwise.
            """)

    @Argument(help: "The pipeline spec (YAML or JSON).") var spec: String
    @Flag(help: "Wait until the job ends; fail when it fails.") var wait = false
    @Flag(help: "Print the job's events and its tasks' output as they happen, until it ends (implies --wait).")
    var follow = false
    @Flag(name: .customLong("keep-going"), help: "After a failure, still run every task that does not depend on it.")
    var keepGoing = false
    @Flag(name: .customLong("no-cache"), help: "Run every task, even when a step with the same recipe exists.")
    var noCache = false
    @OptionGroup var requester: RequesterOptions
    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions

    /// The `--json` document with --wait: the submission and the final status.
    struct Finished: Encodable {
        var submitted: JobSubmitter.Submitted
        var final: JobStatus
    }

    func run() async throws {
        let final = try await requester.withClient(home: home) { client in try await submit(with: client) }
        guard let final else { return }
        if final.state != "succeeded" {
            for line in JobText.failures(final) { Output.note(line) }
            throw ExitCode.failure
        }
    }

    /// Submits, prints the submission, and with --wait/--follow waits and returns the final status.
    func submit(with client: PoolClient) async throws -> JobStatus? {
        let waiting = wait || follow
        let (spec, repo) = (self.spec, try home.openRepo())
        let options = JobSubmission.Options(keepGoing: keepGoing, noCache: noCache)
        let submitted = try await Interruption.cancelling {
            try await JobSubmitter(client: client, repo: repo).submit(specFile: spec, options: options)
        }
        let job = submitted.job
        if output.json && !waiting {
            try Output.json(submitted)
        } else if !output.json {
            let uploaded = submitted.upload.map { ", uploaded \($0.blocks) blocks (\($0.newBlocks) new)" } ?? ""
            print("submitted job \(job.id) (\(job.name), \(job.tasks.count) task\(job.tasks.count == 1 ? "" : "s")\(uploaded))")
        }
        guard waiting else { return nil }
        let live = follow && !output.json
        let onEvent: @Sendable (JobEventMessage) -> Void = { event in
            guard live else { return }
            print(JobText.event(event))
            fflush(nil)
        }
        let onLogLine: (@Sendable (String, PoolClient.LogStream, String) -> Void)? = live ? Self.printLine : nil
        let status = try await Interruption.cancelling {
            try await JobWatcher(client: client).wait(job: job.id, onEvent: onEvent, onLogLine: onLogLine)
        }
        if output.json { try Output.json(Finished(submitted: submitted, final: status)) } else { print(JobText.status(status)) }
        return status
    }

    /// A task's output line: `task| line` (stdout) or `task! line` (stderr).
    @Sendable static func printLine(task: String, stream: PoolClient.LogStream, line: String) {
        print("\(task)\(stream == .stderr ? "!" : "|") \(line)")
        fflush(nil)
    }
}
