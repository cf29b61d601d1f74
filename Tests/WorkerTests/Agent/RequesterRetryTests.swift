import Foundation
import Orchestrator
import PoolAPI
import PoolClient
import Testing

@testable import Worker

/// Reports against the fake requester: failures that pass, refusals that do not.
@Suite struct RequesterRetryTests {
    static func report(_ client: PoolClient) async -> RequesterRetry.Result<ReportResponse> {
        let outcome = StepOutcome(jobID: "j", taskID: "t", attempt: 1, status: .succeeded, recipe: testCID(1))
        return await RequesterRetry.run("report", logger: AgentWorld.logger, backoff: Backoff(initial: .milliseconds(10))) {
            try await client.report(execution: "e1", ExecutionReport(outcome: outcome))
        }
    }

    @Test func aReportIsRetriedThroughServerErrorsUntilItIsRecordedOnce() async throws {
        let requester = FakeRequester()
        requester.update { $0.failReports = 3 }
        let result = try await withServers([requester.router()]) { urls in
            try await PoolClient.with(.init(url: urls[0], token: FakeRequester.credential)) { await Self.report($0) }
        }
        guard case .done(let answer) = result else { throw AgentTestFailure("not recorded: \(result)") }
        #expect(answer == ReportResponse(recorded: true, duplicate: false))
        #expect(requester.snapshot.reportAttempts == 4)
        #expect(requester.snapshot.reports["e1"]?.count == 1)
    }

    @Test func aLostLeaseIsARefusalNotARetry() async throws {
        let requester = FakeRequester()
        requester.update { $0.leaseLost = true }
        let result = try await withServers([requester.router()]) { urls in
            try await PoolClient.with(.init(url: urls[0], token: FakeRequester.credential)) { await Self.report($0) }
        }
        guard case .refused(let error) = result else { throw AgentTestFailure("not refused: \(result)") }
        #expect(error.code == .conflict)
        #expect(requester.snapshot.reportAttempts == 1)
    }

    @Test func cancellationStopsTheRetries() async throws {
        let result = await withTaskGroup(of: RequesterRetry.Result<Int>.self) { group in
            group.addTask {
                await RequesterRetry.run("call", logger: AgentWorld.logger, backoff: Backoff(initial: .milliseconds(20))) {
                    throw PoolClientError(.unreachable, "down")
                }
            }
            try? await Task.sleep(for: .milliseconds(100))
            group.cancelAll()
            return await group.next()!
        }
        guard case .stopped = result else { throw AgentTestFailure("not stopped: \(result)") }
    }
}
