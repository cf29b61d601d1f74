import Foundation

/// Printing helpers shared by every command, so output looks the same everywhere.
enum Output {
    /// Prints `value` as one pretty, key-sorted JSON document on stdout.
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Writes one line to stderr (progress and warnings never go to stdout).
    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes raw bytes to stdout.
    static func write(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// Whether stderr is a terminal, so progress is shown only to a person watching.
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
