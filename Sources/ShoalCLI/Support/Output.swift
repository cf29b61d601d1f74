import Foundation

/// Printing helpers shared by every command, so output looks the same everywhere.
enum Output {
    /// Prints `value` as one pretty, key-sorted JSON document on stdout.
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        write(data)
    }

    /// Writes one line to stderr (progress and warnings never go to stdout).
    static func note(_ line: String) {
        writeStandardError(Array((line + "\n").utf8))
    }

    /// Writes raw bytes to stdout, after what `print` buffered.
    ///
    /// When the reader has gone (`shoal cat CID | head`), the process ends as a Unix filter
    /// does, by SIGPIPE and silently, not with a crash report (Foundation's `FileHandle.write`
    /// traps on `EPIPE`, and SIGPIPE is ignored in this process).
    static func write(_ bytes: some ContiguousBytes) {
        fflush(nil)  // what print() buffered goes first
        if !writeAll(bytes, to: STDOUT_FILENO), errno == EPIPE {
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
            exit(141)  // 128 + SIGPIPE, should the signal be blocked
        }
    }

    /// Writes raw bytes to stderr; a closed stderr is not an error worth dying for.
    static func writeStandardError(_ bytes: some ContiguousBytes) {
        fflush(nil)
        _ = writeAll(bytes, to: STDERR_FILENO)
    }

    /// Writes every byte to `descriptor`; `false` (with `errno` set) when it cannot.
    private static func writeAll(_ bytes: some ContiguousBytes, to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }

    /// Whether stderr is a terminal, so progress is shown only to a person watching.
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
