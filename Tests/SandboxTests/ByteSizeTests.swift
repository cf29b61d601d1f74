import Foundation
import Testing

@testable import Sandbox

@Suite struct ByteSizeTests {
    @Test(arguments: [
        ("256MiB", Int64(268_435_456)), ("1GiB", 1_073_741_824), ("2 GB", 2_000_000_000), ("512k", 524_288),
        ("4096", 4096), ("10B", 10), ("1.5KiB", 1536), ("1tib", 1_099_511_627_776), ("3kB", 3000), ("0", 0),
        (" 64 MiB ", 67_108_864), ("7MB", 7_000_000),
    ])
    func parses(text: String, bytes: Int64) throws {
        #expect(try ByteSize(parsing: text).bytes == bytes)
    }

    @Test(arguments: ["", "MiB", "-5MiB", "12 parsecs", "1.2.3MiB", ".", "1.5B", "9999999TiB", "0x10"])
    func refuses(text: String) {
        #expect { try ByteSize(parsing: text) } throws: { ($0 as? SandboxError)?.code == .invalidSize }
    }

    @Test func errorsSayWhatWasExpected() {
        #expect { try ByteSize(parsing: "12 parsecs") } throws: { error in
            (error as? SandboxError)?.message == "'12 parsecs': unknown unit 'parsecs' (use B, KiB, MiB, GiB, TiB, kB, MB, GB or TB)"
        }
    }

    @Test(arguments: [
        (Int64(268_435_456), "256MiB"), (1_073_741_824, "1GiB"), (2_000_000_000, "2GB"), (1500, "1500B"),
        (1_500_000, "1500kB"), (0, "0B"), (1536, "1536B"), (3 << 10, "3KiB"),
    ])
    func describesExactly(bytes: Int64, text: String) throws {
        #expect(ByteSize(bytes: bytes).description == text)
        #expect(try ByteSize(parsing: text).bytes == bytes)
    }

    @Test func codesAsStringAndDecodesNumbersToo() throws {
        let encoded = try JSONEncoder().encode(["memory": ByteSize.mebibytes(256)])
        #expect(String(decoding: encoded, as: UTF8.self) == #"{"memory":"256MiB"}"#)
        let decoded = try JSONDecoder().decode([String: ByteSize].self, from: Data(#"{"a":"1GiB","b":4096}"#.utf8))
        #expect(decoded == ["a": .gibibytes(1), "b": ByteSize(bytes: 4096)])
        #expect(throws: SandboxError.self) { try JSONDecoder().decode([ByteSize].self, from: Data("[-1]".utf8)) }
    }
}
