import Foundation
import ShoalTesting
import Testing

@testable import Sandbox

/// Runs that must work, and what a run leaves behind (nothing): cgroups, mounts, processes.
@Suite(.serialized, .enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct SandboxTests {
    @Test func pythonReadsAnInputAndWritesAnOutput() async throws {
        let folder = try TemporaryFolder("python")
        defer { folder.remove() }
        let input = SplitMix64.bytes(seed: 3, count: 65_536)
        try folder.write("data.bin", input)
        let run = try await runSandboxed([
            "python3", "-c",
            """
            data = open("/inputs/data", "rb").read()
            open("/outputs/result/reversed.bin", "wb").write(data[::-1])
            print(len(data))
            """,
        ]) {
            $0.inputs = ["data": folder.child("data.bin")]
            $0.outputsDirectory = folder.child("outputs")
            $0.outputs = ["result"]
        }
        #expect(run.result.succeeded, "\(run.stderr)")
        #expect(run.stdout == "65536\n")
        #expect(try folder.read("outputs/result/reversed.bin") == input.reversed())
        #expect(run.result.outputBytes == 65_536)
        #expect(run.result.bytesWritten == 65_536 + 6)
        try OutputCheck.verify(folder: folder.child("outputs/result"))
    }

    @Test func aShellPipelineRuns() async throws {
        let folder = try TemporaryFolder("pipeline")
        defer { folder.remove() }
        try folder.write("words.txt", "b a b c b a\n")
        let run = try await runSandboxed([
            "sh", "-c",
            "tr ' ' '\\n' < /inputs/words | grep . | sort | uniq -c | sort -rn | head -n 2 | awk '{print $2\"=\"$1}' > /outputs/top/top2",
        ]) {
            $0.inputs = ["words": folder.child("words.txt")]
            $0.outputsDirectory = folder.child("outputs")
            $0.outputs = ["top"]
        }
        #expect(run.result.succeeded, "\(run.stderr)")
        #expect(try folder.read("outputs/top/top2") == Array("b=3\na=2\n".utf8))
    }

    @Test func aToolReadsItsParamsFile() async throws {
        let folder = try TemporaryFolder("tool")
        defer { folder.remove() }
        try folder.write(
            "tool/double.py",
            """
            import json, os
            params = json.load(open(os.environ["SHOAL_PARAMS"]))
            print(os.getcwd(), os.environ["SHOAL_PARAMS"], params["threshold"] * 2)
            """)
        try folder.write("params.json", #"{"threshold": 21}"#)
        let run = try await runSandboxed(["python3", "double.py"]) {
            $0.toolDirectory = folder.child("tool")
            $0.paramsFile = folder.child("params.json")
        }
        #expect(run.result.succeeded, "\(run.stderr)")
        #expect(run.stdout == "/tool /inputs/.params.json 42\n")
    }

    @Test func loopbackNetworkingWorksWhenAsked() async throws {
        let run = try await runSandboxed([
            "python3", "-c",
            """
            import socket, threading
            server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            def answer():
                connection, _ = server.accept()
                connection.sendall(connection.recv(4).replace(b"i", b"o"))
                connection.close()
            threading.Thread(target=answer).start()
            client = socket.create_connection(server.getsockname())
            client.sendall(b"ping")
            print(client.recv(4).decode())
            """,
        ]) { $0.network = .loopback }
        #expect(run.result.succeeded, "\(run.stderr)")
        #expect(run.stdout == "pong\n")
    }

    @Test func theEnvironmentIsTheBasePlusTheSpec() async throws {
        let run = try await runSandboxed(["/usr/bin/env"]) {
            $0.environment = ["GREETING": "hello world", "LANG": "en_US.UTF-8"]
        }
        #expect(run.result.succeeded, "\(run.stderr)")
        let lines = Set(run.stdout.split(separator: "\n").map(String.init))
        #expect(lines == [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/tmp", "LANG=en_US.UTF-8",
            "SHOAL_INPUTS=/inputs", "SHOAL_OUTPUTS=/outputs", "GREETING=hello world",
        ])
    }

    @Test func outputIsStreamedWhileTheStepRuns() async throws {
        let logs = try TemporaryFolder("stream")
        defer { logs.remove() }
        var spec = SandboxSpec(command: ["sh", "-c", "echo one; echo two >&2; sleep 0.2; echo three"])
        spec.logDirectory = logs.path
        let process = try await Sandbox.start(spec, streamOutput: true)
        var stdout: [UInt8] = [], stderr: [UInt8] = []
        for await chunk in process.output {
            if chunk.stream == .stdout { stdout += chunk.bytes } else { stderr += chunk.bytes }
        }
        let result = try await process.result()
        #expect(result.succeeded)
        #expect(String(decoding: stdout, as: UTF8.self) == "one\nthree\n")
        #expect(String(decoding: stderr, as: UTF8.self) == "two\n")
        #expect(try String(contentsOfFile: result.stdout.path, encoding: .utf8) == "one\nthree\n")
    }

    @Test func concurrentRunsEachSeeOnlyTheirOwnInput() async throws {
        let folder = try TemporaryFolder("concurrent")
        defer { folder.remove() }
        for index in 0..<6 { try folder.write("input\(index).txt", "run \(index)\n") }
        let outputs = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<6 {
                group.addTask {
                    let run = try await runSandboxed(["sh", "-c", "cat /inputs/*; ls /inputs | wc -l"]) {
                        $0.inputs = ["mine": folder.child("input\(index).txt")]
                    }
                    return (index, run.stdout)
                }
            }
            var outputs: [Int: String] = [:]
            for try await (index, stdout) in group { outputs[index] = stdout }
            return outputs
        }
        for index in 0..<6 { #expect(outputs[index] == "run \(index)\n1\n") }
    }

    @Test func theCgroupExistsDuringTheRunAndIsGoneAfter() async throws {
        let mountsBefore = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        let logs = try TemporaryFolder("cleanup")
        defer { logs.remove() }
        // The step waits (at most 20 s) until the test creates `go` in its input folder, so the
        // check below happens while it runs however loaded the machine is.
        let signal = try TemporaryFolder("cleanup-signal")
        defer { signal.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: signal.path)
        var spec = SandboxSpec(command: [
            "sh", "-c", "cat /proc/self/mountinfo | wc -l; i=0; while [ ! -e /inputs/signal/go ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done",
        ])
        spec.inputs = ["signal": signal.path]
        spec.logDirectory = logs.path
        let process = try await Sandbox.start(spec)
        var groups: [String] = []
        for _ in 0..<200 where groups.isEmpty {
            groups = CgroupFolders.groups(ofLauncher: process.launcherPID)
            if groups.isEmpty { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(!groups.isEmpty, "the run's groups exist while it runs")
        // The sandbox's mounts live in its own mount namespace: the host never sees them.
        #expect(try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) == mountsBefore)
        _ = try signal.write("go", "")
        let result = try await process.result()
        #expect(result.succeeded)
        #expect(CgroupFolders.groups(ofLauncher: process.launcherPID).isEmpty)
        #expect(try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) == mountsBefore)
        // The step did see its own mounts.
        let inside = Int(try String(contentsOfFile: result.stdout.path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(inside > 10)
    }

    @Test func cancellingTheTaskKillsTheTree() async throws {
        let token = "cancel-\(Sandbox.randomID())"
        let started = ContinuousClock.now
        let task = Task { try await runSandboxed(["sh", "-c", "sleep 60 & sleep 61; : \(token)"]) }
        let launcher = try await waitForLauncher(withArgument: token)
        task.cancel()
        let run = try await task.value
        #expect(run.result.reason == .cancelled)
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(CgroupFolders.groups(ofLauncher: launcher).isEmpty)
        #expect(processes(withArgument: token).isEmpty)
    }

    @Test func aKilledLauncherTakesTheSandboxWithItAndItsGroupIsSweptLater() async throws {
        let token = "orphan-\(Sandbox.randomID())"
        let logs = try TemporaryFolder("orphan")
        defer { logs.remove() }
        var spec = SandboxSpec(command: ["sh", "-c", "sleep 60; : \(token)"])
        spec.logDirectory = logs.path
        let process = try await Sandbox.start(spec)
        _ = try await waitForLauncher(withArgument: token)
        try await Task.sleep(for: .milliseconds(200))
        // Its group exists while it runs (no launcher sweeps the group of a live one).
        #expect(!CgroupFolders.groups(ofLauncher: process.launcherPID).isEmpty)
        let killed = ContinuousClock.now
        kill(process.launcherPID, SIGKILL)
        await #expect(throws: SandboxError.self) { try await process.result() }
        #expect(ContinuousClock.now - killed < .seconds(20), "the launcher's end must be known long before the step's sleep 60")
        // The init dies with the launcher (PR_SET_PDEATHSIG), and the PID namespace with it. The
        // kernel does that after the launcher is gone, while the service is already reporting its
        // end: the step's processes are awaited (bounded), not expected gone at once.
        var left = processes(withArgument: token)
        while !left.isEmpty, ContinuousClock.now - killed < .seconds(20) {
            try await Task.sleep(for: .milliseconds(20))
            left = processes(withArgument: token)
        }
        #expect(left.isEmpty, "the step (sleep 60) must not outlive its launcher: \(left)")
        // A SIGKILLed launcher cannot remove its group; the next launcher to start sweeps it
        // (one started by a test running beside this one may already have).
        let next = try await runSandboxed(["true"])
        #expect(next.result.succeeded)
        #expect(CgroupFolders.groups(ofLauncher: process.launcherPID).isEmpty)
    }

    @Test func aMissingCommandIsALaunchFailure() async throws {
        let run = try await runSandboxed(["no-such-command-here"])
        #expect(run.result.reason == .launchFailed)
        #expect(run.result.termination == .unknown)
        #expect(run.result.message == "no-such-command-here: command not found")
    }

    @Test func anInputTheSandboxUserCannotReadIsRefusedBeforeTheRun() async throws {
        let folder = try TemporaryFolder("private")
        defer { folder.remove() }
        try folder.write("private/data.txt", "secret")
        chmod(folder.child("private"), 0o700)
        await #expect {
            _ = try await runSandboxed(["true"]) { $0.inputs = ["data": folder.child("private")] }
        } throws: { error in
            let error = error as? SandboxError
            return error?.code == .launchFailed && error?.message.contains("not readable by the sandbox user 65534") == true
        }
    }

    @Test func aMissingInputIsAnInvalidSpec() async throws {
        await #expect {
            _ = try await runSandboxed(["true"]) { $0.inputs = ["data": "/nonexistent/shoal/input"] }
        } throws: { error in
            (error as? SandboxError)?.code == .invalidSpec
        }
    }

    @Test func insecureRunsUseAStagingFolderOfSymlinks() async throws {
        let folder = try TemporaryFolder("insecure")
        defer { folder.remove() }
        try folder.write("data.txt", "plain\n")
        let run = try await runSandboxed([
            "sh", "-c", "cat \"$SHOAL_INPUTS/data\"; cp \"$SHOAL_INPUTS/data\" \"$SHOAL_OUTPUTS/out/copy\"; echo \"$SHOAL_INPUTS\"",
        ]) {
            $0.isolation = .insecureNoSandbox
            $0.inputs = ["data": folder.child("data.txt")]
            $0.outputsDirectory = folder.child("outputs")
            $0.outputs = ["out"]
        }
        #expect(run.result.succeeded, "\(run.stderr)")
        #expect(!run.result.isolated)
        #expect(try folder.read("outputs/out/copy") == Array("plain\n".utf8))
        let staging = String(run.stdout.split(separator: "\n").last ?? "")
        #expect(staging.hasSuffix("/inputs"))
        #expect(!FileManager.default.fileExists(atPath: staging), "the staging folder is removed after the run")
    }

    @Test func checkReportsThisHostAsReady() async throws {
        let features = try await Sandbox.check()
        #expect(features.canSandbox, "\(features.missing)")
        #expect(features.runningAsRoot)
        #expect(features.seccomp)
        for kind in ["mount", "pid", "net", "ipc", "uts"] { #expect(features.namespaces[kind] == true) }
        #expect(features.cgroupControllers["memory"]?.usable == true)
        #expect(features.cgroupControllers["pids"]?.usable == true)
    }

    @Test func concurrentChecksDoNotSweepEachOthersTrialRuns() async throws {
        // Each launcher removes groups whose owner is not a running launcher; a trial run must
        // therefore be recognisable as one while another check (or run) sweeps.
        let results = try await withThrowingTaskGroup(of: SandboxFeatures.self) { group in
            for _ in 0..<6 { group.addTask { try await Sandbox.check() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for features in results { #expect(features.canSandbox, "\(features.missing)") }
    }

    @Test func theLauncherIsFoundNextToTheExecutableOrThroughTheVariable() throws {
        let found = try Sandbox.launcherPath()
        #expect(found.hasSuffix("/shoal-sandbox"))
        #expect(try Sandbox.launcherPath(environment: ["SHOAL_SANDBOX_LAUNCHER": found], executable: "/nowhere/shoal") == found)
        #expect(throws: SandboxError.self) {
            try Sandbox.launcherPath(environment: ["SHOAL_SANDBOX_LAUNCHER": "/nonexistent/launcher"], executable: found)
        }
        #expect(throws: SandboxError.self) { try Sandbox.launcherPath(environment: [:], executable: "/nonexistent/bin/shoal") }
    }
}

/// Pids of the processes whose command line contains `argument`.
func processes(withArgument argument: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { Int32($0) }.filter { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: data, as: UTF8.self).contains(argument)
    }
}

/// Waits (up to 10 s) until a step with `argument` on its command line runs, and returns the pid of
/// the launcher supervising it: the step's cgroup (seen from here, outside its cgroup namespace) is
/// the run's group, named `<launcher pid>-<nonce>`.
func waitForLauncher(withArgument argument: String) async throws -> Int32 {
    for _ in 0..<200 {
        for pid in processes(withArgument: argument) {
            let cgroups = (try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8)) ?? ""
            for line in cgroups.split(separator: "\n") {
                guard let range = line.range(of: "/shoal-sandbox/") else { continue }
                let group = line[range.upperBound...].prefix { $0 != "/" }
                if let launcher = Int32(group.prefix { $0 != "-" }), !CgroupFolders.groups(ofLauncher: launcher).isEmpty {
                    return launcher
                }
            }
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw SandboxError(.io, "no launcher running a step with \(argument) appeared")
}
