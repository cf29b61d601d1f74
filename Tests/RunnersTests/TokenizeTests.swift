import Foundation
import Testing

/// `Runners/datakit` (`tokenize`) in the real sandbox: tokens line by line, a vocabulary ordered by count then
/// token, the modes and patterns, and clear failures.
@Suite(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct TokenizeTests {
    static let text: [String: String] = [
        "b.txt": "The cat sat.\n\nThe CAT ran, the dog sat!\n",
        "a.txt": "Ｆｕｌｌｗｉｄｔｈ dog\n",  // NFKC turns fullwidth letters into ASCII
    ]

    @Test func tokensKeepTheLinesAndTheVocabularyIsOrderedByCountThenToken() async throws {
        let run = try await runTwiceExpectingIdenticalOutputs(
            "tokenize", ["python3", "tokenizer.py"], inputs: ["text": .folder(Self.text)], outputs: ["tokens", "vocab"])
        #expect(run.text("tokens", "a.txt") == "fullwidth dog\n")
        #expect(run.text("tokens", "b.txt") == "the cat sat\n\nthe cat ran the dog sat\n")
        let vocab = try run.json("vocab", "vocab.json")
        #expect(vocab["tokens"] as? Int == 11)
        #expect(vocab["types"] as? Int == 6)
        #expect(vocab["lines"] as? Int == 4)
        #expect(vocab["files"] as? Int == 2)
        let entries = try #require(vocab["vocab"] as? [[String: Any]])
        let listed = entries.map { "\($0["id"] as? Int ?? -1):\($0["token"] as? String ?? "?"):\($0["count"] as? Int ?? -1)" }
        #expect(listed == ["0:the:3", "1:cat:2", "2:dog:2", "3:sat:2", "4:fullwidth:1", "5:ran:1"])
        #expect(run.stdout == "tokenize: 11 tokens, 6 types, vocabulary of 6 in 2 files\n")
    }

    @Test func minCountTrimsTheVocabularyButNotTheTokens() async throws {
        let run = try await runTool(
            "tokenize", ["python3", "tokenizer.py", "--min-count", "2"], inputs: ["text": .folder(Self.text)],
            outputs: ["tokens", "vocab"])
        #expect(run.succeeded, "\(run.stderr)")
        let vocab = try run.json("vocab", "vocab.json")
        #expect((vocab["vocab"] as? [[String: Any]])?.compactMap { $0["token"] as? String } == ["the", "cat", "dog", "sat"])
        #expect(vocab["size"] as? Int == 4)
        #expect(vocab["types"] as? Int == 6)
        #expect(run.text("tokens", "a.txt") == "fullwidth dog\n")
    }

    @Test func whitespaceModeKeepsPunctuationAndCaseWhenAsked() async throws {
        let run = try await runTool(
            "tokenize", ["python3", "tokenizer.py"], inputs: ["text": .file("Hello, World!  Hello\tagain.\n")],
            params: #"{"mode": "whitespace", "lowercase": false}"#, outputs: ["tokens", "vocab"])
        #expect(run.succeeded, "\(run.stderr)")
        #expect(run.text("tokens", "text") == "Hello, World! Hello again.\n")
        let entries = try #require(try run.json("vocab", "vocab.json")["vocab"] as? [[String: Any]])
        // Each token appears once, so code-point order decides: upper case before lower case.
        #expect(entries.compactMap { $0["token"] as? String } == ["Hello", "Hello,", "World!", "again."])
    }

    @Test func aCustomPatternChoosesWhatATokenIs() async throws {
        let run = try await runTool(
            "tokenize", ["python3", "tokenizer.py", "--pattern", "[0-9]+(?:\\.[0-9]+)?"],
            inputs: ["text": .file("pi is 3.14, e is 2.718 and 3.14 again\n")], outputs: ["tokens", "vocab"])
        #expect(run.succeeded, "\(run.stderr)")
        #expect(run.text("tokens", "text") == "3.14 2.718 3.14\n")
    }

    @Test func badPatternsAndModesFailWithOneLine() async throws {
        let input: [String: RunnerInput] = ["text": .file("a b c\n")]
        expectCleanFailure(
            try await runTool("tokenize", ["python3", "tokenizer.py", "--pattern", "(a"], inputs: input, outputs: ["tokens", "vocab"]),
            "tokenize: parameter 'pattern' is not a valid regular expression")
        expectCleanFailure(
            try await runTool("tokenize", ["python3", "tokenizer.py", "--pattern", "a b"], inputs: input, outputs: ["tokens", "vocab"]),
            "tokenize: parameter 'pattern' matched a token with whitespace")
        expectCleanFailure(
            try await runTool("tokenize", ["python3", "tokenizer.py", "--mode", "bpe"], inputs: input, outputs: ["tokens", "vocab"]),
            "tokenize: parameter 'mode' must be 'regex' or 'whitespace'")
        expectCleanFailure(
            try await runTool("tokenize", ["python3", "tokenizer.py", "--min-count", "0"], inputs: input, outputs: ["tokens", "vocab"]),
            "tokenize: parameter 'min_count' must be >= 1")
    }
}
