import BlockStore
import Foundation
import IPLD
import JobStore
import Orchestrator
import Pipeline
import Testing
@testable import Worker

@Suite(.enabled(if: canSandbox, "the sandbox needs root"))
struct LocalRunTests {
    @Test func aDiamondRunsAndASecondRunIsAllCacheHits() async throws {
        let world = try PipelineWorld()
        let first = try await world.run()
        #expect(first.state == .succeeded, "\(first)")
        #expect(first.tasks.map(\.id) == ["words", "upper", "count", "report"])
        #expect(first.tasks.allSatisfy { $0.state == .succeeded && $0.attempts == 1 && !$0.cached })
        let node = try LocalNode(home: world.home)
        let report = try #require(world.task(first, "report")?.outputs["r"])
        #expect(String(decoding: try node.repo.unixfs.bytes(try node.repo.unixfs.resolve("\(report)/report")), as: UTF8.self)
            == "3\nALPHA\nBETA\nGAMMA\n")

        let second = try await world.run()
        #expect(second.run != first.run)
        #expect(second.state == .succeeded)
        #expect(second.tasks.allSatisfy { $0.state == .cached })
        #expect(second.tasks.map(\.outputs) == first.tasks.map(\.outputs))
        #expect(second.tasks.map(\.original) == first.tasks.map(\.step))

        let third = try await world.run(noCache: true)
        #expect(third.tasks.allSatisfy { $0.state == .succeeded })
        #expect(third.tasks.map(\.outputs) == first.tasks.map(\.outputs))
        #expect(third.tasks.map(\.step) != first.tasks.map(\.step))
    }

    @Test func aFailedTaskSkipsItsDependantsAndAResumeRetriesOnlyWhatFailed() async throws {
        let spec = PipelineWorld.diamond.replacingOccurrences(
            of: "wc -l < /inputs/list/words > /outputs/n/count", with: "echo counting failed >&2; exit 4")
        let world = try PipelineWorld(spec: spec)
        let report = try await world.run(keepGoing: true)
        #expect(report.state == .failed)
        #expect(report.reason == "task 'count' failed: exited with code 4")
        #expect(world.task(report, "count")?.stderrTail == "counting failed")
        #expect(world.task(report, "upper")?.state == .succeeded)
        #expect(world.task(report, "report")?.state == .skipped)
        #expect(world.task(report, "report")?.message == "dependency 'count' failed")

        let resumed = try await LocalRun.run(.resume(String(report.run.prefix(12))), options: world.options())
        #expect(resumed.run == report.run)
        #expect(world.task(resumed, "words")?.attempts == 1)
        #expect(world.task(resumed, "words")?.step == world.task(report, "words")?.step)
        #expect(world.task(resumed, "upper")?.attempts == 1)
        #expect(world.task(resumed, "count")?.attempts == 2)
        #expect(world.task(resumed, "count")?.state == .failed)
    }

    /// A crash can take a run's newest blocks with it (they are flushed when the run settles):
    /// resuming redoes the tasks whose results are gone, and what depends on them.
    @Test func aResumeRedoesTasksWhoseResultsWereLost() async throws {
        let spec = PipelineWorld.diamond.replacingOccurrences(
            of: "wc -l < /inputs/list/words > /outputs/n/count", with: "exit 4")
        let world = try PipelineWorld(spec: spec)
        let report = try await world.run(keepGoing: true)
        #expect(world.task(report, "upper")?.state == .succeeded)
        let node = try LocalNode(home: world.home)
        let upper = try #require(world.task(report, "upper")?.outputs["list"])
        let leaf = try node.repo.unixfs.resolve("\(upper)/words")
        #expect(try node.repo.blocks.remove(leaf.multihash) != nil)

        let resumed = try await LocalRun.run(.resume(report.run), options: world.options())
        #expect(world.task(resumed, "words")?.attempts == 1)          // its results are intact
        #expect(world.task(resumed, "upper")?.attempts == 2)          // lost a block: done again
        #expect(world.task(resumed, "upper")?.outputs["list"] == upper)
        #expect(try node.repo.hasComplete(try CID(upper)))
        #expect(world.task(resumed, "count")?.attempts == 2)          // failed before, retried
        #expect(world.task(resumed, "report")?.state == .skipped)
    }

    @Test func resumingASucceededRunRunsNothing() async throws {
        let world = try PipelineWorld()
        let first = try await world.run()
        let again = try await LocalRun.run(.resume(first.run), options: world.options())
        #expect(again.state == .succeeded)
        #expect(again.tasks == first.tasks)
    }

    @Test func anUnknownCIDInputFailsBeforeAnythingRuns() async throws {
        let spec = PipelineWorld.diamond.replacingOccurrences(
            of: "text: data/words.txt", with: "text: bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba")
        let world = try PipelineWorld(spec: spec)
        await #expect {
            try await world.run()
        } throws: { error in
            (error as? OrchestratorError)?.code == .unknownCID && "\(error)".contains("input 'text'")
        }
        let node = try LocalNode(home: world.home)
        #expect(try node.store.jobs().isEmpty)
        #expect(try node.repo.pins().isEmpty)
        #expect(try node.repo.statistics().blocks == 0)
    }

    @Test func anInvalidSpecFailsBeforeTheHomeIsTouched() async throws {
        let world = try PipelineWorld(spec: "version: 1\ntasks:\n  - id: a\n    run: [x]\n    bogus: 1\n")
        await #expect(throws: PipelineError.self) { try await world.run() }
        #expect(!FileManager.default.fileExists(atPath: world.home))
    }

    @Test func aRunBeingDrivenElsewhereCannotBeResumed() async throws {
        let world = try PipelineWorld()
        let first = try await world.run()
        // Another test in this process may be spawning a child at this moment; until it execs, the
        // child shares the finished run's lock description (flock), so take the lock with a short,
        // bounded retry.
        var taken: RunLock?
        for _ in 0..<50 where taken == nil {
            taken = try? RunLock(home: WorkerHome(world.home), job: first.run)
            if taken == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let lock = try #require(taken)
        await #expect { try await LocalRun.run(.resume(first.run), options: world.options()) }
            throws: { ($0 as? WorkerError)?.code == .runBusy }
        withExtendedLifetime(lock) {}
    }
}
