import Testing
@testable import Pipeline

@Suite struct SpecNamesTests {
    @Test func taskIDs() {
        for good in ["a", "train-2", "Step_1", String(repeating: "a", count: 64)] { #expect(SpecNames.isValidTaskID(good), "\(good)") }
        for bad in ["", "1a", "-a", "a.b", "a b", "a/b", "é", String(repeating: "a", count: 65)] {
            #expect(!SpecNames.isValidTaskID(bad), "\(bad)")
        }
    }

    @Test func dataNamesAreSafeFolderNames() {
        for good in ["data", "model.bin", "v2", "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o", "a_b-c"] {
            #expect(SpecNames.isValidDataName(good), "\(good)")
        }
        for bad in ["", ".", "..", ".hidden", "../x", "a/b", "a b", "-x", String(repeating: "a", count: 129)] {
            #expect(!SpecNames.isValidDataName(bad), "\(bad)")
        }
    }

    @Test func paramKeysAndEnvNames() {
        #expect(SpecNames.isValidParamKey("_lr-max"))
        #expect(!SpecNames.isValidParamKey("a.b"))
        #expect(!SpecNames.isValidParamKey("1x"))
        #expect(SpecNames.isValidEnvName("PATH_2"))
        #expect(!SpecNames.isValidEnvName("A-B"))
        #expect(!SpecNames.isValidEnvName("2A"))
    }
}
