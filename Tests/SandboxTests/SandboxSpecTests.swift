import Units
import Testing

@testable import Sandbox

@Suite struct SandboxSpecTests {
    @Test func aPlainSpecIsValid() throws {
        var spec = SandboxSpec(command: ["python3", "train.py"])
        spec.inputs = ["corpus": "/data/corpus", "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi": "/data/x"]
        spec.outputsDirectory = "/runs/1"
        spec.outputs = ["model", "metrics.v2"]
        spec.environment = ["EPOCHS": "5", "_PRIVATE": "x"]
        try spec.validate()
    }

    @Test(arguments: [
        ([], "the command is empty"),
        ([""], "the command is empty"),
    ])
    func commandsMustNotBeEmpty(command: [String], problem: String) {
        let spec = SandboxSpec(command: command)
        #expect { try spec.validate() } throws: { ($0 as? SandboxError)?.message == problem }
    }

    @Test(arguments: [".params.json", "..", "a/b", "", "white space", "ünïcode"])
    func badInputNamesAreRefused(name: String) {
        var spec = SandboxSpec(command: ["true"])
        spec.inputs = [name: "/data"]
        #expect { try spec.validate() } throws: { error in
            (error as? SandboxError)?.message == "input name '\(name)' is not allowed (use letters, digits, '.', '_', '-'; no leading '.')"
        }
    }

    @Test func outputsNeedAFolderAndUniqueNames() {
        var spec = SandboxSpec(command: ["true"])
        spec.outputs = ["a", "a"]
        #expect { try spec.validate() } throws: { error in
            (error as? SandboxError)?.message == "an output name is listed twice; outputs are named but no outputs folder is given"
        }
    }

    @Test func reservedAndMalformedVariablesAreRefused() {
        var spec = SandboxSpec(command: ["true"])
        spec.environment = ["SHOAL_INPUTS": "/elsewhere", "1BAD": "x", "OK": "nul\0byte"]
        #expect { try spec.validate() } throws: { error in
            (error as? SandboxError)?.message
                == "environment variable name '1BAD' is not valid; environment variable OK contains a NUL byte; "
                + "environment variable SHOAL_INPUTS is reserved"
        }
    }

    @Test func limitsAreChecked() {
        var spec = SandboxSpec(command: ["true"])
        spec.limits.timeout = .zero
        spec.limits.memory = ByteSize(bytes: 1000)
        spec.limits.pids = 1
        spec.limits.cpus = 0
        spec.limits.openFiles = 3
        #expect { try spec.validate() } throws: { error in
            (error as? SandboxError)?.message
                == "the timeout must be positive; memory must be at least 1MiB; pids must be at least 2 (the sandbox's init "
                + "and the step); cpus must be between 0.01 and 1024; open files must be at least 16"
        }
    }

    @Test func theEnvironmentIsTheBaseWithTheSpecApplied() {
        var spec = SandboxSpec(command: ["true"])
        #expect(spec.effectiveEnvironment["SHOAL_PARAMS"] == nil)
        spec.paramsFile = "/runs/params.json"
        spec.environment = ["PATH": "/tool/bin:/usr/bin", "EXTRA": "1"]
        #expect(spec.effectiveEnvironment == [
            "PATH": "/tool/bin:/usr/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "SHOAL_INPUTS": "/inputs",
            "SHOAL_OUTPUTS": "/outputs", "SHOAL_PARAMS": "/inputs/.params.json", "EXTRA": "1",
        ])
    }

    @Test func theWorkingFolderDefaultsToTheTool() {
        var spec = SandboxSpec(command: ["true"])
        #expect(spec.effectiveWorkingDirectory == "/tmp")
        spec.toolDirectory = "/tools/x"
        #expect(spec.effectiveWorkingDirectory == "/tool")
        spec.workingDirectory = "/outputs/out"
        #expect(spec.effectiveWorkingDirectory == "/outputs/out")
    }

    @Test func theFileSizeLimitDefaultsToJustOverTheOutputCap() {
        var limits = SandboxLimits()
        #expect(limits.effectiveFileSize == ByteSize(bytes: (1 << 30) + 1))
        limits.outputBytes = nil
        #expect(limits.effectiveFileSize == nil)
        limits.fileSize = .mebibytes(5)
        #expect(limits.effectiveFileSize == .mebibytes(5))
    }
}
