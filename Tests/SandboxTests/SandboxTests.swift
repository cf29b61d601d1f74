import Foundation
import Testing

@testable import Sandbox

@Suite(.serialized, .enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct SandboxTests {
    @Test func echo() async throws {
        let run = try await runSandboxed(["sh", "-c", "echo hello; id -u"])
        print(run)
        #expect(run.result.succeeded)
        #expect(run.stdout == "hello\n65534\n")
    }
}
