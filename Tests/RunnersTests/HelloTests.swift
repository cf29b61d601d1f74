import Foundation
import Testing

/// `Runners/hello` (POSIX shell) in the real sandbox.
@Suite(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct HelloTests {
    @Test func greetsEveryNameInOrder() async throws {
        let run = try await runTwiceExpectingIdenticalOutputs(
            "hello", ["sh", "hello.sh", "--greeting", "Good morning"],
            inputs: ["names": .file("Ada Lovelace\n\n  Grace Hopper \r\nLinus")], outputs: ["greetings"])
        #expect(run.outputs["greetings"] == [
            "greetings.txt": Array("Good morning, Ada Lovelace!\nGood morning, Grace Hopper!\nGood morning, Linus!\n".utf8),
        ])
        #expect(run.stdout == "hello: greeted 3 name(s)\n")
    }

    @Test func aFolderOfNamesIsReadInPathOrder() async throws {
        let run = try await runTool(
            "hello", ["sh", "hello.sh"],
            inputs: ["names": .folder(["b.txt": "Bea\n", "a.txt": "Al\n", "c/d.txt": "Di\n", ".skip": "Nobody\n", ".hidden/e.txt": "Nobody\n"])],
            outputs: ["greetings"])
        #expect(run.succeeded, "\(run.stderr)")
        #expect(run.text("greetings", "greetings.txt") == "Hello, Al!\nHello, Bea!\nHello, Di!\n")
    }

    @Test func badArgumentsAndEmptyInputFailWithOneLine() async throws {
        let names: [String: RunnerInput] = ["names": .file("Ada\n")]
        expectCleanFailure(
            try await runTool("hello", ["sh", "hello.sh", "--shout"], inputs: names, outputs: ["greetings"]),
            "hello: unexpected argument '--shout'")
        expectCleanFailure(
            try await runTool("hello", ["sh", "hello.sh", "--greeting"], inputs: names, outputs: ["greetings"]),
            "hello: option '--greeting' needs a value")
        expectCleanFailure(
            try await runTool("hello", ["sh", "hello.sh", "--greeting", ""], inputs: names, outputs: ["greetings"]),
            "hello: the greeting must be one non-empty line")
        expectCleanFailure(
            try await runTool("hello", ["sh", "hello.sh"], inputs: ["names": .file("\n  \n")], outputs: ["greetings"]),
            "hello: input 'names' holds no names")
        expectCleanFailure(
            try await runTool("hello", ["sh", "hello.sh"], outputs: ["greetings"]),
            "hello: input 'names' is missing")
    }
}
