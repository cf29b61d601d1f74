import Testing

@testable import Sandbox

@Suite struct SandboxFeaturesTests {
    private static let ready = """
        version=1
        kernel=6.1.0
        root=1
        ns.mount=1
        ns.pid=1
        ns.net=1
        ns.ipc=1
        ns.uts=1
        ns.user=1
        ns.cgroup=1
        libseccomp=2.5.4
        seccomp=1
        cgroup.memory=v1
        cgroup.memory.usable=1
        cgroup.pids=v1
        cgroup.pids.usable=1
        cgroup.cpu=v1
        cgroup.cpu.usable=1
        cgroup.cpuacct=v1
        cgroup.cpuacct.usable=1
        trial.userns=ok
        trial.plain=ok
        """

    @Test func aReadyHostMissesNothing() {
        let features = SandboxFeatures(report: LauncherReport(parsing: Self.ready))
        #expect(features.canSandbox)
        #expect(features.missing == [])
        #expect(features.userNamespaces)
        #expect(features.cgroupControllers["memory"] == .init(hierarchy: "v1", usable: true, error: nil))
    }

    @Test func missingRequiredFeaturesComeWithAFix() {
        let text = Self.ready
            .replacingOccurrences(of: "ns.pid=1", with: "ns.pid=0")
            .replacingOccurrences(of: "seccomp=1", with: "seccomp=0")
            .replacingOccurrences(of: "cgroup.pids=v1\ncgroup.pids.usable=1", with: "cgroup.pids=missing")
            .replacingOccurrences(of: "trial.userns=ok", with: "trial.userns=user namespace: open /proc/1/uid_map: EPERM")
        let features = SandboxFeatures(report: LauncherReport(parsing: text))
        #expect(!features.canSandbox)
        #expect(!features.userNamespaces)
        #expect(features.missing.map(\.feature) == ["pid namespace", "seccomp", "pids cgroup controller"])
        #expect(features.missing[0].fix.contains("CONFIG_PID_NS=y"))
        #expect(features.missing[1].fix.contains("libseccomp"))
        #expect(features.missing[2].fix.contains("mount -t cgroup -o pids"))
    }

    @Test func aControllerTheHostMountsButThisMountNamespaceHidesSaysToEnterOnlyTheNetworkNamespace() {
        let hidden = "the host mounts it, but this process's mount namespace has a /sys of its own"
        let text = Self.ready.replacingOccurrences(
            of: "cgroup.memory=v1\ncgroup.memory.usable=1", with: "cgroup.memory=missing\ncgroup.memory.error=\(hidden)")
        let missing = SandboxFeatures(report: LauncherReport(parsing: text)).missing
        #expect(missing == [.init(feature: "memory cgroup controller", fix: hidden)])
    }

    @Test func optionalFeaturesAreNotRequired() {
        let text = Self.ready
            .replacingOccurrences(of: "ns.user=1", with: "ns.user=0")
            .replacingOccurrences(of: "cgroup.cpu=v1\ncgroup.cpu.usable=1", with: "cgroup.cpu=missing")
            .replacingOccurrences(of: "trial.userns=ok", with: "trial.userns=clone: EPERM")
        #expect(SandboxFeatures(report: LauncherReport(parsing: text)).canSandbox)
    }

    @Test func notRootAndAFailedTrialAreReported() {
        let text = Self.ready.replacingOccurrences(of: "root=1", with: "root=0")
            .replacingOccurrences(of: "trial.userns=ok", with: "trial.userns=x")
            .replacingOccurrences(of: "trial.plain=ok", with: "trial.plain=cannot mount /proc: EPERM")
        let missing = SandboxFeatures(report: LauncherReport(parsing: text)).missing
        #expect(missing.map(\.feature) == ["root", "trial run"])
        #expect(missing[1].fix == "a sandboxed `true` failed: cannot mount /proc: EPERM")
    }
}
