import Foundation
import ShoalTesting
import Testing
@testable import Worker

@Suite(.enabled(if: canSandbox, "the sandbox needs root"))
struct SandboxPreflightTests {
    @Test func aPassedCheckIsRememberedForThisBootAndLauncher() async throws {
        let folder = TemporaryDirectory("preflight")
        let home = WorkerHome(folder.path)
        let file = folder.file("cache/sandbox-check")
        try await SandboxPreflight.require(home: home)
        let remembered = try String(contentsOfFile: file, encoding: .utf8)
        #expect(remembered == (try SandboxPreflight.fingerprint()))
        let boot = try String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(remembered.contains("boot=\(boot)"))
        #expect(remembered.contains("launcher=/"))
        // A fingerprint that no longer matches (another boot, a rebuilt launcher) means a new check.
        try "shoal-sandbox-check/1 boot=another\n".write(toFile: file, atomically: true, encoding: .utf8)
        try await SandboxPreflight.require(home: home)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == remembered)
    }
}
