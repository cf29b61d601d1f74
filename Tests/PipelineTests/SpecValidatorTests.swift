import Foundation
import IPLD
import Testing
@testable import Pipeline

@Suite struct SpecValidatorTests {
    static let fixtures = Fixtures.directory.path

    /// Every rejected fixture and the exact lines `shoal validate` prints for it: location, field
    /// path and message. All problems of a file are reported at once, in file order.
    static let expected: [String: [String]] = [
            "bad-cids.yaml": [
                "bad-cids.yaml:3:11: inputs.broken: malformed CID: 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei' is not a valid CID (invalid base32 length or trailing bits)",
                "bad-cids.yaml:4:21: inputs.alsoBroken.cid: malformed CID: 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5O' is not a valid CID (invalid base58 character 'O')",
                "bad-cids.yaml:7:34: tasks[0].engine.cid: malformed CID: 'not-a-cid' is not a valid CID (unsupported multibase prefix 'n')",
                "bad-cids.yaml:8:75: tasks[0].inputs[1]: './local.txt' is not a CID: an FPS inputs list holds CIDs only (name local data in the pipeline's inputs: and read it with {from: inputs.NAME})",
                "bad-cids.yaml:10:11: tasks[1].tool: malformed CID: 'bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2m0y' is not a valid CID (invalid base32 character '0')",
            ],
            "bad-durations.yaml": [
                "bad-durations.yaml:5:26: tasks[0].resources.timeout: expected a duration such as 30s, 10m or 1h30m, found the integer 30",
                "bad-durations.yaml:6:19: tasks[0].queueTimeout: '30m1h' repeats or misorders units: expected a duration such as 30s, 10m or 1h30m (units d, h, m, s, ms, largest first)",
                "bad-durations.yaml:9:26: tasks[1].resources.timeout: a number without a unit in '10 min': expected a duration such as 30s, 10m or 1h30m (units d, h, m, s, ms, largest first)",
                "bad-durations.yaml:10:19: tasks[1].queueTimeout: unknown unit 'x' in '5x': expected a duration such as 30s, 10m or 1h30m (units d, h, m, s, ms, largest first)",
                "bad-durations.yaml:13:26: tasks[2].resources.timeout: a duration must be more than 0",
            ],
            "bad-fps.yaml": [
                "bad-fps.yaml:4:20: tasks[0].engine.type: unsupported engine type 'docker': expected process",
                "bad-fps.yaml:5:5: tasks[0].run: use either engine: or tool: with run:, not both",
                "bad-fps.yaml:8:9: tasks[0].inputs[1]: input bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4 is listed twice",
                "bad-fps.yaml:10:26: tasks[0].outputs[0].cid: an output's CID is computed when the task runs: write cid: auto",
                "bad-fps.yaml:11:9: tasks[0].outputs[1].name: missing required field 'name' of an output such as {name: model, cid: auto}",
                "bad-fps.yaml:13:13: tasks[1].engine.cid: missing required field 'cid' of an engine",
            ],
            "bad-ids.yaml": [
                "bad-ids.yaml:3:9: tasks[0].id: task id 'my task' is not valid: use a letter, then letters, digits, '_' or '-' (at most 64)",
                "bad-ids.yaml:5:9: tasks[1].id: task id 'inputs' is reserved (from: inputs.X means something else)",
                "bad-ids.yaml:7:9: tasks[2].id: expected a task id, found the integer 5",
                "bad-ids.yaml:9:9: tasks[3].id: task id 'has.dot' is not valid: use a letter, then letters, digits, '_' or '-' (at most 64)",
                "bad-ids.yaml:11:5: tasks[4].id: missing required field 'id' of a task",
            ],
            "bad-json.json": [
                "bad-json.json:4:45: tasks[0].outputs: expected output names (a list), found the string 'out'",
                "bad-json.json:4:61: tasks[0].cache: expected true or false, found the string 'yes'",
                "bad-json.json:5:24: tasks[1].run: the command is empty: name a program to run",
                "bad-json.json:5:64: tasks[1].extra: unknown field 'extra': a task has fields id, tool, run, engine, inputs, params, outputs, resources, network, locality, cache, env, retries, constraints, queueTimeout",
            ],
            "bad-names.yaml": [
                "bad-names.yaml:2:7: name: pipeline name 'my pipeline' is not valid: use a letter or digit, then letters, digits, '.', '_' or '-' (at most 128)",
                "bad-names.yaml:4:3: inputs[\"a b\"]: input name 'a b' is not valid: use a letter or digit, then letters, digits, '.', '_' or '-' (at most 128)",
                "bad-names.yaml:9:7: tasks[0].inputs[\"../up\"]: input name '../up' is not valid: use a letter or digit, then letters, digits, '.', '_' or '-' (at most 128)",
                "bad-names.yaml:10:15: tasks[0].outputs[0]: output name '../escape' is not valid: use a letter or digit, then letters, digits, '.', '_' or '-' (at most 128)",
                "bad-names.yaml:10:26: tasks[0].outputs[1]: output name '.hidden' is not valid: use a letter or digit, then letters, digits, '.', '_' or '-' (at most 128)",
                "bad-names.yaml:11:11: tasks[0].env.1X: environment variable name '1X' is not valid: use a letter or '_', then letters, digits or '_'",
                "bad-names.yaml:12:14: tasks[0].params[\"bad key\"]: parameter name 'bad key' is not valid: use a letter or '_', then letters, digits, '_' or '-'",
                "bad-names.yaml:12:35: tasks[0].params.good[\"inner key\"]: parameter name 'inner key' is not valid: use a letter or '_', then letters, digits, '_' or '-'",
            ],
            "bad-refs.yaml": [
                "bad-refs.yaml:9:21: tasks[0].inputs.extra.from: no pipeline input 'corpsu' (inputs: corpus)",
                "bad-refs.yaml:14:20: tasks[1].inputs.data.from: task 'split' declares no output 'validation' (its outputs: train, test)",
                "bad-refs.yaml:15:20: tasks[1].inputs.more.from: no task 'prep' (tasks: split, fit)",
                "bad-refs.yaml:16:20: tasks[1].inputs.self.from: task 'fit' cannot read its own output 'model'",
            ],
            "bad-sizes.yaml": [
                "bad-sizes.yaml:5:25: tasks[0].resources.memory: unknown unit 'M' in '512M': expected a size such as 512MiB, 2GiB or 100MB (units B, kB, MB, GB, TB, PB are powers of 1000; KiB, MiB, GiB, TiB, PiB powers of 1024)",
                "bad-sizes.yaml:5:37: tasks[0].resources.disk: '0.3KiB' is not a whole number of bytes",
                "bad-sizes.yaml:8:25: tasks[1].resources.memory: a size must be more than 0",
                "bad-sizes.yaml:8:34: tasks[1].resources.disk: unknown unit ' GiB' in '2 GiB': expected a size such as 512MiB, 2GiB or 100MB (units B, kB, MB, GB, TB, PB are powers of 1000; KiB, MiB, GiB, TiB, PiB powers of 1024)",
                "bad-sizes.yaml:11:25: tasks[2].resources.memory: '99999999PiB' is too large",
                "bad-sizes.yaml:11:44: tasks[2].resources.disk: a size cannot be negative",
                "bad-sizes.yaml:11:53: tasks[2].resources.cpu: cpu must be more than 0",
            ],
            "bad-version.yaml": [
                "bad-version.yaml:1:10: version: unsupported version 2: expected 1",
            ],
            "cycle.yaml": [
                "cycle.yaml:6:24: tasks[0].inputs.x.from: dependency cycle: a -> b -> c -> a",
                "cycle.yaml:18:24: tasks[3].inputs.x.from: dependency cycle: d -> e -> d",
            ],
            "duplicate-ids.yaml": [
                "duplicate-ids.yaml:10:9: tasks[2].id: duplicate task id 'prepare' (first used by tasks[0] at line 3)",
            ],
            "duplicate-keys.yaml": [
                "duplicate-keys.yaml:5:5: (root): duplicate key 'outputs': each field may appear once in a map",
            ],
            "empty-tasks.yaml": [
                "empty-tasks.yaml:1:1: version: missing required field 'version' of a pipeline spec",
                "empty-tasks.yaml:2:8: tasks: a pipeline needs at least one task",
            ],
            "missing-paths.yaml": [
                "missing-paths.yaml:3:9: inputs.data: input '../data/nope.csv' does not exist (resolved to \(fixtures)/data/nope.csv)",
                "missing-paths.yaml:6:11: tasks[0].tool: tool folder '../tools/missing' does not exist (resolved to \(fixtures)/tools/missing)",
                "missing-paths.yaml:9:11: tasks[1].tool: tool '../tools/not-a-folder.sh' is a file, but a tool is a folder (mounted at /tool); put the file in a folder",
            ],
            "private-input.yaml": [
                "private-input.yaml:4:37: inputs.notes.private: a private input must be a CID already held by a worker: a local path would be uploaded, so the data would move",
                "private-input.yaml:9:15: tasks[0].locality: task reads private input 'records' (compute-to-data), so its locality must be required, not preferred",
            ],
            "syntax-error.yaml": [
                "syntax-error.yaml:5:1: (root): syntax error: found unexpected end of stream (while scanning a quoted scalar at line 4)",
            ],
            "unknown-fields.yaml": [
                "unknown-fields.yaml:2:1: nmae: unknown field 'nmae': a pipeline spec has fields version, name, inputs, import, tasks",
                "unknown-fields.yaml:6:5: tasks[0].netwrok: unknown field 'netwrok': did you mean 'network'? a task has fields id, tool, run, engine, inputs, params, outputs, resources, network, locality, cache, env, retries, constraints, queueTimeout",
                "unknown-fields.yaml:7:25: tasks[0].resources.gpus: unknown field 'gpus': resources has fields cpu, memory, disk, timeout, pids",
                "unknown-fields.yaml:9:30: tasks[0].inputs.data.mode: unknown field 'mode': a task input such as {from: inputs.corpus} has fields from",
                "unknown-fields.yaml:11:73: inputs.x.pin: unknown field 'pin': a dataset has fields cid, path, private",
            ],
            "unknown-placeholders.yaml": [
                "unknown-placeholders.yaml:6:17: tasks[0].run[1]: unknown placeholder '{{params.missing}}': the task has no parameter 'missing' (parameters: cfg, x)",
                "unknown-placeholders.yaml:6:39: tasks[0].run[2]: unknown placeholder '{{inputs.nope.cid}}': the task has no input 'nope' (inputs: text)",
                "unknown-placeholders.yaml:6:39: tasks[0].run[2]: unknown placeholder '{{foo}}': expected {{params.NAME}} or {{inputs.NAME.cid}}",
                "unknown-placeholders.yaml:6:70: tasks[0].run[3]: placeholder '{{params.cfg}}' names a map: a placeholder needs a string, number or boolean",
                "unknown-placeholders.yaml:6:88: tasks[0].run[4]: unclosed placeholder '{{params.x': expected {{params.NAME}} or {{inputs.NAME.cid}}",
                "unknown-placeholders.yaml:10:45: tasks[0].env.BAD: unknown placeholder '{{inputs.text.path}}': expected {{params.NAME}} or {{inputs.NAME.cid}}",
            ],
            "wrong-types.yaml": [
                "wrong-types.yaml:1:10: version: expected the format version 1, found the string '1'",
                "wrong-types.yaml:4:10: tasks[0].run: expected a list of arguments such as [python3, script.py]; for a shell line write [sh, -c, '...']",
                "wrong-types.yaml:5:13: tasks[0].params: expected parameters (a map), found a list",
                "wrong-types.yaml:6:12: tasks[0].cache: expected true or false, found the string 'yes'",
                "wrong-types.yaml:7:14: tasks[0].retries: retries must be between 0 and 100, found -1",
                "wrong-types.yaml:8:14: tasks[0].network: 'wifi' is not one of none, loopback",
                "wrong-types.yaml:9:19: tasks[0].constraints[0]: constraint 'region = eu' is not valid: expected KEY=VALUE, KEY!=VALUE, 'KEY exists' or 'KEY !exists'",
                "wrong-types.yaml:9:34: tasks[0].constraints[1]: constraint 'gpu' is not valid: expected KEY=VALUE, KEY!=VALUE, 'KEY exists' or 'KEY !exists'",
                "wrong-types.yaml:11:17: tasks[1].run[1]: expected a command argument (text), found a list",
                "wrong-types.yaml:12:22: tasks[1].resources.cpu: expected a number of CPU cores such as 1 or 0.5, found the string 'two'",
                "wrong-types.yaml:12:33: tasks[1].resources.pids: pids must be at least 1",
                "wrong-types.yaml:13:17: tasks[1].params.a: a parameter cannot be null: leave it out, or quote it (\"null\") to mean the text",
                "wrong-types.yaml:13:26: tasks[1].params.b: .inf is not a finite number: a parameter may be a string, integer, finite float, boolean, list or map",
                "wrong-types.yaml:14:10: tasks[1].env: expected environment variables (a map), found a list",
                "wrong-types.yaml:15:5: tasks[2]: expected a task (a map), found the string 'just a string'",
            ],
    ]

    @Test func everyInvalidFixtureHasExpectations() {
        #expect(Set(Fixtures.names(in: "invalid")) == Set(Self.expected.keys))
    }

    @Test(arguments: Fixtures.names(in: "invalid"))
    func invalidFixtureGivesExpectedDiagnostics(name: String) throws {
        let fixtures = Self.fixtures
        let expected = try #require(Self.expected[name]).map { $0.replacingOccurrences(of: "\\(fixtures)", with: fixtures) }
        #expect(try Fixtures.diagnostics("invalid", name) == expected)
    }

    // MARK: Specs built in code

    @Test func checksSpecsBuiltInCodeWithoutLocations() {
        let spec = PipelineSpec(name: "p", tasks: [
            TaskSpec(id: "a", run: ["echo", "{{params.x}}"], inputs: [TaskInput(name: "in", source: .taskOutput(task: "b", output: "out"))]),
            TaskSpec(id: "b", run: ["true"], inputs: [TaskInput(name: "in", source: .taskOutput(task: "a", output: "out"))],
                     outputs: ["out"]),
        ])
        var validator = SpecValidator()
        _ = validator.validate(spec)
        #expect(validator.diagnostics.map(\.description) == [
            "tasks[1].inputs.in.from: task 'a' declares no output 'out' (it declares no outputs)",
            "tasks[0].inputs.in.from: dependency cycle: a -> b -> a",
            "tasks[0].run[1]: unknown placeholder '{{params.x}}': the task has no parameter 'x' (it has no parameters)",
        ])
    }

    @Test func privateInputsImplyRequiredLocality() throws {
        let cid = CID.sha256([1], codec: .raw)
        let spec = PipelineSpec(name: "p", inputs: [PipelineInput(name: "secret", source: .cid(cid), isPrivate: true)], tasks: [
            TaskSpec(id: "a", run: ["true"], inputs: [TaskInput(name: "s", source: .pipelineInput("secret"))]),
            TaskSpec(id: "b", run: ["true"]),
        ])
        var validator = SpecValidator()
        let checked = validator.validate(spec)
        #expect(validator.diagnostics.isEmpty)
        #expect(checked.tasks.map(\.locality) == [.required, .preferred])
    }

    @Test func validSpecsHaveNoDiagnostics() throws {
        for name in Fixtures.names(in: "valid") {
            var validator = SpecValidator()
            _ = validator.validate(try Fixtures.load("valid", name))
            #expect(validator.diagnostics.isEmpty, "\(name)")
        }
    }

    @Test func diagnosticsEncodeFlat() throws {
        let diagnostic = SpecDiagnostic(location: SourceLocation(file: "p.yaml", line: 3, column: 7), path: "tasks[0].id", message: "m")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(diagnostic), as: UTF8.self)
        #expect(json == #"{"column":7,"file":"p.yaml","line":3,"message":"m","path":"tasks[0].id"}"#)
        #expect(try JSONDecoder().decode(SpecDiagnostic.self, from: Data(json.utf8)) == diagnostic)
        #expect(SpecDiagnostic(location: nil, path: "", message: "m").description == "(root): m")
    }
}
