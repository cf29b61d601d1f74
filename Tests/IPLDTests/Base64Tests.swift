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
}
