import Foundation
import Testing

@testable import Sandbox

/// Escape attempts: each must fail, and each test checks the specific failure (the errno the
/// kernel or the seccomp filter gives, or the path being absent), not just a non-zero exit.
@Suite(.serialized, .enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct SandboxIsolationTests {
    /// A small Python program run in the sandbox; it prints one line per attempt.
    private func python(_ source: String, configure: (inout SandboxSpec) -> Void = { _ in }) async throws -> Finished {
        try await runSandboxed(["python3", "-c", source], configure: configure)
    }

    @Test func writingToAnInputFailsWithReadOnlyFileSystem() async throws {
        let folder = try TemporaryFolder("input")
        defer { folder.remove() }
        // World-writable on the host, so only the read-only mount can stop the write.
        try folder.write("data/file.txt", "original\n", mode: 0o666)
        chmod(folder.child("data"), 0o777)
        let run = try await python(
            """
            import errno
            for action in ("overwrite", "create", "remove"):
                try:
                    if action == "overwrite": open("/inputs/data/file.txt", "w").write("changed")
                    if action == "create": open("/inputs/data/new.txt", "w").write("new")
                    if action == "remove": __import__("os").remove("/inputs/data/file.txt")
                    print(action, "succeeded")
                except OSError as e:
                    print(action, errno.errorcode[e.errno])
            """
        ) { $0.inputs = ["data": folder.child("data")] }
        #expect(run.result.succeeded, "\(run.stderr)")
        #expect(run.stdout == "overwrite EROFS\ncreate EROFS\nremove EROFS\n")
        #expect(try folder.read("data/file.txt") == Array("original\n".utf8))
        #expect(!FileManager.default.fileExists(atPath: folder.child("data/new.txt")))
    }

    @Test func hostFilesOutsideTheMountsDoNotExist() async throws {
        let folder = try TemporaryFolder("secret")
        defer { folder.remove() }
        let secret = try folder.write("secret.txt", "host secret\n")
        let run = try await python(
            """
            import errno
            for path in ("/etc/shadow", "/etc/gshadow", "/root", "/home", "/work", "/var/log", "/sys/kernel", "\(secret)", "\(folder.path)"):
                try:
                    open(path).read()
                    print(path, "readable")
                except OSError as e:
                    print(path, errno.errorcode[e.errno])
            """
        )
        #expect(run.result.succeeded, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 9)
        for line in lines { #expect(line.hasSuffix(" ENOENT"), "\(line)") }
    }

    @Test func theStepSeesOnlyItsOwnProcesses() async throws {
        let run = try await python(
            """
            import os
            print(sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
            print(os.getpid(), os.getuid(), os.geteuid())
            """
        )
        #expect(run.result.succeeded, "\(run.stderr)")
        // The sandbox's init (1) and the step (2): no host process is listed.
        #expect(run.stdout == "[1, 2]\n2 65534 65534\n")
    }

    @Test func killingAHostProcessFindsNoSuchProcess() async throws {
        let victim = try startHostProcess(["/bin/sleep", "30"])
        defer { kill(victim, SIGKILL) }
        let run = try await python(
            """
            import os, errno
            try:
                os.kill(\(victim), 9)
                print("killed")
            except OSError as e:
                print(errno.errorcode[e.errno])
            """
        )
        #expect(run.result.succeeded, "\(run.stderr)")
        #expect(run.stdout == "ESRCH\n")
        #expect(kill(victim, 0) == 0, "the host process must still be alive")
    }

    @Test func networkNoneRefusesInternetSockets() async throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let run = try await python(
            """
            import socket, errno
            for family in (socket.AF_INET, socket.AF_INET6, socket.AF_NETLINK, socket.AF_PACKET):
                try:
                    s = socket.socket(family, socket.SOCK_STREAM if family in (socket.AF_INET, socket.AF_INET6) else socket.SOCK_RAW)
                    if family == socket.AF_INET: s.connect(("127.0.0.1", \(listener.port)))
                    print(family.name, "opened")
                except OSError as e:
                    print(family.name, errno.errorcode[e.errno])
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            print("AF_UNIX opened")
            """
        )
        #expect(run.result.succeeded, "\(run.stderr)")
        #expect(run.stdout == "AF_INET EPERM\nAF_INET6 EPERM\nAF_NETLINK EPERM\nAF_PACKET EPERM\nAF_UNIX opened\n")
        #expect(!listener.hasPendingConnection())
    }

    @Test func loopbackCannotReachTheHost() async throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let run = try await python(
            """
            import socket, errno
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.connect(("127.0.0.1", \(listener.port)))
                print("connected")
            except OSError as e:
                print(errno.errorcode[e.errno])
            try:
                socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)
                print("netlink opened")
            except OSError as e:
                print("netlink", errno.errorcode[e.errno])
            """
        ) { $0.network = .loopback }
        #expect(run.result.succeeded, "\(run.stderr)")
        // The sandbox's 127.0.0.1 is its own: nothing listens there.
        #expect(run.stdout == "ECONNREFUSED\nnetlink EPERM\n")
        #expect(!listener.hasPendingConnection())
    }

    /// `python3 -c` source that prints who owns the step's network namespace: NS_GET_USERNS fails
    /// with EPERM for one prepared by the launcher service (it belongs to the host's user namespace,
    /// outside the sandbox's) and succeeds for one created at clone time (the sandbox's own).
    private static let networkNamespaceOwner = "import fcntl, os; fd = os.open('/proc/self/ns/net', os.O_RDONLY)\n"
        + "try:\n    fcntl.ioctl(fd, 0xb701); print('own')\nexcept PermissionError: print('prepared')"

    @Test func runsOneAtATimeGetAPreparedNetworkNamespaceWithOnlyLoopback() async throws {
        let command = [
            "sh", "-c", "readlink /proc/self/ns/net; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; python3 -c \"$0\"",
            Self.networkNamespaceOwner,
        ]
        var runs: [Finished] = []
        for _ in 0..<3 { runs.append(try await runSandboxed(command)) }
        runs.append(try await runSandboxed(command) { $0.network = .loopback })
        let host = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        for (index, run) in runs.enumerated() {
            #expect(run.result.succeeded, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 3 && lines[1] == "lo", "interfaces: \(lines.dropFirst())")
            #expect(lines.first?.hasPrefix("net:[") == true && lines.first != host)
            // The pool refills as each run starts, so one run at a time always finds one ready.
            #expect(lines.last == "prepared", "run \(index): \(run.stdout)")
        }
    }

    @Test func runsAliveAtTheSameTimeNeverShareANetworkNamespace() async throws {
        // Five at once drain the service's pool (two ready), so some runs create their own. Each
        // waits until all have printed their namespace, so all five namespaces are alive together
        // (a namespace's number can be reused once it is gone, so only live ones can be compared).
        let signal = try TemporaryFolder("netns-signal")
        defer { signal.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: signal.path)
        let logs = try TemporaryFolder("netns-logs")
        defer { logs.remove() }
        var processes: [SandboxProcess] = []
        for index in 0..<5 {
            var spec = SandboxSpec(command: [
                "sh", "-c",
                "readlink /proc/self/ns/net; i=0; while [ ! -e /inputs/signal/go ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done",
            ])
            spec.inputs = ["signal": signal.path]
            spec.logDirectory = logs.child("\(index)")
            processes.append(try await Sandbox.start(spec))
        }
        var printed: [String] = []
        for _ in 0..<400 {
            printed = (0..<5).compactMap { index in
                (try? String(contentsOfFile: logs.child("\(index)/stdout.log"), encoding: .utf8))?
                    .split(separator: "\n").first.map(String.init)
            }
            if printed.count == 5 { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        _ = try signal.write("go", "")
        for process in processes { #expect(try await process.result().succeeded) }
        let host = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        #expect(printed.count == 5 && printed.allSatisfy { $0.hasPrefix("net:[") && $0 != host }, "\(printed)")
        #expect(Set(printed).count == printed.count, "a network namespace was shared: \(printed)")
    }

    @Test func mountPtraceUnshareAndSetnsAreRefused() async throws {
        let run = try await python(
            """
            import ctypes, errno, os
            libc = ctypes.CDLL(None, use_errno=True)
            def attempt(name, call):
                result = call()
                print(name, "ok" if result == 0 else errno.errorcode[ctypes.get_errno()])
            attempt("mount", lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None))
            attempt("remount", lambda: libc.mount(None, b"/inputs", None, 0x20 | 0x1000, None))
            attempt("umount", lambda: libc.umount2(b"/proc", 2))
            attempt("ptrace", lambda: libc.ptrace(0, 0, None, None))
            attempt("unshare-user", lambda: libc.unshare(0x10000000))
            attempt("unshare-net", lambda: libc.unshare(0x40000000))
            fd = os.open("/proc/self/ns/net", os.O_RDONLY)
            attempt("setns", lambda: libc.setns(fd, 0))
            attempt("chroot", lambda: libc.chroot(b"/tmp"))
            attempt("keyctl", lambda: libc.syscall(\(Self.keyctlNumber), 0, 0, 0, 0, 0))
            attempt("bpf", lambda: libc.syscall(\(Self.bpfNumber), 0, 0, 0))
            """
        )
        #expect(run.result.succeeded, "\(run.stderr)")
        let expected = ["mount", "remount", "umount", "ptrace", "unshare-user", "unshare-net", "setns", "chroot", "keyctl", "bpf"]
            .map { "\($0) EPERM\n" }.joined()
        #expect(run.stdout == expected)
    }

    @Test func aSymlinkToEtcPasswdInTheOutputsIsRefusedWhenAdding() async throws {
        let outputs = try TemporaryFolder("outputs")
        defer { outputs.remove() }
        let run = try await runSandboxed([
            "sh", "-c", "ln -s /etc/passwd /outputs/out/passwd; ln -s ../../etc/passwd /outputs/out/up; mkfifo /outputs/out/pipe",
        ]) {
            $0.outputsDirectory = outputs.path
            $0.outputs = ["out"]
        }
        #expect(run.result.succeeded, "\(run.stderr)")
        let problems = try OutputCheck.problems(in: outputs.child("out"))
        #expect(problems.map(\.path) == ["passwd", "pipe", "up"])
        #expect(problems.map(\.kind) == [.absoluteSymlink, .fifo, .symlinkOutside])
        #expect(throws: SandboxError.self) { try OutputCheck.verify(folder: outputs.child("out")) }
    }

    #if arch(x86_64)
    static let keyctlNumber = 250, bpfNumber = 321
    #elseif arch(arm64)
    static let keyctlNumber = 219, bpfNumber = 280
    #endif

    @Test func unshareToolFailsWithOperationNotPermitted() async throws {
        let run = try await runSandboxed(["unshare", "--user", "--map-root-user", "true"])
        #expect(run.result.reason == .exited)
        #expect(run.result.exitCode != 0)
        #expect(run.stderr.contains("Operation not permitted"))
    }

    @Test func theStepHasNoPrivilegeAndAFilter() async throws {
        let run = try await runSandboxed(["sh", "-c", "grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status"])
        #expect(run.result.succeeded, "\(run.stderr)")
        let fields = Dictionary(
            uniqueKeysWithValues: run.stdout.split(separator: "\n").map { line -> (String, String) in
                let parts = line.split(separator: ":", maxSplits: 1)
                return (String(parts[0]), parts[1].split(whereSeparator: \.isWhitespace).joined(separator: " "))
            })
        #expect(fields["Uid"] == "65534 65534 65534 65534")
        #expect(fields["Gid"] == "65534 65534 65534 65534")
        #expect(fields["Groups"] == "")
        for capability in ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"] {
            #expect(fields[capability] == "0000000000000000", "\(capability)")
        }
        #expect(fields["NoNewPrivs"] == "1")
        #expect(fields["Seccomp"] == "2")
    }

    @Test func withoutUserNamespaceTheStepIsStillUnprivileged() async throws {
        let run = try await runSandboxed(["sh", "-c", "id -u; grep CapEff /proc/self/status"]) {
            $0.userNamespace = .off
        }
        #expect(run.result.succeeded, "\(run.stderr)")
        #expect(!run.result.usedUserNamespace)
        #expect(run.stdout == "65534\nCapEff:\t0000000000000000\n")
    }
}

/// A TCP listener on 127.0.0.1 of the host, to prove the sandbox cannot reach it.
struct LoopbackListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw SandboxError(.io, "cannot listen on 127.0.0.1") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = UInt16(bigEndian: address.sin_port)
    }

    /// Whether anyone has connected (without blocking).
    func hasPendingConnection() -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    func close() { _ = Glibc.close(fd) }
}
