import Foundation
import ShoalTesting
import Testing
@testable import JobStore

struct JobIDTests {
    /// A deterministic generator for the random part.
    struct Counter: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 { state &+= 0x9E37_79B9_7F4A_7C15; return state }
    }

    @Test func idsHaveAFixedShapeAndSortByTime() {
        var generator = Counter(state: 1)
        let early = JobID.generate(at: Date(timeIntervalSince1970: 1_700_000_000), using: &generator)
        let late = JobID.generate(at: Date(timeIntervalSince1970: 1_700_000_000.002), using: &generator)
        let much = JobID.generate(at: Date(timeIntervalSince1970: 2_000_000_000), using: &generator)
        for id in [early, late, much] {
            #expect(id.count == 14)
            #expect(JobID.isValid(id))
            #expect(id.allSatisfy { $0.isLowercase || $0.isNumber })
        }
        #expect(early < late)
        #expect(late < much)
        #expect(JobID.creationDate(of: early) == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func theTimePartIsCrockfordBase32() {
        var generator = Counter(state: 0)
        // 1 ms after the epoch: nine zeros then '1'.
        #expect(JobID.generate(at: Date(timeIntervalSince1970: 0.001), using: &generator).hasPrefix("0000000001"))
        // 32 ms: "10" in base32.
        #expect(JobID.generate(at: Date(timeIntervalSince1970: 0.032), using: &generator).hasPrefix("0000000010"))
    }

    @Test func idsMadeInOneMillisecondDiffer() {
        let now = Date()
        let ids = Set((0..<1000).map { _ in JobID.generate(at: now) })
        #expect(ids.count > 990)  // 20 random bits: a collision among 1000 is possible but rare
    }

    @Test func validationRejectsOtherShapes() {
        #expect(!JobID.isValid(""))
        #expect(!JobID.isValid("01jdx3k9vq7m2"))        // too short
        #expect(!JobID.isValid("01jdx3k9vq7m2kk"))      // too long
        #expect(!JobID.isValid("01jdx3k9vq7m2i"))       // 'i' is not in the alphabet
        #expect(!JobID.isValid("01JDX3K9VQ7M2K"))       // upper case
        #expect(!JobID.isValid("../../etc/pass"))
        #expect(JobID.isValidPrefix("01jd"))
        #expect(!JobID.isValidPrefix(""))
        #expect(!JobID.isValidPrefix("01/d"))
        #expect(JobID.creationDate(of: "nope") == nil)
    }
}
