import Foundation

/// Job ids: short, unique, URL-safe and sortable by creation time.
///
/// An id is 14 characters of lowercase Crockford base32 (`0-9`, `a-z` without `i l o u`): ten
/// for the creation time in milliseconds since 1970 (big-endian, so ids sort by time as text,
/// until the year 10889), then four random characters (20 bits) that keep ids made in the same
/// millisecond apart.
///
/// ```swift
/// let id = JobID.generate()          // "01jdx3k9vq7m2k"
/// JobID.isValid(id)                  // true
/// ```
///
/// Task ids are the spec's own ids, unique within their job; a task is named `JOB/TASK` across jobs.
public enum JobID {
    /// The alphabet: Crockford's base32 in lowercase (no `i`, `l`, `o`, `u`).
    static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    /// Characters of time, then of randomness.
    static let timeLength = 10, randomLength = 4

    /// A new id for a job created at `date`.
    public static func generate(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(at: date, using: &generator)
    }

    /// A new id for a job created at `date`, with randomness from `generator` (tests).
    public static func generate(at date: Date, using generator: inout some RandomNumberGenerator) -> String {
        let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded()))
        var characters = [UInt8](repeating: 0, count: timeLength + randomLength)
        var time = milliseconds
        for index in stride(from: timeLength - 1, through: 0, by: -1) {
            characters[index] = alphabet[Int(time & 31)]
            time >>= 5
        }
        var random = generator.next() as UInt64
        for index in timeLength..<(timeLength + randomLength) {
            characters[index] = alphabet[Int(random & 31)]
            random >>= 5
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// `count` random characters of the id alphabet (5 bits each), from `generator`.
    static func randomCharacters(_ count: Int, using generator: inout some RandomNumberGenerator) -> String {
        var characters = [UInt8](repeating: 0, count: count)
        var random: UInt64 = 0
        for index in 0..<count {
            if index % 12 == 0 { random = generator.next() }
            characters[index] = alphabet[Int(random & 31)]
            random >>= 5
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Whether `text` has the shape of a job id.
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == timeLength + randomLength && text.utf8.allSatisfy(alphabet.contains)
    }

    /// Whether `text` could be the start of a job id (what `shoal logs` accepts in place of a whole id).
    public static func isValidPrefix(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= timeLength + randomLength && text.utf8.allSatisfy(alphabet.contains)
    }

    /// The creation time encoded in a valid id.
    public static func creationDate(of id: String) -> Date? {
        guard isValid(id) else { return nil }
        var milliseconds: UInt64 = 0
        for byte in id.utf8.prefix(timeLength) {
            guard let value = alphabet.firstIndex(of: byte) else { return nil }
            milliseconds = milliseconds << 5 | UInt64(value)
        }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
