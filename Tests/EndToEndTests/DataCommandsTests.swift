import Foundation
import ShoalTesting
import Spawning
import Testing

/// `shoal add/cat/get/ls/pin/gc/repo/dag/car` as a user runs them: real processes, a fresh
/// `$SHOAL_HOME` each, checks on stdout, stderr, `--json` and exit codes.
@Suite(.ownThread) struct DataCommandsTests {
    let dir = TemporaryDirectory("e2e-data")
    var home: String { dir.file("home") }

    func shoal(_ arguments: String..., stdin: [UInt8]? = nil) throws -> ShoalProcess.Result {
        try ShoalProcess(home: home).run(arguments, in: dir.path, stdin: stdin)
    }

    /// Runs a command as another node (its own home).
    func node(_ home: String, _ arguments: [String]) throws -> ShoalProcess.Result {
        try ShoalProcess(home: home).run(arguments, in: dir.path)
    }

    @Test func addThenCatGivesTheBytesBackUnderKubosCIDs() throws {
        try dir.write("hello.txt", text: "hello world\n")
        let add = try shoal("add", "hello.txt")
        #expect(add.status == 0)
        #expect(add.line == "added bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4 hello.txt")
        // kubo's defaults, both spellings of the boolean flag.
        #expect(try shoal("add", "-Q", "--cid-version", "0", "hello.txt").line == "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")
        #expect(try shoal("add", "-Q", "--cid-version=1", "--raw-leaves=false", "hello.txt").line
            == "bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2mby")
        let cat = try shoal("cat", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4")
        #expect(cat.stdout == "hello world\n")
        #expect(try shoal("cat", "--offset", "6", "--length", "3", "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o").stdout == "wor")
    }

    @Test func outputIntoAReaderThatWentAwayEndsQuietlyBySIGPIPE() throws {
        try dir.mkdir("many")
        for n in 0..<3 { try dir.write("many/file-\(n).txt", text: "\(n)") }
        let cid = try shoal("add", "-r", "-Q", "many").line
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        close(ends[0])  // `| head -c 0`: the reader is gone before the first byte
        let binary = try ShoalProcess(home: home).binary
        var environment = ProcessInfo.processInfo.environment
        environment["SHOAL_HOME"] = home
        // With SIGPIPE ignored, as it is once NIO runs in the process (any command that talks to
        // a requester): the write then fails with EPIPE instead of killing the process, and
        // Foundation's FileHandle.write trapped on it with a crash report.
        let process = try SpawnedProcess(SpawnRequest(
            executable: "/bin/sh", arguments: ["sh", "-c", #"trap '' PIPE; exec "$0" ls --json "$1""#, binary, cid],
            environment: environment.map { "\($0.key)=\($0.value)" }, standardOutput: .descriptor(ends[1]),
            standardError: .file(dir.file("ls.err"), appending: false)))
        close(ends[1])
        let status = process.wait()
        let stderr = try String(contentsOfFile: dir.file("ls.err"), encoding: .utf8)
        #expect(status == 128 + SIGPIPE, "\(stderr)")
        #expect(stderr.isEmpty, "\(stderr)")
    }

    @Test func addFromStandardInputAndOnlyHashStoresNothing() throws {
        let bytes = SplitMix64.bytes(seed: 9, count: 300_000)
        let piped = try shoal("add", "-Q", "-", stdin: bytes)
        #expect(piped.status == 0)
        try dir.write("copy.bin", bytes)
        let onlyHash = try shoal("add", "-Q", "--only-hash", "copy.bin")
        #expect(onlyHash.line == piped.line)
        #expect(try shoal("cat", piped.line).stdoutBytes == bytes)

        let fresh = try node(dir.file("other"), ["add", "-Q", "-n", "copy.bin"])
        #expect(fresh.line == piped.line)
        let missing = try node(dir.file("other"), ["cat", piped.line])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("not") && missing.stderr.split(separator: "\n").count == 1)
    }

    @Test func directoriesSkipHiddenFilesUnlessAskedAndRoundTripThroughGet() throws {
        try dir.mkdir("tree/sub")
        try dir.write("tree/a.txt", text: "a\n")
        try dir.write("tree/sub/b.txt", text: "b\n")
        try dir.write("tree/.secret", text: "s\n")
        let plain = try shoal("add", "-r", "-Q", "tree")
        let hidden = try shoal("add", "-r", "-Q", "--hidden", "tree")
        #expect(plain.line != hidden.line)
        let listing = try shoal("ls", "--json", plain.line)
        let entries = try JSONSerialization.jsonObject(with: Data(listing.stdoutBytes)) as? [[String: Any]]
        #expect(entries?.compactMap { $0["name"] as? String } == ["a.txt", "sub"])
        #expect(try shoal("cat", plain.line + "/sub/b.txt").stdout == "b\n")
        #expect(try shoal("get", plain.line, "-o", "out").status == 0)
        #expect(try String(contentsOfFile: dir.file("out/sub/b.txt"), encoding: .utf8) == "b\n")
        #expect(!FileManager.default.fileExists(atPath: dir.file("out/.secret")))
        let directoryWithoutR = try shoal("add", "tree")
        #expect(directoryWithoutR.status != 0)
    }

    @Test func gcRemovesExactlyWhatNoPinKeeps() throws {
        try dir.write("keep.txt", text: "keep\n")
        try dir.write("drop.txt", text: "drop\n")
        let keep = try shoal("add", "-Q", "keep.txt").line
        let drop = try shoal("add", "-Q", "--pin=false", "drop.txt").line
        let gc = try shoal("gc")
        #expect(gc.stdout.contains("removed \(drop)"))
        #expect(!gc.stdout.contains(keep))
        #expect(try shoal("cat", keep).stdout == "keep\n")
        #expect(try shoal("cat", drop).status != 0)
        #expect(try shoal("pin", "rm", keep).status == 0)
        #expect(try shoal("gc").stdout.contains("removed \(keep)"))
    }

    @Test func repoVerifyReportsACorruptedBlockAndExitsNonZero() throws {
        try dir.write("data.bin", SplitMix64.bytes(seed: 3, count: 1000))
        let cid = try shoal("add", "-Q", "data.bin").line
        #expect(try shoal("repo", "verify").status == 0)
        let blocks = try FileManager.default.subpathsOfDirectory(atPath: home + "/blocks").filter { $0.hasSuffix(".data") }
        let file = home + "/blocks/" + blocks[0]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[0] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: file))
        let verify = try shoal("repo", "verify")
        #expect(verify.status != 0)
        #expect(verify.stdout.contains("corrupt \(cid)"))
        let cat = try shoal("cat", cid)
        #expect(cat.status != 0)
        #expect(cat.stdoutBytes.isEmpty)
    }

    @Test func carExportImportsIntoAnotherNodeAndABadCARIsRefusedWithoutAPin() throws {
        try dir.mkdir("tree")
        try dir.write("tree/x.bin", SplitMix64.bytes(seed: 5, count: 700_000))
        let root = try shoal("add", "-r", "-Q", "tree").line
        #expect(try shoal("car", "export", root, "-o", "tree.car").status == 0)
        let other = dir.file("other")
        let imported = try node(other, ["car", "import", "tree.car", "--json"])
        #expect(imported.status == 0)
        #expect(try node(other, ["cat", root + "/x.bin"]).stdoutBytes == SplitMix64.bytes(seed: 5, count: 700_000))

        var car = try dir.read("tree.car")
        car[car.count - 10] ^= 0x01  // inside the last block's bytes
        try dir.write("bad.car", car)
        let third = dir.file("third")
        let bad = try node(third, ["car", "import", "bad.car"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("does not match its CID"))
        #expect(try node(third, ["pin", "ls"]).line.isEmpty)
    }

    @Test func dagPutStoresDagCBORAndGetPrintsDagJSON() throws {
        try dir.write("leaf.txt", text: "leaf\n")
        let leaf = try shoal("add", "-Q", "leaf.txt").line
        let json = #"{"leaf":{"/":"\#(leaf)"},"n":1}"#
        let put = try shoal("dag", "put", stdin: Array(json.utf8))
        #expect(put.status == 0)
        #expect(put.line.hasPrefix("bafyrei"))
        #expect(try shoal("dag", "get", put.line).line == json)
        let dangling = try shoal("dag", "put", stdin: Array(#"{"x":{"/":"bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"}}"#.utf8))
        #expect(dangling.status != 0)
    }

    @Test(arguments: [
        (["cat", "not-a-cid"], "not a valid CID"),
        (["cat", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"], "not"),
        (["add", "no/such/file"], "No such file"),
        (["car", "import", "no-such.car"], "no-such.car"),
        (["add", "--cid-version", "2", "x"], "--cid-version must be 0 or 1"),
    ])
    func badInputIsOneClearLineAndANonZeroExit(arguments: [String], message: String) throws {
        let result = try node(home, arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Stack") && !result.stderr.contains("Fatal error"))
        // The message is the first line; a usage error may add the usage line and a pointer to --help.
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first?.contains(message) == true, "\(result.stderr)")
        #expect(lines.count == 1 || result.stderr.contains("Usage: shoal"))
    }
}
