import Foundation
import Testing
@testable import Units

@Suite struct ByteSizeTests {
    @Test(arguments: [
        ("512MiB", 512 << 20), ("2GiB", 2 << 30), ("100MB", 100_000_000), ("4096", 4096),
        ("1.5GiB", 3 << 29), ("1kB", 1000), ("1KB", 1000), ("7B", 7), ("0.5KiB", 512), ("1PiB", 1 << 50),
    ] as [(String, Int64)])
    func parses(text: String, bytes: Int64) throws {
        #expect(try ByteSize(parsing: text).bytes == bytes)
    }

    @Test(arguments: ["512M", "1g", "2 GiB", "", "MiB", "-5MiB", "1..5MiB", "1.MiB", ".5MiB", "5mib", "1.5.2KiB"])
    func rejectsMalformed(text: String) {
        #expect(throws: UnitsError.self) { try ByteSize(parsing: text) }
    }

    @Test func rejectsFractionalBytesAndOverflow() {
        #expect(throws: UnitsError(.invalidByteSize, "'0.3KiB' is not a whole number of bytes")) {
            try ByteSize(parsing: "0.3KiB")
        }
        #expect(throws: UnitsError(.invalidByteSize, "'99999999PiB' is too large")) {
            try ByteSize(parsing: "99999999PiB")
        }
        #expect(throws: UnitsError(.invalidByteSize, "'99999999999999999999' is too large")) {
            try ByteSize(parsing: "99999999999999999999")
        }
    }

    @Test func unknownUnitMessageNamesTheUnitAndTheChoices() throws {
        let error = try #require(throws: UnitsError.self) { try ByteSize(parsing: "512M") }
        #expect(error.message.hasPrefix("unknown unit 'M' in '512M': expected a size such as 512MiB"))
        #expect(error.message.contains("KiB, MiB, GiB, TiB, PiB powers of 1024"))
    }

    @Test(arguments: [
        (0, "0B"), (512 << 20, "512MiB"), (1 << 30, "1GiB"), (2_000_000, "2MB"), (1000, "1kB"),
        (1024_000, "1000KiB"), (1234, "1234B"), (1536, "1536B"), (3072, "3KiB"), (3 << 29, "1536MiB"),
    ] as [(Int64, String)])
    func printsCanonically(bytes: Int64, text: String) throws {
        let size = ByteSize(bytes: bytes)
        #expect(size.description == text)
        #expect(try ByteSize(parsing: text) == size)
    }

    @Test func codesAsStringAndDecodesNumbersToo() throws {
        let encoded = try JSONEncoder().encode(["memory": ByteSize.mebibytes(256)])
        #expect(String(decoding: encoded, as: UTF8.self) == #"{"memory":"256MiB"}"#)
        let decoded = try JSONDecoder().decode([String: ByteSize].self, from: Data(#"{"a":"1GiB","b":4096}"#.utf8))
        #expect(decoded == ["a": .gibibytes(1), "b": ByteSize(bytes: 4096)])
        #expect(throws: UnitsError.self) { try JSONDecoder().decode([ByteSize].self, from: Data("[-1]".utf8)) }
    }
}
