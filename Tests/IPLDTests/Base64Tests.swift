import Testing
@testable import IPLD

@Suite struct Base64Tests {
    /// RFC 4648 §10 test vectors, without padding.
    @Test(arguments: [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"),
                      ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")])
    func rfc4648Vectors(_ plain: String, _ encoded: String) throws {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(try Base64.decode(encoded.utf8).get() == Array(plain.utf8))
    }

    @Test func allByteValuesRoundTrip() throws {
        let bytes = (0...255).map(UInt8.init)
        let text = Base64.encode(bytes)
        #expect(text.hasPrefix("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEy"))
        #expect(text.hasSuffix("+/w"))
        #expect(try Base64.decode(text.utf8).get() == bytes)
    }

    @Test(arguments: ["Zg==", "Zm8=", "Zh", "Zm9", "Z", "Zm9v!", "Zm-v", "Zm_v", "Zm9 v"])
    func rejectsNonCanonicalText(_ text: String) {
        #expect(throws: Base64.DecodeFailure.self) { try Base64.decode(text.utf8).get() }
    }

    @Test func base64URLUsesDashAndUnderscoreAndIsAsStrict() throws {
        let bytes: [UInt8] = [0xfb, 0xff, 0xbf]
        #expect(Base64.encode(bytes) == "+/+/")
        #expect(Base64URL.encode(bytes) == "-_-_")
        #expect(Base64URL.decode("-_-_") == bytes)
        let all = (0...255).map(UInt8.init)
        #expect(Base64URL.decode(Base64URL.encode(all)) == all)
        // The other alphabet's characters, padding and non-canonical endings are refused.
        for text in ["+/+/", "Zg==", "Zh", "Z", "Zm9 v"] { #expect(Base64URL.decode(text) == nil, "\(text)") }
    }
}
