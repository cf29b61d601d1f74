import Foundation
import Orchestrator
import Scheduling
import Testing
@testable import Requester

/// The demands kept between placement passes: what the dispatcher hands over and what a pass
/// finds active stay; whatever ended goes.
@Suite struct DemandCacheTests {
    static func demand(_ task: String, failedOn: Set<String> = []) -> TaskDemand {
        TaskDemand(key: TaskKey(job: "j", task: task), failedOn: failedOn, readySince: Date(timeIntervalSince1970: 0))
    }

    @Test func aDemandHandedOverIsUsedUntilItsExecutionEnds() {
        let cache = DemandCache()
        cache.remember(["e1": Self.demand("a")])
        #expect(cache.demand("e1") == Self.demand("a"))
        // The first pass finds it active and keeps it; the next one does not (it ended): it goes.
        let first = cache.beginPass()
        #expect(cache.known()["e1"] == Self.demand("a"))
        cache.endPass(first, keeping: ["e1": Self.demand("a")])
        #expect(cache.demand("e1") == Self.demand("a"))
        cache.endPass(cache.beginPass(), keeping: [:])
        #expect(cache.demand("e1") == nil)
        #expect(cache.count == 0)
    }

    @Test func aDemandHandedOverBeforeAPassThatDidNotFindItIsForgotten() {
        // Stored and remembered before the pass read the store, yet not active: it ended
        // (cancelled, returned, lost) before the pass.
        let cache = DemandCache()
        cache.remember(["e1": Self.demand("a")])
        let pass = cache.beginPass()
        cache.endPass(pass, keeping: [:])
        #expect(cache.demand("e1") == nil)
    }

    @Test func aDemandHandedOverDuringAPassIsKeptForTheNext() {
        // Stored after the pass read the store: the pass could not see it, the next one will.
        let cache = DemandCache()
        let pass = cache.beginPass()
        cache.remember(["e2": Self.demand("b")])
        cache.endPass(pass, keeping: [:])
        #expect(cache.demand("e2") == Self.demand("b"))
        let next = cache.beginPass()
        cache.endPass(next, keeping: ["e2": Self.demand("b")])
        #expect(cache.demand("e2") == Self.demand("b"))
    }

    @Test func aRequeuedTaskGetsItsNewExecutionsDemandNotTheOldOne() {
        // Attempt 1 (e1) was lost on n1; attempt 2 is a new execution (e2) that avoids n1.
        let cache = DemandCache()
        cache.remember(["e1": Self.demand("a")])
        cache.endPass(cache.beginPass(), keeping: ["e1": Self.demand("a")])
        cache.remember(["e2": Self.demand("a", failedOn: ["n1"])])
        cache.endPass(cache.beginPass(), keeping: ["e2": Self.demand("a", failedOn: ["n1"])])
        #expect(cache.demand("e1") == nil)
        #expect(cache.demand("e2")?.failedOn == ["n1"])
    }

    @Test func aFreshCacheKnowsNothingUntilAPassBuildsIt() {
        // After a restart nothing is handed over: the first pass builds every demand from the store.
        let cache = DemandCache()
        #expect(cache.known().isEmpty)
        cache.endPass(cache.beginPass(), keeping: ["e1": Self.demand("a"), "e2": Self.demand("b")])
        #expect(cache.count == 2)
    }

    @Test func theAssignmentHandedOverStaysWithItsDemandAndGoesWithIt() throws {
        // The claim hands the dispatcher's assignment out instead of decoding the stored text.
        let cache = DemandCache()
        let assignment = try ClaimAnswerTests.step("a")
        cache.remember(["e1": Self.demand("a")], assignments: ["e1": assignment])
        #expect(cache.assignment("e1") == assignment)
        // A pass that finds it active keeps it with the demand it rebuilt.
        cache.endPass(cache.beginPass(), keeping: ["e1": Self.demand("a")])
        #expect(cache.assignment("e1") == assignment)
        cache.endPass(cache.beginPass(), keeping: [:])
        #expect(cache.assignment("e1") == nil)
        // A demand a pass built from the store has no assignment: the claim decodes the stored one.
        cache.endPass(cache.beginPass(), keeping: ["e2": Self.demand("b")])
        #expect(cache.demand("e2") != nil && cache.assignment("e2") == nil)
    }
}
