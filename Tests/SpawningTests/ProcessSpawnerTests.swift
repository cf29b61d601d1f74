import Foundation
import ShoalTesting
import Spawning
import Testing

/// What a spawned child starts with: its descriptors, signal state, directory and environment.
struct ProcessSpawnerTests {
    /// Runs `sh -c script` and returns what it printed (stdout and stderr in one file) and its status.
    func shell(
        _ script: String, in folder: TemporaryDirectory, descriptors: [(source: Int32, target: Int32)] = [],
        directory: String? = nil, closesOthers: Bool = true
    ) throws -> (status: Int32, output: String) {
        let out = folder.file("out-\(UUID().uuidString)")
        let request = SpawnRequest(
            executable: "/bin/sh", arguments: ["sh", "-c", script], environment: ["PATH=/usr/bin:/bin", "MARK=spawned"],
            directory: directory, standardOutput: .file(out, appending: false), standardError: .standardOutput,
            descriptors: descriptors, closesOtherDescriptors: closesOthers)
        let status = try SpawnedProcess(request).wait()
        return (status, try String(contentsOfFile: out, encoding: .utf8))
    }

    @Test func theChildStartsWithNoBlockedOrIgnoredSignals() throws {
        let folder = TemporaryDirectory("spawn")
        // Block and ignore signals here, as Swift's threads do: the child must not inherit either.
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let oldHandler = signal(SIGUSR1, SIG_IGN)
        defer {
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            signal(SIGUSR1, oldHandler)
        }
        let run = try shell("grep -E '^Sig(Blk|Ign)' /proc/self/status", in: folder)
        #expect(run.status == 0)
        #expect(run.output.contains("SigBlk:\t0000000000000000"), "\(run.output)")
        // SIGUSR1 is bit 10 of the ignored set (the shell may ignore nothing else of its own).
        let ignored = run.output.split(separator: "\n").first { $0.hasPrefix("SigIgn") }.map { UInt64($0.split(separator: "\t")[1], radix: 16) ?? 0 } ?? 0
        #expect(ignored & (1 << (UInt64(SIGUSR1) - 1)) == 0, "\(run.output)")
    }

    @Test func onlyTheStandardStreamsAndTheDescriptorsHandedOnAreOpen() throws {
        let folder = TemporaryDirectory("spawn")
        // A descriptor without close-on-exec: closefrom must still keep it from the child.
        let leaked = open(folder.file("leak"), O_CREAT | O_WRONLY, 0o644)
        let handed = open(folder.file("handed"), O_CREAT | O_WRONLY, 0o644)
        defer { close(leaked); close(handed) }
        let run = try shell("ls /proc/self/fd | sort -n | tr '\\n' ' '; echo via-5 >&5", in: folder, descriptors: [(handed, 5)])
        #expect(run.status == 0)
        // 0, 1, 2, 5 and the descriptor `ls` opens for the listing itself.
        let open = run.output.split(separator: " ").compactMap { Int($0) }
        #expect(open.filter { $0 != 3 } == [0, 1, 2, 5], "\(run.output)")
        #expect(try String(contentsOfFile: folder.file("handed"), encoding: .utf8) == "via-5\n")
    }

    @Test func theDescriptorsSurviveWhenClosingOthersIsOff() throws {
        let folder = TemporaryDirectory("spawn")
        let kept = open(folder.file("kept"), O_CREAT | O_WRONLY, 0o644)
        defer { close(kept) }
        let run = try shell("test -e /proc/self/fd/\(kept) && echo inherited", in: folder, closesOthers: false)
        #expect(run.output == "inherited\n")
    }

    @Test func standardInputAndAppendingOutputAreFiles() throws {
        let folder = TemporaryDirectory("spawn")
        try "from stdin\n".write(toFile: folder.file("in"), atomically: true, encoding: .utf8)
        try "first\n".write(toFile: folder.file("log"), atomically: true, encoding: .utf8)
        for _ in 0..<2 {
            let request = SpawnRequest(
                executable: "/bin/cat", arguments: ["cat"], environment: [],
                standardInput: .file(folder.file("in"), appending: false), standardOutput: .file(folder.file("log"), appending: true))
            #expect(try SpawnedProcess(request).wait() == 0)
        }
        #expect(try String(contentsOfFile: folder.file("log"), encoding: .utf8) == "first\nfrom stdin\nfrom stdin\n")
    }

    @Test func theEnvironmentIsExactlyTheOneGivenAndTheDirectoryIsSet() throws {
        let folder = TemporaryDirectory("spawn")
        let run = try shell("pwd; env | grep -v '^PWD=' | grep -v '^SHLVL=' | grep -v '^_=' | sort", in: folder, directory: folder.path)
        #expect(run.output == "\(folder.path)\nMARK=spawned\nPATH=/usr/bin:/bin\n")
    }

    @Test func aMissingProgramIsAClearError() {
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(SpawnRequest(executable: "/nonexistent/tool", arguments: ["tool"], environment: []))
        }
        #expect(error?.errno == ENOENT)
        #expect(error?.description == "cannot start /nonexistent/tool: No such file or directory")
    }
}
