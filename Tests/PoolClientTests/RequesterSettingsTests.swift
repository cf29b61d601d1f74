import Foundation
import ShoalTesting
import Testing

@testable import PoolClient

@Suite struct RequesterSettingsTests {
    @Test func flagsWinOverTheEnvironmentWhichWinsOverTheConfigFile() throws {
        let home = TemporaryDirectory("settings")
        try RequesterSettings(requester: "http://file:1", token: "file-token", caCert: "/file.pem").write(home: home.path)
        let environment = ["SHOAL_REQUESTER": "https://env:2", "SHOAL_TOKEN": "env-token"]

        let fromFile = try RequesterSettings.resolve(flags: .init(), environment: [:], home: home.path)
        #expect(fromFile == PoolClient.Configuration(url: "http://file:1", token: "file-token", caCertificate: "/file.pem"))

        let fromEnvironment = try RequesterSettings.resolve(flags: .init(), environment: environment, home: home.path)
        #expect(fromEnvironment.url == "https://env:2")
        #expect(fromEnvironment.token == "env-token")
        #expect(fromEnvironment.caCertificate == "/file.pem")

        let fromFlags = try RequesterSettings.resolve(
            flags: .init(requester: "http://flag:3", token: "flag-token"), environment: environment, home: home.path)
        #expect(fromFlags.url == "http://flag:3")
        #expect(fromFlags.token == "flag-token")
    }

    @Test func aLocalRequestersAdminTokenIsTheLastResort() throws {
        let home = TemporaryDirectory("settings-admin")
        try home.write("admin.token", text: "admin-secret\n")
        let resolved = try RequesterSettings.resolve(flags: .init(requester: "http://127.0.0.1:8420"), environment: [:], home: home.path)
        #expect(resolved.token == "admin-secret")
        let explicit = try RequesterSettings.resolve(
            flags: .init(requester: "http://127.0.0.1:8420"), environment: ["SHOAL_TOKEN": "mine"], home: home.path)
        #expect(explicit.token == "mine")
    }

    @Test func noRequesterAnywhereIsAClearError() throws {
        let home = TemporaryDirectory("settings-none")
        let error = #expect(throws: PoolClientError.self) {
            try RequesterSettings.resolve(flags: .init(), environment: ["SHOAL_REQUESTER": ""], home: home.path)
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("--requester URL") == true)
        #expect(error?.message.contains("SHOAL_REQUESTER") == true)
    }

    @Test func theConfigFileIsPrivateAndAMalformedOneIsNamed() throws {
        let home = TemporaryDirectory("settings-file")
        let settings = RequesterSettings(requester: "http://h:1", token: "t")
        try settings.write(home: home.path)
        #expect(try RequesterSettings.load(home: home.path) == settings)
        let mode = try FileManager.default.attributesOfItem(atPath: home.file("config.json"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try Data(#"{"requester": 42}"#.utf8).write(to: URL(fileURLWithPath: home.file("config.json")))
        let error = #expect(throws: PoolClientError.self) { try RequesterSettings.load(home: home.path) }
        #expect(error?.message.contains(home.file("config.json")) == true)
        #expect(try RequesterSettings.load(home: home.file("missing")) == RequesterSettings())
    }
}
