import Testing
@testable import IPLD

/// The official IPLD codec fixtures (github.com/ipld/codec-fixtures, commit bf8ab05).
///
/// Each fixture is one data model value in each codec, named by its CIDv1. For every fixture
/// this checks that decoding any form and re-encoding it in every codec gives exactly the
/// fixture's bytes and CID: dag-cbor ⇄ dag-json ⇄ dag-pb, in both directions.
///
/// The vectors below were extracted from `fixtures/<name>/<cid>.<codec>` with a script that
/// hex-encodes the binary forms and copies the dag-json text verbatim. Left out: `cid-mapof`
/// and 23 of the 25 `garbage-*` fixtures (size), so the file stays readable.
@Suite struct CodecFixturesTests {
    @Test(arguments: CodecFixture.all)
    func dagCBORFormRoundTrips(_ fixture: CodecFixture) throws {
        let (cidText, hex) = try #require(fixture.cbor)
        let bytes = try hexBytes(hex)
        let cid = try CID(cidText)
        #expect(CID.sha256(bytes, codec: .dagCBOR) == cid)
        let value = try DagCBOR.decode(bytes)
        #expect(try DagCBOR.encode(value) == bytes)
        if let jsonCID = fixture.jsonCID {
            // The same value in dag-json must have the fixture's dag-json CID.
            #expect(CID.sha256(try DagJSON.encode(value), codec: .dagJSON) == (try CID(jsonCID)))
        }
    }

    @Test(arguments: CodecFixture.all.filter { $0.json != nil })
    func dagJSONFormRoundTrips(_ fixture: CodecFixture) throws {
        let (cidText, text) = try #require(fixture.json)
        let bytes = Array(text.utf8)
        #expect(CID.sha256(bytes, codec: .dagJSON) == (try CID(cidText)))
        let value = try DagJSON.decode(bytes)
        #expect(try DagJSON.string(value) == text)
        if let (cborCID, cborHex) = fixture.cbor {
            let cbor = try DagCBOR.encode(value)
            #expect(cbor == (try hexBytes(cborHex)))
            #expect(CID.sha256(cbor, codec: .dagCBOR) == (try CID(cborCID)))
        }
    }

    @Test(arguments: CodecFixture.all.filter { $0.pb != nil })
    func dagPBFormMatchesItsDataModel(_ fixture: CodecFixture) throws {
        let (cidText, hex) = try #require(fixture.pb)
        let bytes = try hexBytes(hex)
        #expect(CID.sha256(bytes, codec: .dagPB) == (try CID(cidText)))
        let node = try PBNode(decoding: bytes)
        #expect(node.encoded() == bytes)
        // Its data model form is the value the dag-cbor and dag-json fixtures hold …
        let (_, cborHex) = try #require(fixture.cbor)
        let value = try DagCBOR.decode(try hexBytes(cborHex))
        #expect(node.ipldValue == value)
        // … and that value builds the same node back.
        #expect(try PBNode(ipldValue: value).encoded() == bytes)
    }
}

/// One fixture: a value in up to three codecs, each as (CIDv1, bytes or text).
struct CodecFixture: Sendable, CustomTestStringConvertible {
    let name: String
    let cbor: (cid: String, hex: String)?
    let json: (cid: String, text: String)?
    let pb: (cid: String, hex: String)?
    /// For fixtures kept without their dag-json text, the CID of that text.
    let jsonOnlyCID: String?

    init(name: String, cbor: (String, String)? = nil, json: (String, String)? = nil, pb: (String, String)? = nil,
         jsonCID: String? = nil) {
        self.name = name
        self.cbor = cbor
        self.json = json
        self.pb = pb
        self.jsonOnlyCID = jsonCID
    }

    var jsonCID: String? { json?.cid ?? jsonOnlyCID }
    var testDescription: String { name }

    static let all: [CodecFixture] = [
        CodecFixture(name: #"array-2"#,
                     cbor: ("bafyreihdb57fdysx5h35urvxz64ros7zvywshber7id6t6c6fek37jgyfe", "8102"),
                     json: ("baguqeeraaoewnxu7nonjagzawtdmvczkiyaj73v6amn2xscc2q3jbqf4eivq", #"[2]"#)),
        CodecFixture(name: #"array-255"#,
                     cbor: ("bafyreick3uapgoe63rizj6rptbqwl7pagin26fos32n37fu7uktzcadcdu", "8118ff"),
                     json: ("baguqeeraqu2ktsh23n37sd632fp4cmexypune5zki6s23wfygkoemrumjmra", #"[255]"#)),
        CodecFixture(name: #"array-3,4,5,6"#,
                     cbor: ("bafyreid7y3kwce6omkwi4ziyisf5v2niknzjwab2ofigddwm3bq4xlnovy", "8403040506"),
                     json: ("baguqeerazwaj2gukf64chujcb3lhbnndbpx4kssdjcfp4f7pbkkmlrd5ohtq", #"[3,4,5,6]"#)),
        CodecFixture(name: #"array-5-nested"#,
                     cbor: ("bafyreihmxfmn5wcpzpiqa6zfefgabxmd2jzr2bd4y2v7c2ss4plkgkabgq", "8265617272617982626f66820582666e657374656482666172726179736121"),
                     json: ("baguqeera7mqnrv3sxsqeaxf23poe2lyztcxjomr7alr2oapf7slfdrr5ai7q", #"["array",["of",[5,["nested",["arrays","!"]]]]]"#)),
        CodecFixture(name: #"array-500"#,
                     cbor: ("bafyreidasbkb6vj3obxxqqgiz2ahvw7iaxmj446bbnrroj3jt6vzpo5fhm", "811901f4"),
                     json: ("baguqeeraqjtyxb73lijycba3pidm5fwai4arowgebxo6yd7rdmmdqqwjzqha", #"[500]"#)),
        CodecFixture(name: #"array-6433713753386423"#,
                     cbor: ("bafyreifflym5ibfezh3vwegpsh6hngjeczrjw35a7fsgsfqui4vgy2eawu", "811b0016db6db6db6db7"),
                     json: ("baguqeerartozez7h34sfzszo3gpcu6mjql5zd57mh6qhmcwf4enmgtukce7q", #"[6433713753386423]"#)),
        CodecFixture(name: #"array-65536"#,
                     cbor: ("bafyreiarke72vvg3sfs2nrpzpgnxs7dqcdu2e4ytixgo7snkyoq5w7oddu", "811a00010000"),
                     json: ("baguqeeradd2npofdzz4gl4stit2bkixizy3dlvmqrfbjif3dwc6beh556mbq", #"[65536]"#)),
        CodecFixture(name: #"array-9007199254740991"#,
                     cbor: ("bafyreifjs6kz3aq24pywi7mdrizazmzdsvu3jtd7uut64lvj3mblk2byaa", "811b001fffffffffffff"),
                     json: ("baguqeeraz4galcrwm4zgvo744npzhwyv3xvbvsaw6ewbtjsun56dragozqoa", #"[9007199254740991]"#)),
        CodecFixture(name: #"array-empty"#,
                     cbor: ("bafyreidwx2fvfdiaox32v2mnn6sxu3j4qoxeqcuenhtgrv5qv6litfnmoe", "80"),
                     json: ("baguqeeraj5j43immfovaya2uxnpzupwl4xwrfk2nryi3vbz4f4irmeqcxfcq", #"[]"#)),
        CodecFixture(name: #"array-mixed"#,
                     cbor: ("bafyreidufmzzejc3p7gmh6ivp4fjvca5jfazk57nu6vdkvki4c4vpja724", "8c1b0016db6db6db6db71a000100001901f40200202238ff3aa5f702b33b0016db6db6db6db74261316fc48c6175657320c39f76c49b746521"),
                     json: ("baguqeera4iuxsgqusw3ctry362niptivjyio6dxnsn5afctijsahacub2eza", #"[6433713753386423,65536,500,2,0,-1,-3,-256,-2784428724,-6433713753386424,{"/":{"bytes":"YTE"}},"Čaues ßvěte!"]"#)),
        CodecFixture(name: #"bytes-a1"#,
                     cbor: ("bafyreidfn5bivgcww7slkgp7f5iiukoggxr542m4pzl3zn3oia7ozt7ffe", "41a1"),
                     json: ("baguqeera2te22lsmu3vdcg54oi6srd7wkuo3h6tmyvswwakaccayyv6m4tza", #"{"/":{"bytes":"oQ"}}"#)),
        CodecFixture(name: #"bytes-empty"#,
                     cbor: ("bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4kok6gl47quzvy", "40"),
                     json: ("baguqeerackat3qjvp3wd4jnmm7afadwt2ahpjxqbj7pzxocc4kges5lkkqgq", #"{"/":{"bytes":""}}"#)),
        CodecFixture(name: #"bytes-long-8bit"#,
                     cbor: ("bafyreiaalc4ruy26q4qdrdbjijh2vrecn5c6auefvoz5iyyxgsh7kcjsue", "58ff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfe"),
                     json: ("baguqeerabiuwx2krvxgwuufpkbrus3q7afzmqjofkqbfytqbnsgghzclwvwa", #"{"/":{"bytes":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+"}}"#)),
        CodecFixture(name: #"cid-QmQg1v4o9xdT3Q14wh4S7dxZkDjyZ9ssFzFzyep1YrVJBY"#,
                     cbor: ("bafyreidsrf4agofvag5iiksjc7jjehhdcjqggra7cxe3m2movopc7pomr4", "d82a582300122022ad631c69ee983095b5b8acd029ff94aff1dc6c48837878589a92b90dfea317"),
                     json: ("baguqeera6yza2lamkvlohaytwwccgqrswciqhuglte7qta4vfjuwia5xkxvq", #"{"/":"QmQg1v4o9xdT3Q14wh4S7dxZkDjyZ9ssFzFzyep1YrVJBY"}"#)),
        CodecFixture(name: #"cid-QmRgutAxd8t7oGkSm4wmeuByG6M51wcTso6cubDdQtuEfL"#,
                     cbor: ("bafyreidfkreyekhbpfbbau3o4aakvxk6ninfo7baileo7ezgjiunk66er4", "d82a582300122031c3d57080d8463a3c63b2923df5a1d40ad7a73eae5a14af584213e5f504ac33"),
                     json: ("baguqeerahpjisfiuqb5vifrkdpz4yzvhfsdt2agktamof2lvg55zssdclq7a", #"{"/":"QmRgutAxd8t7oGkSm4wmeuByG6M51wcTso6cubDdQtuEfL"}"#)),
        CodecFixture(name: #"cid-QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V"#,
                     cbor: ("bafyreidqpmseqxbqp3fwb256fmqg4glepd4wfn5ubei7jlcvxpfy7bshge", "d82a58230012208ab7a6c5e74737878ac73863cb76739d15d4666de44e5756bf55a2f9e9ab5f44"),
                     json: ("baguqeeragkmsqdjvsmershik24tc5kwcgmh6wyahxdzlqi7vrblz4jjsjnfq", #"{"/":"QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V"}"#)),
        CodecFixture(name: #"cid-arrayof"#,
                     cbor: ("bafyreidhjbzws7yyooefukqt4xvbrctkz5pj5c7dnhdea6nepemymhkccm", "90d82a58250001711220785197229dc8bb1152945da58e2348f7e279eeded06cc2ca736d0e879858b501d82a582500017012207252523e6591fb8fe553d67ff55a86f84044b46a3e4176e10c58fa529a4aabd5d82a58190001781114c876ceeaa8b30123bc5fc99359e682a737308659d82a58230012208ab7a6c5e74737878ac73863cb76739d15d4666de44e5756bf55a2f9e9ab5f44d82a582300122022ad631c69ee983095b5b8acd029ff94aff1dc6c48837878589a92b90dfea317d82a582300122031c3d57080d8463a3c63b2923df5a1d40ad7a73eae5a14af584213e5f504ac33d82a5825000155122081cc5b17018674b401b42f35ba07bb79e211239c23bffe658da1577e3e646877d82a5826000185011220fee347e160f04149130aff63259712dca7aec9ecff70a3d4d4942b5d64b09d05d82a58250001551220b6fbd675f98e2abd22d4ed29fdc83150fedc48597e92dd1a7a24381d44a27451d82a5825000171122069ea0740f9807a28f4d932c62e7c1c83be055e55072c90266ab3e79df63a365bd82a5825000171122089556551c3926679cc52c72e182a5619056a4727409ee93a26d05ad727ca11f4d82a58260001c001562008ce3d9731b000c08338455c8a4a6bd05da16e26b11daa1b917184ece80f0400d82a58260001c0015620960143fe2c5e22cc0bf0cd5534d7f7f4347f4e75223d07379b9af71400000000d82a58260001b1015620c3f2244dfb3c833c62e72e05b7fd1bd6bcba2d6cd455984a1059db7a4bf38348d82a58260001b00156201b7c39197e95b49b38ff96c7bf9e1db4a9f36b5698ecd6000000000000000000d82a4a00015500050001020304"),
                     json: ("baguqeeraqcw26pvoc6mesw7zrnz7bpqmfe7m4agdarke2nytwbqn7kuszdcq", #"[{"/":"bafyreidykglsfhoixmivffc5uwhcgshx4j465xwqntbmu43nb2dzqwfvae"},{"/":"bafybeidskjjd4zmr7oh6ku6wp72vvbxyibcli2r6if3ocdcy7jjjusvl2u"},{"/":"baf4bcfgio3hovkftaer3yx6jsnm6navhg4yimwi"},{"/":"QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V"},{"/":"QmQg1v4o9xdT3Q14wh4S7dxZkDjyZ9ssFzFzyep1YrVJBY"},{"/":"QmRgutAxd8t7oGkSm4wmeuByG6M51wcTso6cubDdQtuEfL"},{"/":"bafkreiebzrnroamgos2adnbpgw5apo3z4iishhbdx77gldnbk57d4zdio4"},{"/":"bagcqcera73rupyla6bauseyk75rslfys3st25spm75ykhvgusqvv2zfqtucq"},{"/":"bafkreifw7plhl6mofk6sfvhnfh64qmkq73oeqwl6sloru6rehaoujituke"},{"/":"bafyreidj5idub6mapiupjwjsyyxhyhedxycv4vihfsicm2vt46o7morwlm"},{"/":"bafyreiejkvsvdq4smz44yuwhfymcuvqzavveoj2at3utujwqlllspsqr6q"},{"/":"bahaacvrabdhd3fzrwaambazyivoiustl2bo2c3rgweo2ug4rogcoz2apaqaa"},{"/":"bahaacvrasyauh7rmlyrmyc7qzvktjv7x6q2h6ttvei6qon43tl3riaaaaaaa"},{"/":"bagyqcvraypzcitp3hsbtyyxhfyc3p7i3226lullm2rkzqsqqlhnxus7tqnea"},{"/":"bagyacvradn6dsgl6sw2jwoh7s3d37hq5wsu7g22wtdwnmaaaaaaaaaaaaaaa"},{"/":"bafkqabiaaebagba"}]"#)),
        CodecFixture(name: #"cid-bafkqabiaaebagba"#,
                     cbor: ("bafyreihm764rs4lirtozq4d5d4pqext5b5akh6val7cyphu4aglvpha3xm", "d82a4a00015500050001020304"),
                     json: ("baguqeerarlku7yrcztgkqfowmc5lzvjnavntg2xuwkr6j5lpczxipwxizmma", #"{"/":"bafkqabiaaebagba"}"#)),
        CodecFixture(name: #"cid-bafkreiebzrnroamgos2adnbpgw5apo3z4iishhbdx77gldnbk57d4zdio4"#,
                     cbor: ("bafyreic3yrxqeqgoi24fo3h43nfkfs4cntcx243g3lzv3n2hnmcm5ksnzu", "d82a5825000155122081cc5b17018674b401b42f35ba07bb79e211239c23bffe658da1577e3e646877"),
                     json: ("baguqeera5c374arbqlbujh5m6goc3fnxmi6y7ksn6mdnbonnakmwvqszxqia", #"{"/":"bafkreiebzrnroamgos2adnbpgw5apo3z4iishhbdx77gldnbk57d4zdio4"}"#)),
        CodecFixture(name: #"cid-bafkreifw7plhl6mofk6sfvhnfh64qmkq73oeqwl6sloru6rehaoujituke"#,
                     cbor: ("bafyreicsrmbdimdekusleiafgsuwpsvijhmqtecucyxysgcftnptepbb2m", "d82a58250001551220b6fbd675f98e2abd22d4ed29fdc83150fedc48597e92dd1a7a24381d44a27451"),
                     json: ("baguqeeraidhbr47r5gvx64lz5rzpi5wcnqavzgeqoycpag2binbbq2htyl7a", #"{"/":"bafkreifw7plhl6mofk6sfvhnfh64qmkq73oeqwl6sloru6rehaoujituke"}"#)),
        CodecFixture(name: #"cid-bafyreidj5idub6mapiupjwjsyyxhyhedxycv4vihfsicm2vt46o7morwlm"#,
                     cbor: ("bafyreihfnilmqbnwzcmqrspmmyik5qdocjdrf3rnkuxb2aanrh2qycf6wy", "d82a5825000171122069ea0740f9807a28f4d932c62e7c1c83be055e55072c90266ab3e79df63a365b"),
                     json: ("baguqeera7sbeilm63szrewp5opgwrnjrae4wzsrnom67vpugro7dgsi2iana", #"{"/":"bafyreidj5idub6mapiupjwjsyyxhyhedxycv4vihfsicm2vt46o7morwlm"}"#)),
        CodecFixture(name: #"cid-bafyreiejkvsvdq4smz44yuwhfymcuvqzavveoj2at3utujwqlllspsqr6q"#,
                     cbor: ("bafyreif4kmuaiu3fuqmdkb6e7vfdz7x6c2sqjybc5bz3l6b2vnj5e5xjl4", "d82a5825000171122089556551c3926679cc52c72e182a5619056a4727409ee93a26d05ad727ca11f4"),
                     json: ("baguqeeradow3qosni2sx336td3elm77dozktr3rsuemz5mio5s55zmvjk2ia", #"{"/":"bafyreiejkvsvdq4smz44yuwhfymcuvqzavveoj2at3utujwqlllspsqr6q"}"#)),
        CodecFixture(name: #"cid-bagcqcera73rupyla6bauseyk75rslfys3st25spm75ykhvgusqvv2zfqtucq"#,
                     cbor: ("bafyreidvvetydwcmpvymr34rqmz6cu4yhi7jluds6n5yyyqdllssa4jcom", "d82a5826000185011220fee347e160f04149130aff63259712dca7aec9ecff70a3d4d4942b5d64b09d05"),
                     json: ("baguqeeraf3abbztiyzwvxvrxz273hx3yo36kifwgiyty5ox4f2zoezvhpz2a", #"{"/":"bagcqcera73rupyla6bauseyk75rslfys3st25spm75ykhvgusqvv2zfqtucq"}"#)),
        CodecFixture(name: #"cid-bagyacvradn6dsgl6sw2jwoh7s3d37hq5wsu7g22wtdwnmaaaaaaaaaaaaaaa"#,
                     cbor: ("bafyreicwwufftyxxvvbolsj2svwvc3zzo7u23j2hz27edffxzazlhistjy", "d82a58260001b00156201b7c39197e95b49b38ff96c7bf9e1db4a9f36b5698ecd6000000000000000000"),
                     json: ("baguqeera5jiw3keif37pw2bta4s5ayrgn73qt3cyn5l7c7h3p6lvaiifhmea", #"{"/":"bagyacvradn6dsgl6sw2jwoh7s3d37hq5wsu7g22wtdwnmaaaaaaaaaaaaaaa"}"#)),
        CodecFixture(name: #"cid-bagyqcvraypzcitp3hsbtyyxhfyc3p7i3226lullm2rkzqsqqlhnxus7tqnea"#,
                     cbor: ("bafyreigyego6qj7uxt5dtmpznwi3mtwz7l5hf7m3udmsvkd2ps2gbmjzs4", "d82a58260001b1015620c3f2244dfb3c833c62e72e05b7fd1bd6bcba2d6cd455984a1059db7a4bf38348"),
                     json: ("baguqeeram352tvlwv6ysybxyemcxnnbmcnmp5n5w6xkba5kzssew2ocnhc4a", #"{"/":"bagyqcvraypzcitp3hsbtyyxhfyc3p7i3226lullm2rkzqsqqlhnxus7tqnea"}"#)),
        CodecFixture(name: #"cid-bahaacvrabdhd3fzrwaambazyivoiustl2bo2c3rgweo2ug4rogcoz2apaqaa"#,
                     cbor: ("bafyreias54gwjsb5z4v3amftdd5h6ufcpuk3zci7klphqoyyjmv52g4uie", "d82a58260001c001562008ce3d9731b000c08338455c8a4a6bd05da16e26b11daa1b917184ece80f0400"),
                     json: ("baguqeera5iayx6m23rrlvkigcbzjy22mx7uqb6femvf45disg4jszkmehwmq", #"{"/":"bahaacvrabdhd3fzrwaambazyivoiustl2bo2c3rgweo2ug4rogcoz2apaqaa"}"#)),
        CodecFixture(name: #"cid-bahaacvrasyauh7rmlyrmyc7qzvktjv7x6q2h6ttvei6qon43tl3riaaaaaaa"#,
                     cbor: ("bafyreiboefkuukdnjhy5sy2ekybhp73yheoy3uj5n36hal6tckhflmp2ye", "d82a58260001c0015620960143fe2c5e22cc0bf0cd5534d7f7f4347f4e75223d07379b9af71400000000"),
                     json: ("baguqeeraqvq6hotrzxlpgarx5am6klvbnzglzu37dzcjenms7megi5ydxlca", #"{"/":"bahaacvrasyauh7rmlyrmyc7qzvktjv7x6q2h6ttvei6qon43tl3riaaaaaaa"}"#)),
        CodecFixture(name: #"cid-z8mWaJ1dZ9fH5EetPuRsj8jj26pXsgpsr"#,
                     cbor: ("bafyreiemoe3mh3uanvjypqyrousnwapnluxnmt5lorlhzguj5nvmgjdthi", "d82a58190001781114c876ceeaa8b30123bc5fc99359e682a737308659"),
                     json: ("baguqeeralmwcgg3knsdtmks5jrpsnbkpzzhourbfcwgpxkxs37syppsw54tq", #"{"/":"baf4bcfgio3hovkftaer3yx6jsnm6navhg4yimwi"}"#)),
        CodecFixture(name: #"cid-zdj7Wd8AMwqnhJGQCbFxBVodGSBG84TM7Hs1rcJuQMwTyfEDS"#,
                     cbor: ("bafyreicrcxd4oefvax3uw7gshyen7bbj2vno3drylsnp3int5p6wdesoqq", "d82a582500017012207252523e6591fb8fe553d67ff55a86f84044b46a3e4176e10c58fa529a4aabd5"),
                     json: ("baguqeera5oa5xf5w42rgmvkavdpbnt6lhkgmpudiqur6ucwyy7jmfe3fykta", #"{"/":"bafybeidskjjd4zmr7oh6ku6wp72vvbxyibcli2r6if3ocdcy7jjjusvl2u"}"#)),
        CodecFixture(name: #"cid-zdpuAtX7ZibcWdSKQwiDCkPjWwRvtcKCPku9H7LhgA4qJW4Wk"#,
                     cbor: ("bafyreib6okxebjb65dd5i7nu2johcro6wpxxxvt5ykuusyky7763w2ypnq", "d82a58250001711220785197229dc8bb1152945da58e2348f7e279eeded06cc2ca736d0e879858b501"),
                     json: ("baguqeera7kdvvxhvje4nflfnecqaxur2qd6hghlkxfhgaz4bbmig5r4itgwq", #"{"/":"bafyreidykglsfhoixmivffc5uwhcgshx4j465xwqntbmu43nb2dzqwfvae"}"#)),
        CodecFixture(name: #"dagpb_11unnamedlinks+data"#,
                     cbor: ("bafyreidjm3xk7rz2d2jap2dvgs54ifj473viuro5q5mfcpjm3rjf73s76y", "a2644461746149736f6d652064617461654c696e6b738ba36448617368d82a58230012205822d187bd40b04cc8ae7437888ebf844efac1729e098c8816d585d0fcc42b5b644e616d6560655473697a651a0004000ea36448617368d82a58230012200b79badee10dc3f7781a7a9d0f020cc0f710b328c4975c2dbc30a170cd188e2c644e616d6560655473697a651a0004000ea36448617368d82a582300122022ad631c69ee983095b5b8acd029ff94aff1dc6c48837878589a92b90dfea317644e616d6560655473697a651a0004000ea36448617368d82a5823001220df7fd08c4784fe6938c640df473646e4f16c7d0c6567ab79ec6981767fc3f01a644e616d6560655473697a651a0004000ea36448617368d82a582300122000888c815ad7d055377bdb7b7779fc9740e548cb5dac90c71b9af9f51a879c2d644e616d6560655473697a651a0004000ea36448617368d82a5823001220766db372d015c5c700f538336556370165c889334791487a5e48d6080f1c99ea644e616d6560655473697a651a0004000ea36448617368d82a58230012202f533004ceed74279b32c58eb0e3d2a23bc27ba14ab07298406c42bab8d54321644e616d6560655473697a651a0004000ea36448617368d82a58230012204c50cfdefa0209766f885919ac8ffc258e9253c3001ac23814f875d414d39473644e616d6560655473697a651a0004000ea36448617368d82a582300122000894611dfa192853020cbbade1a9a0a3f359d26e0d38caf4d72b9b306ff5a0b644e616d6560655473697a651a0004000ea36448617368d82a5823001220730ddba83e3147bbe10780b97ff0718c74c36037b97b3b79b45c451180654581644e616d6560655473697a651a0004000ea36448617368d82a582300122048ea9d5d423f678d83d559d2349be8325527290b070c90fc1acd968f0bf70a06644e616d6560655473697a651a0004000e"),
                     json: ("baguqeerap7w3wnisyfaoyn6vdjbvhgvzfhqxlmnkpfo2cza3kol3sgiou7zq", #"{"Data":{"/":{"bytes":"c29tZSBkYXRh"}},"Links":[{"Hash":{"/":"QmUGhP2X8xo9dsj45vqx1H6i5WqPqLqmLQsHTTxd3ke8mp"},"Name":"","Tsize":262158},{"Hash":{"/":"QmP7SrR76KHK9A916RbHG1ufy2TzNABZgiE23PjZDMzZXy"},"Name":"","Tsize":262158},{"Hash":{"/":"QmQg1v4o9xdT3Q14wh4S7dxZkDjyZ9ssFzFzyep1YrVJBY"},"Name":"","Tsize":262158},{"Hash":{"/":"QmdP6fartWRrydZCUjHgrJ4XpxSE4SAoRsWJZ1zJ4MWiuf"},"Name":"","Tsize":262158},{"Hash":{"/":"QmNNjUStxtMC1WaSZYiDW6CmAUrvd5Q2e17qnxPgVdwrwW"},"Name":"","Tsize":262158},{"Hash":{"/":"QmWJwqZBJWerHsN1b7g4pRDYmzGNnaMYuD3KSbnpaxsB2h"},"Name":"","Tsize":262158},{"Hash":{"/":"QmRXPSdysBS3dbUXe6w8oXevZWHdPQWaR2d3fggNsjvieL"},"Name":"","Tsize":262158},{"Hash":{"/":"QmTUZAXfws6zrhEksnMqLxsbhXZBQs4FNiarjXSYQqVrjC"},"Name":"","Tsize":262158},{"Hash":{"/":"QmNNk7dTdh8UofwgqLNauq6N78DPc6LKK2yBs1MFdx7Mbg"},"Name":"","Tsize":262158},{"Hash":{"/":"QmW5mrJfyqh7B4ywSvraZgnWjS3q9CLiYURiJpCX3aro5i"},"Name":"","Tsize":262158},{"Hash":{"/":"QmTFHZL5CkgNz19MdPnSuyLAi6AVq9fFp81zmPpaL2amED"},"Name":"","Tsize":262158}]}"#),
                     pb: ("bafybeie7xh3zqqmeedkotykfsnj2pi4sacvvsjq6zddvcff4pq7dvyenhu", "122a0a2212205822d187bd40b04cc8ae7437888ebf844efac1729e098c8816d585d0fcc42b5b1200188e8010122a0a2212200b79badee10dc3f7781a7a9d0f020cc0f710b328c4975c2dbc30a170cd188e2c1200188e8010122a0a22122022ad631c69ee983095b5b8acd029ff94aff1dc6c48837878589a92b90dfea3171200188e8010122a0a221220df7fd08c4784fe6938c640df473646e4f16c7d0c6567ab79ec6981767fc3f01a1200188e8010122a0a22122000888c815ad7d055377bdb7b7779fc9740e548cb5dac90c71b9af9f51a879c2d1200188e8010122a0a221220766db372d015c5c700f538336556370165c889334791487a5e48d6080f1c99ea1200188e8010122a0a2212202f533004ceed74279b32c58eb0e3d2a23bc27ba14ab07298406c42bab8d543211200188e8010122a0a2212204c50cfdefa0209766f885919ac8ffc258e9253c3001ac23814f875d414d394731200188e8010122a0a22122000894611dfa192853020cbbade1a9a0a3f359d26e0d38caf4d72b9b306ff5a0b1200188e8010122a0a221220730ddba83e3147bbe10780b97ff0718c74c36037b97b3b79b45c4511806545811200188e8010122a0a22122048ea9d5d423f678d83d559d2349be8325527290b070c90fc1acd968f0bf70a061200188e80100a09736f6d652064617461")),
        CodecFixture(name: #"dagpb_1link"#,
                     cbor: ("bafyreib4mhhkmom5wxnp2hmcjeabbcmzybdiewehujwu73ndvns42zdt4i", "a1654c696e6b7381a16448617368d82a58230012207521fe19c374a97759226dc5c0c8e674e73950e81b211f7dd3b6b30883a08a51"),
                     json: ("baguqeerao7xjffeobbqa2zv43ltxadt6pa4f3c2eh4ufsfudbazsmgb55dza", #"{"Links":[{"Hash":{"/":"QmWDtUQj38YLW8v3q4A6LwPn4vYKEbuKWpgSm6bjKW6Xfe"}}]}"#),
                     pb: ("bafybeihyivpglm6o6wrafbe36fp5l67abmewk7i2eob5wacdbhz7as5obe", "12240a2212207521fe19c374a97759226dc5c0c8e674e73950e81b211f7dd3b6b30883a08a51")),
        CodecFixture(name: #"dagpb_2link+data"#,
                     cbor: ("bafyreia4kjmr364wv7snvuffjjfx6e3ssyhcaxcv3mmewrm6lkg426ycpu", "a2644461746149736f6d652064617461654c696e6b7382a36448617368d82a58230012208ab7a6c5e74737878ac73863cb76739d15d4666de44e5756bf55a2f9e9ab5f43644e616d6569736f6d65206c696e6b655473697a651a05f5e100a36448617368d82a58230012208ab7a6c5e74737878ac73863cb76739d15d4666de44e5756bf55a2f9e9ab5f44644e616d656f736f6d65206f74686572206c696e6b655473697a6508"),
                     json: ("baguqeerasu2dlp3l3b6xswyh45iegkn3qamarjdygorldhucn3x4kfeafmpa", #"{"Data":{"/":{"bytes":"c29tZSBkYXRh"}},"Links":[{"Hash":{"/":"QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39U"},"Name":"some link","Tsize":100000000},{"Hash":{"/":"QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V"},"Name":"some other link","Tsize":8}]}"#),
                     pb: ("bafybeibh647pmxyksmdm24uad6b5f7tx4dhvilzbg2fiqgzll4yek7g7y4", "12340a2212208ab7a6c5e74737878ac73863cb76739d15d4666de44e5756bf55a2f9e9ab5f431209736f6d65206c696e6b1880c2d72f12370a2212208ab7a6c5e74737878ac73863cb76739d15d4666de44e5756bf55a2f9e9ab5f44120f736f6d65206f74686572206c696e6b18080a09736f6d652064617461")),
        CodecFixture(name: #"dagpb_4namedlinks+data"#,
                     cbor: ("bafyreiagdu5zh6jtk3vnkyltyfpw6tyxtlp24bortutx6dggmmydno3gti", "a26444617461420801654c696e6b7384a36448617368d82a5823001220b4397c02da5513563d33eef894bf68f2ccdf1bdfc14a976956ab3d1c72f735a0644e616d656e617564696f5f6f6e6c792e6d3461655473697a651a0163d44da36448617368d82a5823001220025c13fcd1a885df444f64a4a82a26aea867b1148c68cb671e83589f97114932644e616d6568636861742e747874655473697a651903e4a36448617368d82a58230012205d44a305b9b328ab80451d0daa72a12a7bf2763c5f8bbe327597a31ee40d1e48644e616d656c706c61796261636b2e6d3375655473697a651874a36448617368d82a58230012202539ed6e85f2a6f9097db9d76cffd49bf3042eb2e3e8e9af4a3ce842d49dea22644e616d656a7a6f6f6d5f302e6d7034655473697a651a12417d97"),
                     json: ("baguqeerapvtwnk5agczlqn7dgiyci5ku54llg32dmn3zvynn3dglte6y3s6q", #"{"Data":{"/":{"bytes":"CAE"}},"Links":[{"Hash":{"/":"QmaUAwAQJNtvUdJB42qNbTTgDpzPYD1qdsKNtctM5i7DGB"},"Name":"audio_only.m4a","Tsize":23319629},{"Hash":{"/":"QmNVrxbB25cKTRuKg2DuhUmBVEK9NmCwWEHtsHPV6YutHw"},"Name":"chat.txt","Tsize":996},{"Hash":{"/":"QmUcjKzDLXBPmB6BKHeKSh6ZoFZjss4XDhMRdLYRVuvVfu"},"Name":"playback.m3u","Tsize":116},{"Hash":{"/":"QmQqy2SiEkKgr2cw5UbQ93TtLKEMsD8TdcWggR8q9JabjX"},"Name":"zoom_0.mp4","Tsize":306281879}]}"#),
                     pb: ("bafybeigcsevw74ssldzfwhiijzmg7a35lssfmjkuoj2t5qs5u5aztj47tq", "12390a221220b4397c02da5513563d33eef894bf68f2ccdf1bdfc14a976956ab3d1c72f735a0120e617564696f5f6f6e6c792e6d346118cda88f0b12310a221220025c13fcd1a885df444f64a4a82a26aea867b1148c68cb671e83589f971149321208636861742e74787418e40712340a2212205d44a305b9b328ab80451d0daa72a12a7bf2763c5f8bbe327597a31ee40d1e48120c706c61796261636b2e6d3375187412360a2212202539ed6e85f2a6f9097db9d76cffd49bf3042eb2e3e8e9af4a3ce842d49dea22120a7a6f6f6d5f302e6d70341897fb8592010a020801")),
        CodecFixture(name: #"dagpb_7unnamedlinks+data"#,
                     cbor: ("bafyreidz4mncr25kzd3lakhmm56twyeauqpmrczheq4husqlfu4ificjy4", "a26444617461582b080218cbc1819201208080e015208080e015208080e015208080e015208080e015208080e01520cbc1c10f654c696e6b7387a36448617368d82a58230012203f29086b59b9e046b362b4b19c9371e834a9f5a80597af83be6d8b7d1a5ad33b644e616d6560655473697a651a02b82a2ea36448617368d82a5823001220ae1a5afd7c770507dddf17f92bba7a326974af8ae5277c198cf13206373f7263644e616d6560655473697a651a02b82a2ea36448617368d82a582300122022ab2ebf9c3523077bd6a171d516ea0e1be1beb132d853778bcc62cd208e77f1644e616d6560655473697a651a02b82a2ea36448617368d82a582300122040a77fe7bc69bbef2491f7633b7c462d0bce968868f88e2cbcaae9d0996997e8644e616d6560655473697a651a02b82a2ea36448617368d82a58230012206ae1979b14dd43966b0241ebe80ac2a04ad48959078dc5affa12860648356ef6644e616d6560655473697a651a02b82a2ea36448617368d82a5823001220a957d1f89eb9a861593bfcd19e0637b5c957699417e2b7f23c88653a240836c4644e616d6560655473697a651a02b82a2ea36448617368d82a5823001220345f9c2137a2cd76d7b876af4bfecd01f80b7dd125f375cb0d56f8a2f96de2c3644e616d6560655473697a651a01f07f1b"),
                     json: ("baguqeerab53i2tx2ktr3nbztcguof3pwadl6264yh5pt6h5ygxavlxghkkba", #"{"Data":{"/":{"bytes":"CAIYy8GBkgEggIDgFSCAgOAVIICA4BUggIDgFSCAgOAVIICA4BUgy8HBDw"}},"Links":[{"Hash":{"/":"QmSbCgdsX12C4KDw3PDmpBN9iCzS87a5DjgSCoW9esqzXk"},"Name":"","Tsize":45623854},{"Hash":{"/":"Qma4GxWNhywSvWFzPKtEswPGqeZ9mLs2Kt76JuBq9g3fi2"},"Name":"","Tsize":45623854},{"Hash":{"/":"QmQfyxyys7a1e3mpz9XsntSsTGc8VgpjPj5BF1a1CGdGNc"},"Name":"","Tsize":45623854},{"Hash":{"/":"QmSh2wTTZT4N8fuSeCFw7wterzdqbE93j1XDhfN3vQHzDV"},"Name":"","Tsize":45623854},{"Hash":{"/":"QmVXsSVjwxMsCwKRCUxEkGb4f4B98gXVy3ih3v4otvcURK"},"Name":"","Tsize":45623854},{"Hash":{"/":"QmZjhH97MEYwQXzCqSQbdjGDhXWuwW4RyikR24pNqytWLj"},"Name":"","Tsize":45623854},{"Hash":{"/":"QmRs6U5YirCqC7taTynz3x2GNaHJZ3jDvMVAzaiXppwmNJ"},"Name":"","Tsize":32538395}]}"#),
                     pb: ("bafybeibfhhww5bpsu34qs7nz25wp7ve36mcc5mxd5du26sr45bbnjhpkei", "122b0a2212203f29086b59b9e046b362b4b19c9371e834a9f5a80597af83be6d8b7d1a5ad33b120018aed4e015122b0a221220ae1a5afd7c770507dddf17f92bba7a326974af8ae5277c198cf13206373f7263120018aed4e015122b0a22122022ab2ebf9c3523077bd6a171d516ea0e1be1beb132d853778bcc62cd208e77f1120018aed4e015122b0a22122040a77fe7bc69bbef2491f7633b7c462d0bce968868f88e2cbcaae9d0996997e8120018aed4e015122b0a2212206ae1979b14dd43966b0241ebe80ac2a04ad48959078dc5affa12860648356ef6120018aed4e015122b0a221220a957d1f89eb9a861593bfcd19e0637b5c957699417e2b7f23c88653a240836c4120018aed4e015122b0a221220345f9c2137a2cd76d7b876af4bfecd01f80b7dd125f375cb0d56f8a2f96de2c31200189bfec10f0a2b080218cbc1819201208080e015208080e015208080e015208080e015208080e015208080e01520cbc1c10f")),
        CodecFixture(name: #"dagpb_Data_some"#,
                     cbor: ("bafyreieculsmrexh3ty5jentbvuku452o27mst4h2tq2rb2zntqhgcstji", "a26444617461450001020304654c696e6b7380"),
                     json: ("baguqeerajwksxu3lxpomdwxvosl542zl3xknhjgxtq3277gafrhl6vdw5tcq", #"{"Data":{"/":{"bytes":"AAECAwQ"}},"Links":[]}"#),
                     pb: ("bafybeibazl2z4vqp2tmwcfag6wirmtpnomxknqcgrauj7m2yisrz3qjbom", "0a050001020304")),
        CodecFixture(name: #"dagpb_Data_zero"#,
                     cbor: ("bafyreih7w5oijm4kksxrkuvpspuobxpfn5a6l2uerxyfpdfdjzrirlwaiq", "a2644461746140654c696e6b7380"),
                     json: ("baguqeera7gxsmhbdmzwv3fgp4naa5idang7hm6hupkxshvm34taqiakw4zvq", #"{"Data":{"/":{"bytes":""}},"Links":[]}"#),
                     pb: ("bafybeiaqfni3s5s2k2r6rgpxz4hohdsskh44ka5tk6ztbjerqpvxwfkwaq", "0a00")),
        CodecFixture(name: #"dagpb_Links_Hash_some"#,
                     cbor: ("bafyreico7im6nfzt2euwvdrs62ylgx2w6fmjdrxl2zaz5up5uhqwgwsnhe", "a1654c696e6b7381a16448617368d82a4a00015500050001020304"),
                     json: ("baguqeeraumofom6evitwofvbunn2ocdqw5vxl7wnfxdjyqr5m6h2zgtnselq", #"{"Links":[{"Hash":{"/":"bafkqabiaaebagba"}}]}"#),
                     pb: ("bafybeia53f5n75ituvc3yupuf7tdnxf6fqetrmo2alc6g6iljkmk7ys5mm", "120b0a09015500050001020304")),
        CodecFixture(name: #"dagpb_Links_Hash_some_Name_some"#,
                     cbor: ("bafyreigi3x5lx7auupkm3z27b5emluvkrv3mwpq35244zy4cnqjplyr2fi", "a1654c696e6b7381a26448617368d82a4a00015500050001020304644e616d6569736f6d65206e616d65"),
                     json: ("baguqeeras44ncqauojywh67izb3d5j7rjbgdscdfsglzaex3envlwzq3lvxa", #"{"Links":[{"Hash":{"/":"bafkqabiaaebagba"},"Name":"some name"}]}"#),
                     pb: ("bafybeifq4hcxma3kjljrpxtunnljtc6tvbkgsy3vldyfpfbx2lij76niyu", "12160a090155000500010203041209736f6d65206e616d65")),
        CodecFixture(name: #"dagpb_Links_Hash_some_Name_zero"#,
                     cbor: ("bafyreigtcfxx5v7f4gdcbnouvhpwgfjmhh4pqgeu3sznfm6y4ql62g4urq", "a1654c696e6b7381a26448617368d82a4a00015500050001020304644e616d6560"),
                     json: ("baguqeeraodk4mmutpv6bqhjd3kx5oicgnxq365lxu7h3orewh54avtttmzca", #"{"Links":[{"Hash":{"/":"bafkqabiaaebagba"},"Name":""}]}"#),
                     pb: ("bafybeie7fstnkm4yshfwnmpp7d3mlh4f4okmk7a54d6c3ffr755q7qzk44", "120d0a090155000500010203041200")),
        CodecFixture(name: #"dagpb_Links_Hash_some_Tsize_some"#,
                     cbor: ("bafyreidfgtcksdb5gn4jn2eggnqkktnahqzmvprrv7pakqmiwz25aej62y", "a1654c696e6b7381a26448617368d82a4a00015500050001020304655473697a651b001fffffffffffff"),
                     json: ("baguqeera5drb4r7jf33wkkhs4dvxqsyacnxvv7djbzylt4ib2t42qk4qqkxa", #"{"Links":[{"Hash":{"/":"bafkqabiaaebagba"},"Tsize":9007199254740991}]}"#),
                     pb: ("bafybeiezymjvhwfuharanxmzxwuomzjjuzqjewjolr4phaiyp6l7qfwo64", "12140a0901550005000102030418ffffffffffffff0f")),
        CodecFixture(name: #"dagpb_Links_Hash_some_Tsize_zero"#,
                     cbor: ("bafyreia2x5mgcqwslci2apn3d5t6ptnknbw4jmnedjkynp6jxjdxb7bvcq", "a1654c696e6b7381a26448617368d82a4a00015500050001020304655473697a6500"),
                     json: ("baguqeerac5ccyh6acqr3kdi5djstwzlu36uprk2dbi4f36ntlafquwthxm7a", #"{"Links":[{"Hash":{"/":"bafkqabiaaebagba"},"Tsize":0}]}"#),
                     pb: ("bafybeichjs5otecmbvwh5azdr4jc45mp2qcofh2fr54wjdxhz4znahod2i", "120d0a090155000500010203041800")),
        CodecFixture(name: #"dagpb_empty"#,
                     cbor: ("bafyreihjsq5okmwdasf4hoiauwxv3vxjuwh2kuh4k5pgzzi3hanepxusjm", "a1654c696e6b7380"),
                     json: ("baguqeera6mfu3g6n722vx7dbitpnbiyqnwah4ddy4b5c3rwzxc5pntqcupta", #"{"Links":[]}"#),
                     pb: ("bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", "")),
        CodecFixture(name: #"dagpb_simple_forms_1"#,
                     cbor: ("bafyreiahe732takf4lhvcjrpeycxs2sccncd7zd5frj5w2hmmyhnokfwsy", "a2644461746143010203654c696e6b7380"),
                     json: ("baguqeerabji5n2rfqif4kflih4r2tyl2jz3n3met5nys2wawsfihvc3guqta", #"{"Data":{"/":{"bytes":"AQID"}},"Links":[]}"#),
                     pb: ("bafybeia2qk4u55f2qj7zimmtpulejgz7urp7rzs44cvledcaj42gltkk3u", "0a03010203")),
        CodecFixture(name: #"dagpb_simple_forms_2"#,
                     cbor: ("bafyreibpoilwc75tlwglfzlziunq65l6arvzwwrhikal5kwlens6ql53ky", "a1654c696e6b7383a16448617368d82a4a00015500050001020304a26448617368d82a4a00015500050001020304644e616d6563626172a26448617368d82a4a00015500050001020304644e616d6563666f6f"),
                     json: ("baguqeeraibdu3hqnftoo7zlwqzcsk3pw4sf6epneqziyf7oehsde7ykbxula", #"{"Links":[{"Hash":{"/":"bafkqabiaaebagba"}},{"Hash":{"/":"bafkqabiaaebagba"},"Name":"bar"},{"Hash":{"/":"bafkqabiaaebagba"},"Name":"foo"}]}"#),
                     pb: ("bafybeiahfgovhod2uvww72vwdgatl5r6qkoeegg7at2bghiokupfphqcku", "120b0a0901550005000102030412100a09015500050001020304120362617212100a090155000500010203041203666f6f")),
        CodecFixture(name: #"dagpb_simple_forms_3"#,
                     cbor: ("bafyreibeevwwdfmicvdswiaetz62wtlj5nqe7idei2tn2irhco5k37js3y", "a1654c696e6b7383a16448617368d82a4a00015500050001020304a26448617368d82a4a00015500050001020304644e616d656161a26448617368d82a4a00015500050001020304644e616d656161"),
                     json: ("baguqeeraas77sl6e3odguo3gfdarftcqqnarlh7kae7vnleh7zzmswnztzpq", #"{"Links":[{"Hash":{"/":"bafkqabiaaebagba"}},{"Hash":{"/":"bafkqabiaaebagba"},"Name":"a"},{"Hash":{"/":"bafkqabiaaebagba"},"Name":"a"}]}"#),
                     pb: ("bafybeidrg2f6slbv4yzydqtgmsi2vzojajnt7iufcreynfpxndca4z5twm", "120b0a09015500050001020304120e0a09015500050001020304120161120e0a09015500050001020304120161")),
        CodecFixture(name: #"dagpb_simple_forms_4"#,
                     cbor: ("bafyreifw5gwkcd4ck7o7xhxoff33kqpbs6uwznmxbxb6ez6h77zz6gj5ca", "a1654c696e6b7382a26448617368d82a4a00015500050001020304644e616d656161a26448617368d82a4a00015500050001020304644e616d656161"),
                     json: ("baguqeera3rnjnzebgxuygpqphmofp75upufi7linvrthm2r4cyiibafftqrq", #"{"Links":[{"Hash":{"/":"bafkqabiaaebagba"},"Name":"a"},{"Hash":{"/":"bafkqabiaaebagba"},"Name":"a"}]}"#),
                     pb: ("bafybeieube7zxmzoc5bgttub2aqofi6xdzimv5munkjseeqccn36a6v6j4", "120e0a09015500050001020304120161120e0a09015500050001020304120161")),
        CodecFixture(name: #"false"#,
                     cbor: ("bafyreibac77tiyjzkzzkucve6zejj7jpswslcihcnehisulfnv423qxo2i", "f4"),
                     json: ("baguqeera7s6pczmqrxiyvhsj677spaibo3ny5h3dwq2see3uczsciure7cva", #"false"#)),
        CodecFixture(name: #"float--0.5"#,
                     cbor: ("bafyreidgf3tgrdkimspjianeb4i2ilrhwrd72drroivhom32cegkxisoay", "fbbfe0000000000000"),
                     json: ("baguqeeradmd3bt72bm7vs226asfqcfiwrcdmyumd3viymvnvkfpolxo2y3iq", #"-0.5"#)),
        CodecFixture(name: #"float--0.9999999999999999"#,
                     cbor: ("bafyreibmiakyxlz24yia56ipz27movs5zv6js456jvqhpyjluhycsitl34", "fbbfefffffffffffff"),
                     json: ("baguqeera7g7rcxbk5fadm5g4ecmvllvetuuzrmogxmrmkf32b3wboxlqfpkq", #"-0.9999999999999999"#)),
        CodecFixture(name: #"float--1.1"#,
                     cbor: ("bafyreibn43uo5yygsnzbdj6eey2mrcrmavhxgkzvgnmarkt3mo2efr4cfy", "fbbff199999999999a"),
                     json: ("baguqeeraop2zowbt65hyvdvn2t4xje3i7b2gkbtydsckfhhjj5ixrtpq5oma", #"-1.1"#)),
        CodecFixture(name: #"float--1e-323"#,
                     cbor: ("bafyreibg2jfpbjanaowwfpoamj2tjpo2ifhy5fbkln55b5mlhfiy747egq", "fb8000000000000002"),
                     json: ("baguqeeracte7heowtgtjzivjekic4rkwan2kii6fmz3enl5i33oafvnwfwyq", #"-1e-323"#)),
        CodecFixture(name: #"float--8.940696716308594e-8"#,
                     cbor: ("bafyreideyqdtlnfu53gvyrlg7fsqrx5bk4v2lxmgwzfnfxi23wlyxm43ta", "fbbe78000000000000"),
                     json: ("baguqeerabhb35s3mtnhsye24f6322jzfiyogcxg5ouxfulwrkrkkvdpwbdqq", #"-8.940696716308594e-8"#)),
        CodecFixture(name: #"float-0.5"#,
                     cbor: ("bafyreifwqkffcpzsyfigri7xm2kaf6bz7si5stsnf46jep5w5we7ngmgma", "fb3fe0000000000000"),
                     json: ("baguqeera2lf224p7gm66m7ih5rtw4njkw7zyeshlnheuffibk4ramb6fl2ca", #"0.5"#)),
        CodecFixture(name: #"float-0.9999999999999999"#,
                     cbor: ("bafyreigjp6bt6yhk2nxlvxhvy3mfoxs4sxslnnzzgbbxc2tailmnuic37i", "fb3fefffffffffffff"),
                     json: ("baguqeeraclkrsheftxvmt7xg73fooogsiwf5bbmvd3auq37l3aqmd5qy6fza", #"0.9999999999999999"#)),
        CodecFixture(name: #"float-1.1"#,
                     cbor: ("bafyreifeekgttrbqlvjqmvey2r7damal3kiqn5a6r7a2pijrx4jgdv5odi", "fb3ff199999999999a"),
                     json: ("baguqeerawbpcir3cwhshfpujve4abtb64mthiphmwvmyjpysqe5n3og6m3ia", #"1.1"#)),
        CodecFixture(name: #"float-1.1111111111111112"#,
                     cbor: ("bafyreifj6tfoswmsty24t4ittpwdnzaj6tka7637gdjrrly6q5msu6eooq", "fb3ff1c71c71c71c72"),
                     json: ("baguqeeratkqazgwpbo5npzbafr6wmdgowpy4g633gb5gudyuo3y465bzyqtq", #"1.1111111111111112"#)),
        CodecFixture(name: #"float-1e-323"#,
                     cbor: ("bafyreib6bigeneyagim45hjjzzn3ggyuthejspqqccplri2pmmek5bz2uq", "fb0000000000000002"),
                     json: ("baguqeeralkvxfq2l7znrayirso72iwqx4hi6fq5dmzxvswdeto5n2a55ej5q", #"1e-323"#)),
        CodecFixture(name: #"float-8.940696716308594e-8"#,
                     cbor: ("bafyreie6fuw4lkhwfiljun5k4y5srv6io7rcf4r766amlxtmx3it2hwg2e", "fb3e78000000000000"),
                     json: ("baguqeerahgvoivj35tc6ejtkj5jxnbwfe2nwmdhdtdxqqg2qmurlh3qsco5q", #"8.940696716308594e-8"#)),
        CodecFixture(name: #"float-82497.63712086187"#,
                     cbor: ("bafyreibybbnywxrykhqdulrhywkofxds5tw5fye6geudy2us3pgw2ptgnm", "fb40f4241a31a5a515"),
                     json: ("baguqeeraf22bm57rmsotbj67zc7x6jx3czxuelemhtjvbpsjmibxjyavbw3q", #"82497.63712086187"#)),
        CodecFixture(name: #"float-array_of_specials"#,
                     cbor: ("bafyreibqkv642umtthvkk4siz2x27eqwugyitsjsgbc65ffmtajiag4b64", "8501f5f4f620"),
                     json: ("baguqeeranbypiyrspgq3dw6steqf64bal5xbwfmvjvmzydkumusemokp44bq", #"[1,true,false,null,-1]"#)),
        CodecFixture(name: #"garbage-00"#,
                     cbor: ("bafyreidhegn4opkma565fyy5nod2omdq66m3px7yl4y7vjmk5mwve47riu", "8679075f593b44722664215c2961322b62222ee298ba0955235125776c6c7d21402622493834676426343b2c33425f2e674274356d6c0a6d6f6d642c292e4a3b386b45425d4e627b5935744834452278787a6b793c747b7c243a553b656b5a74704a6f2d6f6c4d606a79494a35574e6e7d4c3d4022464b4c772f617c72385d2a496c39585c787b4e390a7a4f5b4028755969214e3052094d2327346f5d6b6f63647659282f41624c322d5e3d2d3d25723f097d2f243c7c4f56652572267a766f586a2d746d6e534042466e795d296f2b0a246c20354f7371774474537a4048335a7e493d514c6f332a78332c4b52240921567e753d4a5b4c29295f7b48680976574c49712b4d563c75310a0a2d5d406a54477d235e50495d2e71536c7d6a5d486d4f397c4b622b6f24503d7d7c2d7977e298ba34527e0967295c566a23253c22457d63557de298ba2b21502f58627a3472683928484c207441396c525a5444785640432956445d2e6d4de298ba784f2d3f223e325d46595e4f6d4c30584a5b4d4c60467d5372665e224d30463a464f7824372f545d3d5a3953745343295b5c7b2e5a60463445473a2f493e6f387d3958312247e298ba5d4f676d5c3d0a616174382347446e7875205428202f45396654624d664179767a26253934205328376a622779234a257c4c24353054762e294f717a594866654f3b6b462274327856732d63617c41204577264e534246345a45494e345a4041354c3c4370792b357b267c2b3a4b4b4c57777a654f71464b44345f356545603c6e48363f5463243e344043286c7d65465b7c6c242c47595a5c7974674f4f2c7c0969715c772a5b525376372a2e213657555e572b094861625b52407b2332093659242257554b3331285877642638566f643b4b4f753d6f3524e298ba3c2856374b39726424625c627844202d2c2f6c7b5c5f396c7e7849616b57347c39422050e298ba307a6b466a5669763423455a24407e5358354d6f5d20355626e298ba704a4b29552b707a3270282337763a2144412f52694b555870352f3d6a6f305c5546635f7c315b703073626e60253f2e756c3b573f415159313d344769287735567665424464217947696e664c234d2949496a6f227a676c742b5d5b2638424947586f6546522a647e3c546058283a3e7263725c5e564b653d623369446542246b5c272b6d5d3b3171097d292d554c51482b445f2b0a627a5a6c446b3449787736605050695223645552472c27703d636d4e41723d6f3d397a623e275361793e595e7a62763c48095b6850515e7d6c4c6a596c273e785f216b447c7d3a4d3a585520704f2f43713f52755d4d326235794769265245412e2e404b3f627b6e2e754a584e4c7572746d677973604228650a2b3f3450780a575c7533442e2d4b544561332d6ce298ba3741716c5c38794f44497631666c4032607b3f2c576d3a544b657d555978444e775a7a53484367524629704d476f374c5d4552382b53e298ba7466472f2b445a6b366c5e4b2c0927486b224a7c6d7b515e452a29773a6d732c3c425f53356e295d704d483f2c4048553b416a4b20635b2e2164762e6d547a093d687d374534306e583a5e645fe298ba65276e2f5d637577756d6923754e355d6450437c23677b6f78355d73722230390a5474466443642b7c442576632b4046325277404c6c225b794e607b216122712e2b6166766c63542456233f28322777444f6d433063292b216841542a52425a6f783a714f472626442e22482b2c6e736a2546663e5a6f32292968557a70467b5556323f634d7e340a3b0a2b222d6735746a4c6951397b2c237934396b3d45737d7e2b4d525524735a77777d38216566683e7026794e45344021316442353722455a67364d3731665631394e7e52745534452f2a787477295658377155704e642b5c4659285b3c7e22666e68443e24576e644e4c287b51245450452267384e3b425b725d36364f623b68267c0a3a28596d467b3e344a6b2b612a7b7d20662e535a233a456a3d415338486f76656159422549743f340a20442d2b4674455c3d2a22227b76232a21435957202f2b6d3a43724e6c5f3d74232d6e6b2c48425f552f5359454e6f55295c7a7a783c3268313e72785f716d786c42693e77286b226270095f4d6f6f7120714559263b5d3c2f402b486f372e4c2c2d2e296a43354171795b3f6e2f707452236149704c7b5c56482e6b3d293557535851e298ba5968717d266646656c50596b673f3f4b2d3452353b736770312b2f334c46e298ba263b6242422862293a2a6043775a572e4f753f7230234a533164674557433e757e446578262d7424735a3276594c48574f26094e5966782a724f77622441317b5f265d38420970672e245e496f3de298ba6b704c430a22376c490a5a4f663b265e742d56605a6b2d5423527a3e7423602f09377d5f64482b7d3c6377297a3e5d7b436a624e55776c6c7a2724212c2048613356487e735a77765f5c6a58383f35595e357849687e73226556256f2624466c6c4d6c5c0a5745e298ba7a6c5679276e6d7d7d606a7968596f3d59315d4e552d427c2f4f6176e298ba4f5d683f570a64466a29247e29443e6d37436647303d2f786a7541435222684a52545b4f743834a6605901be787abfc9ad9408a6d242da0a23170f11231317a6379bfd4f60ed8e7f8a8632bc5c74ba4f2c9365f41fe84df9a47844e6c4a78acc44fedf9552f3067e14edbeed6ccfda3043cfccf2415ce2018d4660883cdb02ecdf5f55a74f1c7bf6e3d40625d5d908e9f63bcb323c8e85b2d9be3de10430f849e48cf9073f7f747c4d8f51d2bc561f1813d037944a3c5dc3a621709b7bb8c9005217975d0ed95de12093ceceb7d95041c99e004fd41f2dbc3e18b628e1ca5094c48469aa2778ffb402eec7a39ad6e9e99af4a2537b8a2d802ed0062133c0f5705e43017cefbd036778039e0fe5c66e28ac191fd3a52ab5b80ac10ae804da9c2fc2c10d28b767e92cc4ca35c04d4ca4cdf33d2202081da91862a3417c4086bf4d53d3b3a1194dc24890cc1bc5fd0b4f4251435f9d1602a828a80f3580037c787268e0e93c7941ac4cab5054cee8077671576d137c57b268fe3914605d5f89a31755a9856528c16f2ce81e6a7a3713a6a89184b6afd2963f495dc05f80c7aa90d081547bf9a1dabe4eb805cf79fee6a8e94e4319f931a966dd734b92365edc4639ba0174396d254a9b5b246fa1c55baeb2a7f4e8a8155563080389e544dcaae01e2c17ba88b02a9215c046616d790530643e3e2f71622d63682f464264633c5a4c43382d2953616c375c55263d302d6c5e26737954673938505d5e393a6b6a5e2c7d294f7730592979397357732a2546607d5e780a713d667c3f5642704f577c3d7c6b29273e3a4b747a7e746f7e744576566d7038783a7e4e31494309296b762026435874756523572e793320784759744977666264785c282d393f3b42274e65365524663b505443746f4a523d525c3533575b4f5e704b3b6e72314c4b503a5a4d7c796774476540613055436a5048343f7d56204b4d614b4a4c39246f7a726161467a43237642573d784e5a335a5539255e206277513e2e30226029e298ba4a68557a7425275c256f0a484140344963622f43093c3c373531715a386628796525747c3b3246216253424b51302a670a227b4a4d3a292f613a634d692a5d7a2421292f64595f7a743958666851797c79e298ba3b28647867096a367e25625572232c552325654335222e743f2a5a5f2c51363a3e2c74666d3c5348552b41317a6b722c712a45300922596234683a0a2d5833522a655e623c4842247d2f723e6e677357324632605a506b3f605e7e432f6176603267e298ba7372507a66552f270a5f2848373876212c39693328304774626b5d59375a673d57222374746670743e7c437d6b53265d4d2064e298ba2564306e363e67255662254f0a3f545573443c694c353e4f52685457443d49253b7b2d56622a61456d7035617477547869777a0975734630586b0a6e39756f4e482f643a3d4c3378302f097127297c7020786f5867453f3f753a5d66365325384a427d2456353f5d2f5d40683f506d284132497b46704069592e587d2928435e4d245c4532562643515e6a355a4b6e605272213924422d66775f5e5f3061445322366e48336251e298ba324a3e3b40663f35344c4f617d79747d294b743548682838266e7c75777d403955242b652e38223254233e553c3a693f3b3c465a240a724474772d673b3133257e46243d374a2265442d6946426577095729774730737034480926566c7332724e5be298ba31533940585c4d64695f6966475f515654653f2a5154383f58496632252b5d6537655b2d5e722740632b445c55307e3d3b5228366954737b2055363869573c5e73583a7b375c5860444d533328387c6778607d794f484d44680a2d31792f312c51755b7e60527a325850626a2e0a4b4f3b3e372474792f7a4c32703a6043347a5c3a683c3c346a5431336746766e094c410a717d5ee298ba7b2c44575b770a752129756f7461537e3a362c267528627246397a434a5343434c3a2f4844230967313734223c2b475a2c5779e298ba527e7071333827637d586c424b59705753285c6c34555331614525547c6c523e725f293c41215e2c77597b3958776f756679763c5a332f5a416449714837505d727b4c3e775509394b5d7629302b302c4356650a42557b276e334028335e492a09263256396d7573314e22364d5a264a457b5a31486e26474446535e233f73503064785f3d6a297c7be298ba212b3b4d2c2ae298ba756864493f28297909673e4f50765d6e21372a38683341627a27285b617d77684128693c5f276c246e71292b5862394767412d20777130732146306933293d686e6c21204e266a593a7d492f52386c3b7c233242766632756d3d4225767a68585f626b3a77363f4253463778425d3b2d230a2d3d27494a6341762d7b472975556f6b7909684e3a7a3436697d40643c7c4e62282e744331703d0a342d735f695a50544c576f637d3b773d285e4c3a4232455d59474a285a58762a622d45255c3b222938774b6a554d663531525e3e663a67643f446220437c596d6958482d6d63617921f564432e6d341b0004d7514acda595675c7d406b353d7b5904da394304f2e27d76209857c86f2e36a175a678b2a1271561fb689e6bd6aee3269b00158d73e3a0737824c62bfd6ab674ba98b43aa8af6d9e321cb3b8a6ea55573ff4d70e3dabb1b8e54f96feb634243f7d18d5c652451738e69e96a799761a8a87f6676d021c770c5b24eab0f8ec3008b5cb988a5ac4dc92ec22f5e94972c0df29719efb95d711332d013d12815dad3f7207e3aa2c700de49cd59555a4688ab2ff3303315ff516f88bfec76a3983692ade02af42e4d0b35068d2a0be6e779cfc41614856245e634f08e987c6c4152c30bd1f5a4d8d86f28285991fe3fc28ef82e9a990b3c8b091fc03da00e7e78561c7e09955d60e8e05dcad9359dd9416973a18592373a079e128e1ee1800555e0a9c3702705a3a9d86dbd76f625b4aa2d900a1acbda9954b68ab7916bfd62821d000ddeb584c10f366542316d67390f8a77b3c96149fd4afb6d33f41e1ff8302eb910898cdf4df5daf8f22161b670a9983eeb90107736f34e9fcac4d0366040b80d964f42b07012e85c413810cf5cfb7b401a595ecd44bdaf05496e3421fb51c4fe53fb0af1495de14f52936c8684187d7c3b07ac44a31f3bf4c4f93731513702145931d621b243b0ac57e1fd500841f9a24714afce55375d6da9ecf28c307a7ad36a0f967b983a0374a3b84a6332a8e68d572d7a7bbede52c72215e74300ec0ff6fb9c6b058a1229e221ec0e429e73a23878a484000e7936893a08d3d504e1af722b5e95bf1a210aae55660f38b4be36da2380377bed7463a0ff8682709832d62171d51c4b4f60015f29c3d29ffea03252887893d289e9accb0c6617c7870331e12ffe94a322a4e41fb5a65efef8c4e4c1f8e3baa96f2f9e897317491d25880f6f9f659b7ad2f6ad55b9bc208b6bc966a35c66fb565da12c4ff1fd8075eeb5768d97606a79efa1282c1daadb00153845ff7e50670f30d8af7bc7d76fa628ed9cfc6190eb3b119851c185755b97afaa7da6aae940d558da64e8c04b183b224ebc9b840d3b8a780e4d69e4aabb6ead1c0e362ab1ea4c952e621bcfe6b22bf76d107b95fabe0e19771026b7571dc452857d14292b5c3ae6db06e424354d40f7756f8c3af92bd50aaa5465ccee03ceeb8d4426e025c1b7715d3ab964b31da7839233b90ddba898fb899782f02f890a8be1948b1b2e98f88065cede56640c8d7a79d67285436a461ad9ec4b282cbdb416a0b15cbd27c7afc960f72aefd06a541f0e8f60d4f88980db0bf0484847d1bb948d01c0ca9696f9a73bd8c09a45adf44ccbc73cf4191728058751484eb870b9bbbf430b3e557c7224e0f0e9863ca03e7bbbd1d4d1ed7dbe2a9f08482616bade23021e55f9fdfdd95507a0089af04d98dcb3ae9a2a1e9677525b8596375460e78957e1a93ba942b927f0566a0a62721c70b12bef564a464dd1b0d74ecf15a4000ec0d7f213f614c29253ca2767e975719da20ffde21c5cc9d666f3866c3361733bdddf515300ed019eba7a27a4f2aca2f61b76e1860a2750d71f730d00113c3f2045a1459010bb50348e05404ddf7d1716fd9897b7766c4c455db9617ee96f18bd66dee6600d6a994fd7225fc126d458eb16aaecae1c0c3546b8b536c461f2033627cfe54ffafc50a898b39c9c947c4681b5e3cfefae3cd267e0dd9087e012c3518b375c4bdf42c3029b070824cf1cc11c1960ad1b21a0888afcba2b70459f8191839a5caaa59f049c8274fafd979ad26b7c9d3b5c6590867de7289daac69e278332123225f3e2437333677434e7a2541416a306d423c09617d76307c4b2320784440554e6e793c513d475e403b5a3760656c5e6b1b0012907371f36049d82a5827000170a0e40220dfbc917adbd92fc57a8eacd0294adc9c55937f26b4f177b140007d66169401793b001ebc839504db16f68355e617c6567a438c47eb95855c4295d6c1b6be242fb1f5d82a5845000171144089a531a695c548b711262c0c12251c4feb1a478a354e87b3d415cfe98704167bbce01701092fda8f880c81653372f9bee108f47945d5bf0930145922a3e9d12a"),
                     jsonCID: "baguqeerablaqfj5o7hwvg3lfof67zknschxmjvyliym3jpb3w5tk3hd3mm6q"),
        CodecFixture(name: #"garbage-02"#,
                     cbor: ("bafyreigv2qjdrwbwfrqaamyjgka7c5htkb6vzb5y4h4k7u4aeslnjzqy6m", "82f6a9608181a464284a51711b0001cd6e3ef96b036471445638f565417270592e8486f5d82a58250001551b2050ad21f07d9e0cedb068df53857d24fc41f199e93bedd9a68c1d71d89b047b2f84fbbfe734809bcdacc4fbbff475ce4bb8b7e8f5790dc74d60213e5b6767535c4939492a45716c27205e362a4209463133533f476527314b36535e55643b3275095037787b593f513c502d284a3032707e2f573e5c28445c76296d2c53237b5a697536694c2a5d77e298ba2c6030274d786f4240222f513b3f6a6661463e3a5b2c5f40404f5f2f5434096f732b3e4d557e315d4b6c79446874692a37643e323a3678716a514a797e403e2741607b6a517c283b27432b77622d6453314c4d534857334f4f2b32585d6f7566404de298ba20337d303f32793622285f32574250462b684e467e212f747e4e7b55324a416522785d48423877743767333c7d25346c517d2d6e2f3669407d5d5224233f56724e6846e298ba3e2c3d26696132613d307868e298ba417a3b497e415e6139774b5677357e282a664f2636543d4d2059433d5d653b6c4933710a514e476223544c59615e35363f572a24402e69575935314d3c65372c34257a23466939397b5428483a3647343b75766e5a3f3c417963224d4c5e2748694a6c74712a664b5620412e5a6d2552097875673a79346a263e563371424d25495e72582b2c43695e5858662d2e474473574425e298ba2d310972365f31555772705c504ce298ba627c796726383f50325a7e566236214e38607b71726564707e35592341457e3a5f2d6d6372506a2e4d48473a3722403f70432860686555274b70575f2a5c223346e298ba724f2d3a2677734e5c4f2b5969747d5d2b5d2833413e562d722e69255f6138492c4546584b55532a68447c4a3666384c2f7a480a5b5c645423554e3e704c36e298ba35710925395572734a6237452c3a693359567a400a3d50656d224647515f3b326161783c0a76662f35795053434c20e298ba2676272d312562e298ba34622f6b77406c6d3c704c3f57634c6c3a40587e5b757b54562246407c3b2228212c3c3a606c3e5b7b79643d3e3a5f4d5e706162524e547a72375c405d3e5e40297d0a51347b4d57216d347b356c6c784d506a0ae298ba3c563b265452257862e298ba6c24204e79307921696f2e2c656b22454a536a2d4a2248637a2c374c635d2f4d435740724e5537e298ba312f60783b264756327c5c6b3f59605f23277a266f4324556d3d7c34417e7a4363654c486a38683f3e3932762b3928226a4e316e2d464b7346682448445653326a7b774a52273e2c3829573f545d2f3f60306232764c6c670a497a317e36790a762f7b785b4a5f39724144487558306941406a41276a432b773b09644046330a5f443668427462325479452271573c70212f4761656945286664617b7b5e5e3b4679732d276368462c4374335f616070294f342055305277567041472835252e2a472f5d22730a7338636141675757335a28347a773c396f5e757a3e5a40397671794b7c70266b284b41255647444b32657b47306d3f41283146596235e298ba28204b45620a7a4a5d476c484b713d4f4f3248612a2358567c3e53563c5331754c3d782e795034553272296e6e3f716a40745325797525765337523c79786f3f52483e7e26723a2963392a613f766c56632c4c0a2a2e5f443b216e457571363e2b6d2f5e6b36575b583c7b476e20e298ba25264c4c534861652d4c745c6073570a65780a645b3c5e5c4f667e455c75386625482440756e5d26e298ba5354394c4c65476f3845735c24617e7129532a6458693d6950284d5b765d21206d493f7324763d2d62552a334f532556582f7c0a293a274c4e2b2f33482b2835637958774d754b2523315a7a657d093551e298ba256e273f492a5d663349346d312332586d28527c2a417c51332a347a5152466563094d757832763836707e746277527721563a2e297c40242854693a7a39e298ba2f4140697a465c3571e298ba4d587168602853777b5c58712651775e3e6d38434c3f42636022443945400a544930292366386d28215b297e282b4c6d2455244f2937547c64425472365b6d43525b503b74766b392275725d727b646f2927556d5b705227784765412d2d552271634a645421237c2c2761590a5e2e5b60775272615a7b6d314c244a5c556f235f7a527b506c49e298ba212e555b342d56e298ba306b705249753959093d67483d2e516f3b424476655f7b5a77744128682f62237c29532472376572264d322074664f3d775a5e46492c254351516d28e298ba785e257e31662f3b467643655c34345d396758787c61535530366c6d43464c754d0a32395f41774f5a6022407b742d55306e6f37755b77697062746f653c783844743f656323232861097d4e383552304047654d70624a7956400a222d5065782a283f712c3823253b722b4249493d2b72357d2e5343646873e298bae298ba6566502b5d4d56620a47695a225b73362e3e516247322e555d3e5c713f685d65277c447a5e7c28412d6b4755e298ba7063305c643b38477b562b467a7b55522652762b78524a5639754f45486b302f796058553c457e7d275a25652171777255543822415e6e42672f26685a5f437d702b6856337c5c244a2f6c7b7b0a412b6e4826526225414726574e3a2e3f68495f525a6c2f50384b42657b20296b7959392b326032486e7e545c6b215f7059782e39255122482721637843364774543429513779606d303621715026517ce298ba393157255b2b405c324744334e5c3a4c6c47715c682a456e2c4578447d7725594b614c2f2a3a5a5c7b6809766d575b47595e6f4d2454376b464761732329e298ba254d58215d4e5b5f23504e3f764e68792837596b4b3421444f6d2e5f5876e298ba424f4763207929535979e298ba753e7049365139203e4b33312ce298ba3129697737582a4937327d487a5956683942517364356e64407662522d25463670282621227429315a6e3d252047452360395a2e30642b544b6c51436a6c765b7b64762960643d663c3c3d55212854644551094857600a443e766b592030613d7c3f7a77596d5034530a336470333132413f3670682060726c73504a71466e3d457946693a37650972784f65512b5625594579442e3a74474ee298ba4e72384374764d4b293c593d2f6657583a26533f3e20255352617060587a634165356e6250693140e298ba7a6d732f5ce298ba3d414c767431317e5d70623b0a28357554353f68367078e298ba6148485020783e5431555870556024755709435c4a7a54253f66492a27605a7649e298ba495f654d5972206d777170436322233729536c6168417b7c303f484e6b5e524c4e26253c3d72617650634609580a566d2c504776677b764e467d747573786b476e226b2f61653531416d302f657e2b4d692037433146745d395953225e395174246d2d7a2d27212f79676031593d6b5f376d542e667e525e572542262f325f203178795e5762313a405c5d2e2a544768273f54503d2c20212c732f593562413970564a265c344d627d2f6941476f4b485638377535226d447e3b2539746973757544526935506c2e59252c37627050674463247a6079536774092f3c5021396c4f366f29492c243c67214525433b38625927603626727c5d4770533e50235a315b782a740a316f57624a36552a2921e298ba63675833355037382a363f595176696552755e2c0937227149203b51672a3c7375302e577b453a6a644445227e55704be298ba276176534f4e53684f39244b0a3c54253b544f7d30355977217b2f49366b637a246668746b72753534694129475d2276606d2b5877364c3f270a554b2c6d5d326d2a6e245c203a654c3d3a666048315421712074453c44624d7a7de298ba682832547b752c292e31377a372a4d092d2025743029547478422e5122765275666f4a2c7143763828212b5e3772326a4b6a67324526464d665944493e5d3b5676616a597e544c6a4771666f563125776c3b77585153267e793c282c4a5c375e7c5c5a61784c555f7a6b4b4c454a4e3ae298ba216d66362570474d725c7b41422922583632227940093a5f3b695a5d604864e298ba5c730968585f25240a296a4066532d3b536b4f702c435c2e523d3c3a303f4472515242646f68736c697e6453776d672d7a692655377729637a7a4361434920393109526f234025666e316f2528552c6b6c5d3679477532376371e298ba235a6f52672e7679796368266c353c493f54443e602c6a5266236a6f26764070474334462e3d26633d504b2a472f7c7c6128655a7b71354e5e67747c2c502b5436777a0a0a6f312c095e3f355b6a51202167095261640a7342303c39323321464f6f50702666374848492d5e61445b507921237d2279436b2e5e602c3d522847775c35774c2c66463c4355547d6d25785d3a69592823674a68534d28684e623a33327be298ba594f7b5c375c42423f3e402c76596c73392421773979313e4d3b5b7a3f3e313f72786267300958243b567e642b412f6a3b527e4f24205d533f3a507e55242d7d0ae298ba473f28412161657a2c09454853633f62723f6b3c6a5e7745217b2e3f604b315a2641434c333e386528315209740a2d4e7b7b4f44567a424b597356514d735d7646e298ba4a202f3a5750713f4670667d39287d3b682c72547a45315675096c2367227d543b68776f2e6d37793b363558306f3044467026423f53645a283b5b7a574b6f324f40715c332140476a2c25735d6027734c675655454d4854562f7b404b793c4a514d3c71752142684530234c2647264b366b416a3b490953444066562c4b3b592c2b48345654474c547b612b4a735c4f612a4c5d442c6f635e7a3a3e296654715d676b524e385b307b7b670a4837256b4072632567585b236c217944697e4d403a3b207c217e2539315e4a742850576c573a507a704c3b5d5b38656446777b473a09254f432327714a3d3744696839636a395e357c270a7e2722374e492b262d77420a6e7367226b4e4b2c4b6b0a6b4c57792131f6d82a58250001551b20cc91e4413983f41ef2acb2da9f8421e105132e2541bf4d90c1a5758b1ff61fcef659046954e478a0b56166673206b021514a875900a7169deccb9a8a0fe2f588a0d06e49c7714c5ecb5290355ec631ccf2e1423ee2ac930a0abe08bd9efeb9626bb7eabbe43d522078c61592ea4d930b5f00d69a8e346639e11ad13d5c36699bd8fe9f9dba9a6e6b0c6d36c99de66fbda41da14fadd9948cc1c0170f8c866aa5eb27f80ac7ecff974d23576ede50e1fa8fb22700220d6ed9f423ed8dda77f19797df2ac6815920351f35178e60f62306590ac6cb601d7e76ad25634e77eff7d3df0d5bbc61278d35692e55345dd13b06e75594876d10f8cad2973e06ffcd2dca700e0b6ebdff55215f793a16ea22f9870795e5abc793b95ca5ad6ac529914f9d3854c1b90b9d3b86811b3651d26bc80685d781b97477aaa64bcd0492657d97447a8780160e0dad2d20996953b5a7bbfd96f56d428508ab358467fa4c04cdba95939b4a2a897d5da3ccadf593414b4bc76834d416e05a67e2005f88c80308225cffeab70abd849fe57896daecc4e22ff73460d2a5407b0f2ff8c8209ad47c6e5d85381ebc99630bff89e83e3d7924794ba7485042b62d9204e16490460755010a39c8ddaaa54c06897635ac392bd9e7511b0b8d23bee69513e0a392d80227f52aef44c3874a7d731943c0b7275fbe9978a65794d685fc47b49781dfac34b343cdc1ede59f9eb91690203edc9213374e2eaac66fcc5bf3610805007bfb3f9bd0454b82ec34c192c5e53703e9fabc67e2103dca01afc878d8e21255efda2502b299c91c942e340a5d665c321cbd3dbfd86cb418236ef2b622e6fef0657019d55ee02133dcdbfe7941b34d06fc915a3cdc48b2833df0ee5bcae7e3552347e07f3f4ca0b319702e372b51bccd4550b4e00f3a108f0cc91e1b5b874af525f8e9bdde056acbb94471aca2bf8fed18a17995654bce9f494fefaee4fe2e6ff1a494d5594d2d65a7b904390efdc9b1129e571796d4263e71691d11d70b9e4eef2633c0634e237d701e13930b62b857f86fd3e125610bbf2d0b11c3a7e85236e5446c25449258c42d2411d4be035be4c70418bdfce4f7b8e2e4e3f82652d85a15d234988f44a3aba59807f105e56602863833921ee15ee5ba338f03a93ed2184b339cfca0f63c4b70b1a68c688e301cd6379509514f44a4dc5c165e9e76afa7cda6115500d2bdf87df56dc26feaf884cd79e1db5a598037228fcc2172165b3b9a698a1abd57f546b8496d4526b0093536ffeb2907faa1d715a039f7f7be47065b997e532a06340e6d2ae1cf5cc58396ac4cd62ca883bfe643bc3748bf6f51ae103842a7518dd0d55afa5ecdfe40e6d13d843175c2d0bc30fb965741680657871ffc501dee94832ec789cd787fa3b898df15539d6b2998eb1a6410d26cc1b62d20edf8fa505a7fec92b368576da3d696c6c19b7327fad392ac213ef03ed06830262a2fc2a53bfee91211bf1bc665b70dda3d686668acc3affcc33d93b4d250457652ad391a9b2abd78fbf770434b0462d216e9fc21b1a48729d32925fe1c8cfad63296711c10433f4eae7995e05529af6f91e42f060f2af1c7f62dd2b42be63f0ab7538a3e0e83957cf2d643075ce967404608f4625f636e665a7a55635047392c6435465a7081d82a5827000171a0e40220483fd58fe7025715e9547fdfcf35b8d6d31f5cd5933677608c42e0714b65b91462405981a0636c585ad82a583500015515307ed66653eaaa685e6d619ae5ff7bc2276fbbe55c5f712e16f07ce3a54abf27397ecd5dd07b6c4d649c864ae1a9851ead6509286f2068d82a58350001701530d189a79457cdd58643a3342af6b4b58d6cf3bcc8f8cf03659b373b6f8e787778077d8030786f97184e695d10c8cb69bd6c71217c5b6148484d4f70685e3b0001fa1ac9f43b60745e4d795c604748373f7b336576642d3d5a6e4b71d82a58450001711340a8ab9b5121cf5ad010025d3a8fc20774faa900269000ef71ecd3f484a0e2949e6af56b5988047d7b60225dde93b7366e7d7b87a5da4f3acb0c250d6d590a7bb0767e7d627c30666147683a3a7b56376667442d525924383b000e531f5e6de1027825666e5e565b2341433e5757355d2f383a6b55442a3f75423c3e3620616e554163446be298baf678274e2f3f27576c33453a7d546f7a4d74766b307763456e534d64467d3a6f313a646b66587e37614bf5"),
                     jsonCID: "baguqeerany7g4t4n4uhluzo5cmp6q5njzp3oenom5hxo3tmryymx5ukm6rzq"),
        CodecFixture(name: #"int--1"#,
                     cbor: ("bafyreibwvht7dsk3ql73tf2d4dc4jtuv3a6juqykvrm7qtxtzp5lmfcqna", "20"),
                     json: ("baguqeeradowwxdhzoey7z2vykq7id53vogk7xmotnm3w52muvuopc5uzyrsa", #"-1"#)),
        CodecFixture(name: #"int--100"#,
                     cbor: ("bafyreiek7xrdy2ej7xqapz2iofeuwo4yl43xrklokxd3k5jwpkcmos4os4", "3863"),
                     json: ("baguqeeraxfvtantde5ytjeyi7o7f26r7h53czhuph3w5k6c3cp7telqf7woq", #"-100"#)),
        CodecFixture(name: #"int--11959030306112471732"#,
                     cbor: ("bafyreieir43khjzemsmgahaozab2vjvtdxavszixhhurvdqg2xkhrwinyi", "3ba5f702b3a5f702b3"),
                     json: ("baguqeera7wvij7ilupcksz2iuprb3wbcipr5vqzvvzj26psnj2oky6j7spva", #"-11959030306112471732"#)),
        CodecFixture(name: #"int--256"#,
                     cbor: ("bafyreigdjo5suzljxlmtuj4eoohou6vadwznc4kkdfd4xsarc5sycz76oy", "38ff"),
                     json: ("baguqeeral3yqlgtwwsyi4myxu7jqc2w23c2vmpesejnjca73w3beym4f6d5a", #"-256"#)),
        CodecFixture(name: #"int--2784428724"#,
                     cbor: ("bafyreiegsmviy5gqtupkwtz7d4driei2jzbf4tg3yldpc6ralqjukiywru", "3aa5f702b3"),
                     json: ("baguqeera3kxfhk4svgchnaltrgtr6zhqheybpxsptkvf43byc5nht5wgxu2q", #"-2784428724"#)),
        CodecFixture(name: #"int--3"#,
                     cbor: ("bafyreiekgmp53zydf4z2ohq3fysx3aawny2i4ah4wf4rj5el3nl2drrqa4", "22"),
                     json: ("baguqeeramfn52f6ckvxyf44ehexkqvl7rteiwa2qdr2z4iyjhkylfknvzvea", #"-3"#)),
        CodecFixture(name: #"int--501"#,
                     cbor: ("bafyreigwygio7woulumjyyylkawalinrei75k3ejc47mcnbnh2voqfikoy", "3901f4"),
                     json: ("baguqeerauj7u5hvh53p5gieuicpcltpkspublw37bztjmmtvsjwta5wso53a", #"-501"#)),
        CodecFixture(name: #"int--6433713753386424"#,
                     cbor: ("bafyreickfy6hbb7xz6eiervs4n3jkmnzc2ndbh4flg2jmbz4whoflbdbnm", "3b0016db6db6db6db7"),
                     json: ("baguqeeran4ulgjno74x4h6ltzdg5g4yq7rgc4wnhmqhrs4ae76yibbtdjktq", #"-6433713753386424"#)),
        CodecFixture(name: #"int--9007199254740991"#,
                     cbor: ("bafyreifyx757rmvmwx42wig6lkhgpe2hikvsfu5d7ru55fyhugqoq2leii", "3b001ffffffffffffe"),
                     json: ("baguqeerajsjturllxdzotcklfufsmsaehhgxfvjpxcrhzp4p27zsh4rmpakq", #"-9007199254740991"#)),
        CodecFixture(name: #"int--9007199254740992"#,
                     cbor: ("bafyreictwassa7oj2p67275p5xztivqa3zcspn3zrilgohy3jwrv43klkm", "3b001fffffffffffff"),
                     json: ("baguqeeraqpqqtp6x7neyjnd2i3zwgyt4ddn327sx4nvqlicm2frngbg7oluq", #"-9007199254740992"#)),
        CodecFixture(name: #"int--9007199254740993"#,
                     cbor: ("bafyreicb5jhmhsjiazef7gbina6ozd2er7jugqaapmhvbhvubjc6ech2ie", "3b0020000000000000"),
                     json: ("baguqeerapv5k6hghxidzpxmfnypub7e7hxia24fus7rs7nsjh6vklb5zaq2q", #"-9007199254740993"#)),
        CodecFixture(name: #"int--9223372036854775808"#,
                     cbor: ("bafyreidh4mvwi7pnv62beigtnibakkxpsgjzua5g7kdvu2deltah6kigay", "3b7fffffffffffffff"),
                     json: ("baguqeeraqu4gi57tv5d6jiftbdxdwotirxyw5czcfaif3v6u3tkcvgahzn4a", #"-9223372036854775808"#)),
        CodecFixture(name: #"int-0"#,
                     cbor: ("bafyreidogqfzz75tpkmjzjke425xqcrmpcib2p5tg44hnbirumdbpl5adu", "00"),
                     json: ("baguqeeral7wowzx7zbxtrwkspbwg22lmphbnxqrz3vhjdndhfhltuj73k7uq", #"0"#)),
        CodecFixture(name: #"int-1000000"#,
                     cbor: ("bafyreiglx3aucayuplysf7vp6jazvwef2nznas75tufpc4kn2ig76jfw4m", "1a000f4240"),
                     json: ("baguqeeranthdnwpyvhqvdmiaenfpoxgkrhkvxs4uyfj7kgch3267d444vzcq", #"1000000"#)),
        CodecFixture(name: #"int-11959030306112471731"#,
                     cbor: ("bafyreifystp4hw2d3psdtqoairwnsl4mmb2hyupopdp7wxvrxul2cdadbe", "1ba5f702b3a5f702b3"),
                     json: ("baguqeerajogb5uql6gilrcfykgsqh6yjdj65vptw7woitskev6dli6bxohga", #"11959030306112471731"#)),
        CodecFixture(name: #"int-18446744073709551615"#,
                     cbor: ("bafyreibnpsyje7iwfx3smzlnofkxqdyeqz3a4qzhwu33ktibq7sxeckrpq", "1bffffffffffffffff"),
                     json: ("baguqeeraftnsmjs3jxdf4o2e22kpcip5nxuzxhslrlt7bdmex6uvg5rvvzbq", #"18446744073709551615"#)),
        CodecFixture(name: #"int-2"#,
                     cbor: ("bafyreig3yg2msah74sgvow25uxddqbabex3f3mh6hysess3w5kmgiv6zqy", "02"),
                     json: ("baguqeera2rzv4orglylo5yb7lfyyxg25amazyb6yw3cr7eg2hjtg53atvm2q", #"2"#)),
        CodecFixture(name: #"int-255"#,
                     cbor: ("bafyreih4vluto2froiw457akazzjhcfm7y22juemxx6jsyyjufp227tcv4", "18ff"),
                     json: ("baguqeerasvllqjezzqfk7bvo47yneu7bprq3p33t2sfcsxzx3ghqrmcp7j7q", #"255"#)),
        CodecFixture(name: #"int-2784428723"#,
                     cbor: ("bafyreiga5hy6mxnej7eankwq2zi7echorwp7wfkoeto6l3262rxn24r65m", "1aa5f702b3"),
                     json: ("baguqeeraqd7q5jz4bytomeikdvakzzt3qbjkcrczafx3gu6s6t2c244goziq", #"2784428723"#)),
        CodecFixture(name: #"int-500"#,
                     cbor: ("bafyreifvxhnllfzufgihevzlj62j34nmzrlzfdjb5pwyqe5675meqi6o7q", "1901f4"),
                     json: ("baguqeeraaycm2mjy73wsalxsspqgfwrpi4qpo6qf2jpoanvhuaojz7g5d4fa", #"500"#)),
        CodecFixture(name: #"int-6433713753386423"#,
                     cbor: ("bafyreie2fdkdrtj4mmdpcryivf4uuvirpz6ehzgmt2w2ks6s6qsrlj4k3a", "1b0016db6db6db6db7"),
                     json: ("baguqeerahcqj2m4gchiq7ldwio6lw2js2b5o73th43sw2ulioqxsrlmf5voq", #"6433713753386423"#)),
        CodecFixture(name: #"int-65535"#,
                     cbor: ("bafyreicft66te6utk6chakwkgyqxirmsh6dzjyi34c4kf2pzwpvjxaaose", "19ffff"),
                     json: ("baguqeera6l4j5xuopvft2isd32q4vfvy5tsw66jychmxbc2kaga37anfaaiq", #"65535"#)),
        CodecFixture(name: #"int-65536"#,
                     cbor: ("bafyreibjfaasdb7qgrdnd2pmg7noltevqzswyif5nyup6sktdanzgpft6a", "1a00010000"),
                     json: ("baguqeerab4sv5qleqlbuh7ijtouwncddo6f6idobm2tik2y5i4haxsl4y36q", #"65536"#)),
        CodecFixture(name: #"int-9007199254740991"#,
                     cbor: ("bafyreiau6uboriydiauixhnjr3kv3hzdbsfjf3uggnqzrx3ndnhcpdz5dy", "1b001fffffffffffff"),
                     json: ("baguqeera6qfuepbn3fp7fmxqe7rcechuhdhxequgfzphi2da42ltbde23uta", #"9007199254740991"#)),
        CodecFixture(name: #"int-9223372036854775807"#,
                     cbor: ("bafyreih2npqkh2altk6fydcmxj4kibc6qj5p44r7jnktdw22txixdi2qli", "1b7fffffffffffffff"),
                     json: ("baguqeerawnfbymfhcx3l7c3siox2p6vyqphdmevxemlrnpolxxazqlq25uuq", #"9223372036854775807"#)),
        CodecFixture(name: #"ipns"#,
                     cbor: ("bafyreifxsv6jggzwuh72ta3mx7m74nwyqfyd5qfld6sqje6myesc7er7o4", "a56354544c006556616c756558412f697066732f6261667972656964336c6a70746a726d72797864656c3737747467626635726e76793469706b626278337535327433776c73666e663479667933696853657175656e6365056856616c6964697479581e323032332d30352d30325431333a34333a34312e3236323133363732375a6c56616c69646974795479706500"),
                     json: ("baguqeeralw2u2jrkvcvuuxkfr3jsd7femhfiyiobxwawpnemtydyoa37xqaq", #"{"Sequence":5,"TTL":0,"Validity":{"/":{"bytes":"MjAyMy0wNS0wMlQxMzo0Mzo0MS4yNjIxMzY3Mjda"}},"ValidityType":0,"Value":{"/":{"bytes":"L2lwZnMvYmFmeXJlaWQzbGpwdGpybXJ5eGRlbDc3dHRnYmY1cm52eTRpcGtiYngzdTUydDN3bHNmbmY0eWZ5M2k"}}}"#)),
        CodecFixture(name: #"map-1_pair"#,
                     cbor: ("bafyreihltcnuuyqp2jm24aqydpnlj7b6w3ogwrplomrjtg5rifv44mmjey", "a1616101"),
                     json: ("baguqeeraafnl2724yv5c3wklowipaswybbbhhec64m7mltv6vzrco2ux7bra", #"{"a":1}"#)),
        CodecFixture(name: #"map-1_pair_rev"#,
                     cbor: ("bafyreierz7t5y4xa635mndfb2i7wu2zxzfnpl6xvg5wr2kxeambtrgvsuy", "a161316161"),
                     json: ("baguqeeracp3z5isr4gpufnhd7pf7kj3g3ye5zqjoaw2w4vziudcg4jkziikq", #"{"1":"a"}"#)),
        CodecFixture(name: #"map-empty"#,
                     cbor: ("bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua", "a0"),
                     json: ("baguqeeraiqjw7i2vwntyuekgvulpp2det2kpwt6cd7tx5ayqybqpmhfk76fa", #"{}"#)),
        CodecFixture(name: #"map-keysort"#,
                     cbor: ("bafyreifzcy56s5jog3scrc7c3rlaohrwu3recxgf5c7fddfjlnlhh6p6p4", "a9616601626565026364646403646363636304656262626262056661616161616106666161616161620766616161616163086661616161626209"),
                     json: ("baguqeeraiqj4qsbirp34qohua5y4veoy7idxot4yh6r2qghoxisadibfwbgq", #"{"aaaaaa":6,"aaaaab":7,"aaaaac":8,"aaaabb":9,"bbbbb":5,"cccc":4,"ddd":3,"ee":2,"f":1}"#)),
        CodecFixture(name: #"map-nested"#,
                     cbor: ("bafyreib7zq4mhl7fwtmftjn7d7mmlwf6gi32vimlsjkn25w2e5xlhz2deu", "a1666f626a656374a16477697468a26134666e6573746564676f626a65637473a161216121"),
                     json: ("baguqeeraf5gk7lfzh2l2hgbsqiv5z4oj5kxhnv6keki7zvcsont3ejnou4bq", #"{"object":{"with":{"4":"nested","objects":{"!":"!"}}}}"#)),
        CodecFixture(name: #"map-with_complex_entries"#,
                     cbor: ("bafyreia3jgnpn6w3wpvdc7qlyv7rkqjmxrrdaqohtgmwwje5mbpcef6hkq", "ae636f6e651b0016db6db6db6db763736978206374656e3b0016db6db6db6db76374776f1a0001000064666976650064666f757202646e696e653aa5f702b365656967687438ff65736576656e226574687265651901f466656c6576656e426131667477656c76656fc48c6175657320c39f76c49b74652168666f75727465656ea4616664666f7572616f016174026274680368746869727465656e840203046466697665"),
                     json: ("baguqeerayn5yb7xbzn7uohi4mji43ukajlmigatpoqskccsb6inxjkay44xq", #"{"eight":-256,"eleven":{"/":{"bytes":"YTE"}},"five":0,"four":2,"fourteen":{"f":"four","o":1,"t":2,"th":3},"nine":-2784428724,"one":6433713753386423,"seven":-3,"six":-1,"ten":-6433713753386424,"thirteen":[2,3,4,"five"],"three":500,"twelve":"Čaues ßvěte!","two":65536}"#)),
        CodecFixture(name: #"null"#,
                     cbor: ("bafyreifqwkmiw256ojf2zws6tzjeonw6bpd5vza4i22ccpcq4hjv2ts7cm", "f6"),
                     json: ("baguqeeraoqru5gfp45ey7no26hzwvqwxrlgdhfde7fihao4magmjf6mcxefq", #"null"#)),
        CodecFixture(name: #"string-Hello world!"#,
                     cbor: ("bafyreigmgu7icw3p3lf3prtti7x3o7vsc6e5peltjinsa7zni2axvlz5cm", "6c48656c6c6f20776f726c6421"),
                     json: ("baguqeeratz333n5xwz564v76cckgvqbhly4fqxdirlhehhmw3axl64ocmsla", #""Hello world!""#)),
        CodecFixture(name: #"string-a"#,
                     cbor: ("bafyreiewdnw5h3pdzohmxkwl22g6aqgnpdvs5vmiseymz22mjeti5jgvay", "6161"),
                     json: ("baguqeeravsgygqv3wi3c2e7quvm2gyq3wqdqce3irfiwjnriuvhx7qz7yq6a", #""a""#)),
        CodecFixture(name: #"string-empty"#,
                     cbor: ("bafyreiengp2sbi6ez34a2jctv34bwyjl7yoliteleaswgcwtqzrhmpyt2m", "60"),
                     json: ("baguqeerackxdfsy6yawqd3ndlanre7a75y5q3rjvolwwxlzds4q2apmc4eta", #""""#)),
        CodecFixture(name: #"string-long-8bit"#,
                     cbor: ("bafyreihqv76sm2eewjedoh2pdhefkvii4mkebleegrc5lu3rmdu4hbjli4", "78964c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e73656374657475722061646970697363696e6720656c69742e20446f6e6563206d692074656c6c75732c20696163756c6973206e656320766573746962756c756d20717569732c206665726d656e74756d206e6f6e2066656c69732e204d616563656e6173207574206a7573746f20706f73756572652e"),
                     json: ("baguqeera2lqzjgcpgqpn7ofg2fnbdovui73p3lqbcrd4kc7uywzxose55yoa", #""Lorem ipsum dolor sit amet, consectetur adipiscing elit. Donec mi tellus, iaculis nec vestibulum quis, fermentum non felis. Maecenas ut justo posuere.""#)),
        CodecFixture(name: #"string-Čaues ßvěte!"#,
                     cbor: ("bafyreigxqkzjak6m4vnenitdpwfryihbvy3wotdle2ldsfgkebeh56ruda", "6fc48c6175657320c39f76c49b746521"),
                     json: ("baguqeeradlrdqvxqd3cbbbtsmn7n4mpadvtqvcvj2ggkcf6mx76jzsrxzboa", #""Čaues ßvěte!""#)),
        CodecFixture(name: #"string-水"#,
                     cbor: ("bafyreib4565nbj4j6mklcrwjqgdv3uw4i6fr5dqb4dpqcqtsgrzeyg7hmm", "63e6b0b4"),
                     json: ("baguqeeramndlngq22zwtjgdxrye2qsdo7k3dltx7clrq566p6jxb5zhgaywq", #""水""#)),
        CodecFixture(name: #"string-𐅑"#,
                     cbor: ("bafyreihgpl6u5kyypvntwaijdv7wxeiuugo6ruujt652eigmp27zarclam", "64f0908591"),
                     json: ("baguqeerakloumxm3cyyspmsadsj7edgbvpgttahpjgcfpqxpliq4hryzrxgq", #""𐅑""#)),
        CodecFixture(name: #"true"#,
                     cbor: ("bafyreibhvppn37ufanewvxvwendgzksh3jpwhk6sxrx2dh3m7s3t5t7noa", "f5"),
                     json: ("baguqeeraww7kig3mmi7xycprx4snzlsy5ovtydg5scwzm26ehjc3isdh4evq", #"true"#)),
    ]
}

/// Bytes from a hex string (test helper).
func hexBytes(_ hex: String) throws -> [UInt8] {
    let digits = Array(hex.utf8)
    guard digits.count % 2 == 0 else { throw IPLDError(.invalidValue, "odd-length hex") }
    return try stride(from: 0, to: digits.count, by: 2).map { i in
        guard let byte = UInt8(String(decoding: digits[i..<(i + 2)], as: UTF8.self), radix: 16) else {
            throw IPLDError(.invalidValue, "bad hex at \(i)")
        }
        return byte
    }
}
