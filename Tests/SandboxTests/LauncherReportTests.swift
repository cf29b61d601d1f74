import Testing

@testable import Sandbox

@Suite struct LauncherReportTests {
    private let stdout = SandboxLog(path: "/logs/stdout.log", totalBytes: 10, keptBytes: 10)
    private let stderr = SandboxLog(path: "/logs/stderr.log", totalBytes: 0, keptBytes: 0)

    @Test func aReportIsCompleteOnlyWithItsLastLineOrAnError() {
        #expect(!LauncherReport(parsing: "reason=exited\nstatus=exited\nexit_code=0\n").isComplete)
        #expect(LauncherReport(parsing: "reason=exited\nstatus=exited\nexit_code=0\nuserns=1\nend=1\n").isComplete)
        #expect(LauncherReport(parsing: "error=cgroup memory: not mounted\n").isComplete)
        #expect(!LauncherReport(parsing: "").isComplete)
    }

    @Test func aFinishedRunBecomesAResult() throws {
        let report = LauncherReport(parsing: """
            reason=exited
            status=exited
            exit_code=3
            wall_ns=1500000000
            cpu_user_ns=200000000
            cpu_system_ns=100000000
            memory_peak=1048576
            oom_kills=0
            pids_limit_hits=0
            output_bytes=42
            userns=1

            """)
        let result = try report.result(stdout: stdout, stderr: stderr, isolated: true, launcherStatus: "exited with status 0")
        #expect(result.reason == .exited)
        #expect(result.termination == .exited(3))
        #expect(!result.succeeded)
        #expect(result.wallTime == .milliseconds(1500))
        #expect(result.cpuTime == .milliseconds(300))
        #expect(result.peakMemory == 1 << 20)
        #expect(result.bytesWritten == 52)
        #expect(result.usedUserNamespace)
        #expect(result.message == nil)
    }

    @Test func aSignalAndAMessageWithEqualsSignsAreKept() throws {
        let report = LauncherReport(parsing: "reason=memory\nstatus=signaled\nsignal=9\nmessage=a=b c\n")
        let result = try report.result(stdout: stdout, stderr: stderr, isolated: true, launcherStatus: "")
        #expect(result.reason == .memory)
        #expect(result.termination == .signaled(9))
        #expect(result.signal == 9)
        #expect(result.exitCode == nil)
        #expect(result.message == "a=b c")
    }

    @Test func aSetupErrorIsThrown() {
        let report = LauncherReport(parsing: "error=cgroup: cannot create /sys/fs/cgroup/x: Permission denied\n")
        #expect { try report.result(stdout: stdout, stderr: stderr, isolated: true, launcherStatus: "") } throws: { error in
            let error = error as? SandboxError
            return error?.code == .launchFailed && error?.message == "cgroup: cannot create /sys/fs/cgroup/x: Permission denied"
        }
    }

    @Test func aMissingOrUnknownReasonIsALaunchFailure() {
        #expect {
            try LauncherReport(parsing: "").result(stdout: stdout, stderr: stderr, isolated: true, launcherStatus: "was killed by signal 9")
        } throws: { ($0 as? SandboxError)?.message == "the launcher was killed by signal 9 without reporting a result" }
        #expect {
            try LauncherReport(parsing: "reason=gremlins\n").result(stdout: stdout, stderr: stderr, isolated: true, launcherStatus: "")
        } throws: { ($0 as? SandboxError)?.message == "the launcher reported an unknown reason 'gremlins'" }
    }

    @Test func everyReasonTheLauncherWritesIsKnown() {
        for reason in ["exited", "signaled", "timeout", "memory", "pids", "output-too-large", "cpu-time", "cancelled", "launch-failed"] {
            #expect(SandboxResult.Reason(rawValue: reason) != nil, "\(reason)")
        }
    }
}
