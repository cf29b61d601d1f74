import Foundation
import Testing

@testable import Sandbox

@Suite struct OutputCheckTests {
    /// An output folder with a regular file and a subfolder, which always passes.
    private func makeOutput() throws -> TemporaryFolder {
        let folder = try TemporaryFolder("check")
        try folder.write("out/a.txt", "a")
        try folder.write("out/sub/b.txt", "b")
        return folder
    }

    private func link(_ folder: TemporaryFolder, _ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: folder.child(relative), withDestinationPath: target)
    }

    @Test func filesFoldersAndInsideSymlinksPass() throws {
        let folder = try makeOutput()
        defer { folder.remove() }
        try link(folder, "out/to-a", to: "a.txt")
        try link(folder, "out/sub/up", to: "../a.txt")
        try link(folder, "out/sub-link", to: "sub")
        try link(folder, "out/through", to: "sub-link/b.txt")
        try link(folder, "out/dangling-inside", to: "sub/not-yet")
        #expect(try OutputCheck.problems(in: folder.child("out")) == [])
        try OutputCheck.verify(folder: folder.child("out"))
    }

    @Test func aSymlinkToEtcPasswdIsRefused() throws {
        let folder = try makeOutput()
        defer { folder.remove() }
        try link(folder, "out/passwd", to: "/etc/passwd")
        try link(folder, "out/sub/escape", to: "../../../../../../etc/passwd")
        let problems = try OutputCheck.problems(in: folder.child("out"))
        #expect(problems == [
            OutputCheck.Problem(path: "passwd", kind: .absoluteSymlink, target: "/etc/passwd"),
            OutputCheck.Problem(path: "sub/escape", kind: .symlinkOutside, target: "../../../../../../etc/passwd"),
        ])
        #expect { try OutputCheck.verify(folder: folder.child("out")) } throws: { error in
            let error = error as? SandboxError
            return error?.code == .unsafeOutput
                && error?.message == "\(folder.child("out")): passwd (symlink with an absolute target: /etc/passwd); "
                + "sub/escape (symlink pointing outside the output folder: ../../../../../../etc/passwd)"
        }
    }

    /// `dot -> .` is inside, but `dot/..` is the folder's parent for the kernel, even though
    /// lexically `dot/..` is the folder itself.
    @Test func dotDotAfterASymlinkedFolderIsFollowedTheKernelsWay() throws {
        let folder = try makeOutput()
        defer { folder.remove() }
        try link(folder, "out/dot", to: ".")
        try link(folder, "out/sneaky", to: "dot/../secret")
        let problems = try OutputCheck.problems(in: folder.child("out"))
        #expect(problems == [OutputCheck.Problem(path: "sneaky", kind: .symlinkOutside, target: "dot/../secret")])
    }

    @Test func symlinkLoopsAreRefused() throws {
        let folder = try makeOutput()
        defer { folder.remove() }
        try link(folder, "out/ping", to: "pong")
        try link(folder, "out/pong", to: "ping")
        let problems = try OutputCheck.problems(in: folder.child("out"))
        #expect(problems.map(\.kind) == [.symlinkLoop, .symlinkLoop])
    }

    @Test func fifosSocketsAndDevicesAreRefused() throws {
        let folder = try makeOutput()
        defer { folder.remove() }
        #expect(mkfifo(folder.child("out/fifo"), 0o644) == 0)
        let socketFD = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = folder.child("out/sub/socket")
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            let bytes = Array(path.utf8.prefix(buffer.count - 1))
            buffer.copyBytes(from: bytes)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        var expected: [OutputCheck.Problem] = [
            .init(path: "fifo", kind: .fifo), .init(path: "sub/socket", kind: .socket),
        ]
        // Creating a device node needs root (and a devices cgroup that allows it).
        if mknod(folder.child("out/null"), S_IFCHR | 0o666, makedev(1, 3)) == 0 {
            expected.insert(.init(path: "null", kind: .deviceNode), at: 1)
        }
        #expect(try OutputCheck.problems(in: folder.child("out")) == expected)
    }

    @Test func theOutputFolderItselfMustBeARealFolder() throws {
        let folder = try makeOutput()
        defer { folder.remove() }
        try link(folder, "elsewhere", to: folder.child("out"))
        #expect { try OutputCheck.verify(folder: folder.child("elsewhere")) } throws: { error in
            (error as? SandboxError)?.code == .unsafeOutput
        }
        #expect { try OutputCheck.verify(folder: folder.child("out/a.txt")) } throws: { error in
            (error as? SandboxError)?.code == .unsafeOutput
        }
        #expect { try OutputCheck.verify(folder: folder.child("missing")) } throws: { error in
            (error as? SandboxError)?.code == .io
        }
    }
}

private func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
    dev_t((major & 0xfff) << 8 | (minor & 0xff) | ((minor & ~0xff) << 12))
}
