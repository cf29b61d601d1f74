import IPLD
import Sandbox
import Testing
import Units
@testable import Worker

struct RecipeLimitsTests {
    @Test func everyRecipeLimitReachesTheSandbox() {
        var spec = SandboxSpec(command: ["true"])
        RecipeLimits.apply([
            "memory": .int(64 << 20), "pids": .int(32), "cpu": .float(0.5), "timeoutMs": .int(1500),
            "disk": .int(1 << 20), "network": .string("loopback"),
        ], to: &spec)
        #expect(spec.limits.memory == ByteSize(bytes: 64 << 20))
        #expect(spec.limits.pids == 32)
        #expect(spec.limits.cpus == 0.5)
        #expect(spec.limits.timeout == .milliseconds(1500))
        #expect(spec.limits.outputBytes == ByteSize(bytes: 1 << 20))
        #expect(spec.network == .loopback)
    }

    @Test func unsetOrNonsenseLimitsKeepTheDefaults() {
        let defaults = SandboxSpec(command: ["true"])
        var spec = defaults
        RecipeLimits.apply(["memory": .int(-5), "pids": .string("many"), "network": .string("internet")], to: &spec)
        #expect(spec.limits == defaults.limits)
        #expect(spec.network == .none)
        RecipeLimits.apply(["cpu": .int(2)], to: &spec)
        #expect(spec.limits.cpus == 2)
    }
}
