import Foundation
import Testing

@testable import Sandbox

/// Each limit is reached on purpose by a step that is bounded by its own design (a fixed number of
/// forks, a fixed amount of memory, a short timeout), and the run must end with that limit's reason.
@Suite(.serialized, .enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct SandboxLimitsTests {
    @Test func forkBombIsContainedByThePidsLimit() async throws {
        // At most 200 forks; each child sleeps, so they pile up against the limit of 16.
        let run = try await runSandboxed([
            "python3", "-c",
            """
            import os, sys, time
            started = 0
            for _ in range(200):
                try:
                    if os.fork() == 0:
                        time.sleep(5)
                        os._exit(0)
                    started += 1
                except BlockingIOError:
                    print("started", started, "then fork failed")
                    sys.exit(1)
            print("started", started)
            """,
        ]) { $0.limits.pids = 16 }
        #expect(run.result.reason == .pids, "\(run.stdout) \(run.stderr)")
        #expect(run.result.exitCode == 1)
        #expect(run.result.pidsLimitHits > 0)
        let started = Int(run.stdout.split(separator: " ")[1]) ?? 99
        // 16 tasks in all: the init and the step itself take two.
        #expect(started <= 14)
        #expect(run.stdout.hasSuffix("then fork failed\n"))
    }

    @Test func memoryHogIsKilledWithReasonMemory() async throws {
        // Touches 8 MiB blocks, up to 1 GiB at most; the limit is 64 MiB.
        let run = try await runSandboxed([
            "python3", "-c",
            """
            blocks = []
            for i in range(128):
                blocks.append(b"\\x01" * (8 << 20))
                print(len(blocks) * 8, "MiB", flush=True)
            print("survived")
            """,
        ]) { $0.limits.memory = .mebibytes(64) }
        #expect(run.result.reason == .memory)
        #expect(run.result.signal == SIGKILL)
        #expect(run.result.oomKills >= 1)
        #expect(run.result.peakMemory <= 64 << 20)
        #expect(run.result.peakMemory > 32 << 20)
        #expect(!run.stdout.contains("survived"))
    }

    @Test func infiniteLoopIsKilledAtTheTimeout() async throws {
        let started = ContinuousClock.now
        let run = try await runSandboxed(["sh", "-c", "sleep 1000 & while :; do :; done"]) {
            $0.limits.timeout = .milliseconds(500)
        }
        let elapsed = ContinuousClock.now - started
        #expect(run.result.reason == .timeout)
        #expect(run.result.termination == .unknown)
        #expect(run.result.wallTime >= .milliseconds(500))
        #expect(elapsed < .seconds(20), "the whole tree (including the background sleep) must be gone")
    }

    @Test func cpuTimeLimitStopsABusyLoop() async throws {
        let run = try await runSandboxed(["sh", "-c", "while :; do :; done"]) {
            $0.limits.cpuTime = .seconds(1)
            $0.limits.timeout = .seconds(30)
        }
        #expect(run.result.reason == .cpuTime)
        #expect(run.result.signal == SIGXCPU)
        #expect(run.result.cpuTime >= .milliseconds(900))
    }

    @Test func hugeStdoutIsCappedAndCounted() async throws {
        let run = try await runSandboxed(["head", "-c", "20000000", "/dev/zero"]) {
            $0.limits.logBytes = .mebibytes(1)
        }
        #expect(run.result.succeeded)
        #expect(run.result.stdout.totalBytes == 20_000_000)
        #expect(run.result.stdout.keptBytes == 1 << 20)
        #expect(run.result.stdout.truncated)
        #expect(run.stdoutFileBytes == 1 << 20)
    }

    @Test func oneFileOverTheOutputCapEndsWithOutputTooLarge() async throws {
        let outputs = try TemporaryFolder("outputs")
        defer { outputs.remove() }
        let run = try await runSandboxed(["sh", "-c", "head -c 4000000 /dev/zero > /outputs/out/big"]) {
            $0.outputsDirectory = outputs.path
            $0.outputs = ["out"]
            $0.limits.outputBytes = .mebibytes(1)
        }
        #expect(run.result.reason == .outputTooLarge)
        // The file-size rlimit (cap + 1 byte) stopped the write right past the cap.
        let size = try FileManager.default.attributesOfItem(atPath: outputs.child("out/big"))[.size] as? Int
        #expect(size == (1 << 20) + 1)
        #expect(run.result.outputBytes == (1 << 20) + 1)
    }

    @Test func manySmallFilesOverTheOutputCapEndWithOutputTooLarge() async throws {
        let outputs = try TemporaryFolder("outputs")
        defer { outputs.remove() }
        // 40 files of 100 kB: each is under the file-size limit, together 4 MB.
        let run = try await runSandboxed([
            "sh", "-c", "for i in $(seq 40); do head -c 100000 /dev/zero > /outputs/out/part$i; done",
        ]) {
            $0.outputsDirectory = outputs.path
            $0.outputs = ["out"]
            $0.limits.outputBytes = .mebibytes(1)
        }
        #expect(run.result.reason == .outputTooLarge)
        #expect(run.result.outputBytes > 1 << 20)
    }

    @Test func nestingOutputsTooDeeplyCannotHideThemFromTheCap() async throws {
        let outputs = try TemporaryFolder("outputs")
        defer { outputs.remove() }
        // 300 nested folders (the launcher measures 256 levels), one small file at the bottom.
        let run = try await runSandboxed([
            "python3", "-c",
            """
            import os
            os.chdir("/outputs/out")
            for _ in range(300):
                os.mkdir("d")
                os.chdir("d")
            open("bottom", "w").write("x")
            """,
        ]) {
            $0.outputsDirectory = outputs.path
            $0.outputs = ["out"]
            $0.limits.outputBytes = .mebibytes(1)
        }
        #expect(run.result.reason == .outputTooLarge, "\(run.stderr)")
    }

    @Test func tmpIsSizeLimited() async throws {
        let run = try await runSandboxed(["sh", "-c", "head -c 2000000 /dev/zero > /tmp/fill"]) {
            $0.limits.tmpSize = .mebibytes(1)
        }
        #expect(run.result.reason == .exited)
        #expect(run.result.exitCode != 0)
        #expect(run.stderr.contains("No space left on device"))
    }

    @Test func openFilesAreLimited() async throws {
        let run = try await runSandboxed([
            "python3", "-c",
            """
            import errno
            files = []
            try:
                for _ in range(100):
                    files.append(open("/dev/null"))
            except OSError as e:
                print(len(files), errno.errorcode[e.errno])
            """,
        ]) { $0.limits.openFiles = 32 }
        #expect(run.result.succeeded, "\(run.stderr)")
        // 32 descriptors minus stdin, stdout and stderr.
        #expect(run.stdout == "29 EMFILE\n")
    }
}
