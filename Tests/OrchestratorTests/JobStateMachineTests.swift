import JobStore
import Pipeline
import ShoalTesting
import Testing
@testable import Orchestrator

struct JobStateMachineTests {
    func diamond() throws -> TaskGraph { try TaskGraph(try loadSpec(diamondYAML)) }

    @Test func tasksBecomeReadyAsTheirDependenciesSucceed() throws {
        var machine = JobStateMachine(graph: try diamond(), states: [:], keepGoing: false)
        #expect(machine.promoteReady() == ["split"])
        #expect(machine.nextToStart() == "split")
        machine.start("split")
        #expect(machine.nextToStart() == nil)
        #expect(machine.promoteReady() == [])
        #expect(machine.finish("split", as: .succeeded) == [])
        #expect(machine.promoteReady() == ["left", "right"])
        machine.start("left")
        #expect(machine.nextToStart() == "right")
        machine.start("right")
        #expect(machine.running == ["left", "right"])
        _ = machine.finish("left", as: .cached)
        #expect(machine.promoteReady() == [])          // join still waits for right
        _ = machine.finish("right", as: .succeeded)
        #expect(machine.promoteReady() == ["join"])
        machine.start("join")
        #expect(!machine.isFinished)
        _ = machine.finish("join", as: .succeeded)
        #expect(machine.isFinished)
        #expect(machine.outcome == .succeeded)
    }

    @Test func aFailureSkipsItsDependantsAndStopsNewStarts() throws {
        var machine = JobStateMachine(graph: try diamond(), states: ["split": .succeeded], keepGoing: false)
        #expect(machine.promoteReady() == ["left", "right"])
        machine.start("left")
        #expect(machine.finish("left", as: .failed) == ["join"])
        #expect(machine.isStopping)
        #expect(machine.nextToStart() == nil)          // right is ready but does not start
        #expect(machine.isFinished)
        #expect(machine.closeRemaining(as: .skipped) == ["right"])
        #expect(machine.outcome == .failed)
        #expect(machine.firstFailure == "left")
    }

    @Test func inFlightTasksFinishAfterAFailure() throws {
        var machine = JobStateMachine(graph: try diamond(), states: ["split": .succeeded], keepGoing: false)
        _ = machine.promoteReady()
        machine.start("left")
        machine.start("right")
        _ = machine.finish("left", as: .failed)
        #expect(!machine.isFinished)                    // right still runs
        _ = machine.finish("right", as: .succeeded)
        #expect(machine.isFinished)
        #expect(machine.states["join"] == .skipped)
    }

    @Test func keepGoingRunsWhatDoesNotDependOnTheFailure() throws {
        var machine = JobStateMachine(graph: try diamond(), states: ["split": .succeeded], keepGoing: true)
        _ = machine.promoteReady()
        machine.start("left")
        #expect(machine.finish("left", as: .failed) == ["join"])
        #expect(!machine.isStopping)
        #expect(machine.nextToStart() == "right")
        machine.start("right")
        _ = machine.finish("right", as: .succeeded)
        #expect(machine.promoteReady() == [])
        #expect(machine.isFinished)
        #expect(machine.outcome == .failed)
    }

    @Test func storedStatesAreTheStartingPoint() throws {
        // A drive resumed after a crash: split done, left was running, right was ready.
        let machine = JobStateMachine(
            graph: try diamond(), states: ["split": .succeeded, "left": .running, "right": .ready], keepGoing: false)
        #expect(machine.running == ["left"])
        #expect(machine.states["right"] == .pending)    // readiness is recomputed
        var copy = machine
        #expect(copy.promoteReady() == ["right"])
        // A stored failure stops new starts when the drive resumes without keep-going.
        let failed = JobStateMachine(graph: try diamond(), states: ["split": .failed], keepGoing: false)
        #expect(failed.isStopping)
    }

    @Test func cancellationStopsEverything() throws {
        var machine = JobStateMachine(graph: try diamond(), states: [:], keepGoing: true)
        _ = machine.promoteReady()
        machine.start("split")
        machine.cancel()
        #expect(machine.nextToStart() == nil)
        #expect(machine.finish("split", as: .cancelled) == ["left", "right", "join"])
        #expect(machine.isFinished)
        #expect(machine.outcome == .cancelled)
    }

    /// The machine keeps the graph's order, the pending tasks and where ready ones start, so its
    /// answers must be those of a pass over every task, whatever happens in between.
    @Test func answersAgreeWithAPassOverEveryTaskOnGeneratedRuns() throws {
        var random = SplitMix64(seed: 0x57A7E)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        for _ in 0..<300 {
            let count = 1 + Int(random.next() % 12)
            let edges = (0..<count).map { i in
                (id: "t\(i)", dependsOn: (0..<i).filter { _ in random.next() % 4 == 0 }.map { "t\($0)" })
            }
            let graph = try TaskGraph(edges: edges)
            var machine = JobStateMachine(graph: graph, states: [:], keepGoing: random.next() % 2 == 0)
            var steps = 0
            while !machine.isFinished {
                steps += 1
                #expect(steps < 1000)
                if steps >= 1000 { return }
                let states = machine.states
                let promotable = machine.isStopping ? [] : graph.order.filter { id in
                    states[id] == .pending && ((try? graph.dependencies(of: id)) ?? []).allSatisfy { states[$0]?.isSuccessful == true }
                }
                #expect(machine.promoteReady() == promotable)
                let ready = graph.order.filter { machine.states[$0] == .ready }
                #expect(machine.nextToStart() == (machine.isStopping ? nil : ready.first))
                let running = machine.running
                switch random.next() % 4 {
                case 0 where !ready.isEmpty && !machine.isStopping:
                    machine.start(pick(ready))       // not always the first one
                case 1 where machine.nextToStart() != nil:
                    machine.start(machine.nextToStart()!)
                default:
                    if !running.isEmpty {
                        _ = machine.finish(pick(running), as: pick([.succeeded, .succeeded, .cached, .failed]))
                    } else if let next = machine.nextToStart() {
                        machine.start(next)
                    }
                }
            }
        }
    }
}
