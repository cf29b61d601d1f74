import Testing
@testable import Pipeline

@Suite struct TaskGraphTests {
    /// fetch -> clean, stats -> report (written in a scrambled order).
    let diamond: TaskGraph

    init() throws {
        diamond = try TaskGraph(edges: [
            ("report", ["clean", "stats"]), ("stats", ["fetch"]), ("fetch", []), ("clean", ["fetch"]),
        ])
    }

    @Test func topologicalOrderBreaksTiesBySpecOrder() {
        #expect(diamond.order == ["fetch", "stats", "clean", "report"])
        #expect(diamond.levels == [["fetch"], ["stats", "clean"], ["report"]])
    }

    @Test func dependencyQueries() throws {
        #expect(try diamond.dependencies(of: "report") == ["stats", "clean"])
        #expect(try diamond.dependants(of: "fetch") == ["stats", "clean"])
        #expect(try diamond.transitiveDependants(of: "fetch") == ["report", "stats", "clean"])
        #expect(try diamond.transitiveDependants(of: "clean") == ["report"])
        #expect(try diamond.transitiveDependencies(of: "report") == ["stats", "fetch", "clean"])
        #expect(try diamond.dependencies(of: "fetch").isEmpty)
        #expect(throws: PipelineError(.unknownTask, "no task 'nope' in this pipeline")) { try diamond.dependants(of: "nope") }
    }

    @Test func readyFollowsProgress() {
        #expect(diamond.ready(done: []) == ["fetch"])
        #expect(diamond.ready(done: [], started: ["fetch"]).isEmpty)
        #expect(diamond.ready(done: ["fetch"]) == ["stats", "clean"])
        #expect(diamond.ready(done: ["fetch"], started: ["stats"]) == ["clean"])
        #expect(diamond.ready(done: ["fetch", "stats"]) == ["clean"])
        #expect(diamond.ready(done: ["fetch", "stats", "clean"]) == ["report"])
        #expect(diamond.ready(done: ["fetch", "stats", "clean", "report"]).isEmpty)
    }

    @Test func aFailedTaskBlocksOnlyItsDependants() throws {
        // clean failed: it is "started" but never done; stats still runs, report never becomes ready.
        let graph = try TaskGraph(edges: [("a", []), ("b", ["a"]), ("c", ["b"]), ("d", [])])
        #expect(graph.ready(done: ["a"], started: ["b"]) == ["d"])
        #expect(graph.ready(done: ["a", "d"], started: ["b"]).isEmpty)
        #expect(try graph.transitiveDependants(of: "b") == ["c"])
    }

    @Test func rejectsCyclesWithTheirPath() {
        #expect(throws: PipelineError(.dependencyCycle, "dependency cycle: a -> b -> c -> a")) {
            try TaskGraph(edges: [("a", ["c"]), ("b", ["a"]), ("c", ["b"]), ("d", ["c"])])
        }
        #expect(throws: PipelineError(.dependencyCycle, "dependency cycle: a -> a")) {
            try TaskGraph(edges: [("a", ["a"])])
        }
    }

    @Test func rejectsUnknownAndDuplicateTasks() {
        #expect(throws: PipelineError(.unknownTask, "task 'a' waits for unknown task 'x'")) {
            try TaskGraph(edges: [("a", ["x"])])
        }
        #expect(throws: PipelineError(.duplicateTask, "task id 'a' is used twice")) {
            try TaskGraph(edges: [("b", []), ("a", []), ("a", [])])
        }
    }

    @Test func cyclesFindsEveryComponentOnce() {
        // 0 -> 1 -> 2 -> 0, 3 <-> 4, 5 -> 5, 6 alone; 2 -> 3 links two cycles without merging them.
        let successors = [[1], [2], [0, 3], [4], [3], [5], []]
        #expect(TaskGraph.cycles(successors: successors) == [[0, 1, 2], [3, 4], [5]])
    }

    @Test func cyclePathIsAShortestCycle() {
        // 0 -> 1 -> 2 -> 0 and the shortcut 0 -> 2: the reported cycle is 0 -> 2 -> 0.
        let successors = [[1, 2], [2], [0]]
        #expect(TaskGraph.cycles(successors: successors) == [[0, 2]])
    }

    @Test func longChainsDoNotOverflowTheStack() throws {
        let count = 20_000
        let edges = (0..<count).map { ("t\($0)", $0 == 0 ? [] : ["t\($0 - 1)"]) }
        let graph = try TaskGraph(edges: edges)
        #expect(graph.order.first == "t0")
        #expect(graph.order.last == "t\(count - 1)")
        #expect(graph.levels.count == count)
    }

    @Test func buildsFromASpec() throws {
        let graph = try TaskGraph(try Fixtures.load("valid", "diamond.yaml"))
        #expect(graph.order == ["fetch", "stats", "clean", "report"])
        #expect(graph.contains("report"))
        #expect(!graph.contains("nope"))
    }
}
