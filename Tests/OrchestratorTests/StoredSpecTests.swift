import Pipeline
import Testing
@testable import Orchestrator

struct StoredSpecTests {
    @Test func aResolvedSpecRoundTripsExactly() throws {
        let yaml = """
            version: 1
            name: round-trip
            inputs:
              corpus: \(testCID(1).string)
              secret: {cid: \(testCID(2).string), private: true}
            import: {cidVersion: 0, chunker: size-1024}
            tasks:
              - id: clean
                tool: \(testCID(3).string)
                run: [python3, clean.py, "{{params.rate}}", "{{params.flag}}"]
                inputs: {corpus: {from: inputs.corpus}, secret: {from: inputs.secret}}
                params: {rate: 1.0, count: 3, flag: true, nested: {list: [1, 2.5, "x"]}}
                outputs: [clean]
                resources: {memory: 512MiB, timeout: 90s, cpu: 0.5}
                network: loopback
                cache: false
                env: {MODE: "{{params.count}}"}
            """
        let spec = try loadSpec(yaml)
        let stored = try StoredSpec.encode(spec)
        let back = try StoredSpec.decode(stored, job: "0000000001abcd")
        #expect(back == spec)
        // Floats stay floats: 1.0 must not come back as the integer 1.
        #expect(back.tasks[0].params["rate"] == .float(1.0))
    }

    @Test func aStoredSpecWithLocalPathsOrErrorsIsRefused() throws {
        #expect { try StoredSpec.decode("{\"version\": 1, \"tasks\": []}", job: "j") } throws: { error in
            (error as? OrchestratorError)?.code == .invalidJob
                && "\(error)".hasPrefix("invalid job: the stored spec of run j is not valid: ")
        }
        let withPath = """
            {"version": 1, "name": "p", "tasks": [{"id": "a", "tool": "./tool", "run": ["x"]}]}
            """
        #expect(throws: OrchestratorError.self) { try StoredSpec.decode(withPath, job: "j") }
    }
}
