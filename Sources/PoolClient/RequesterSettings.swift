import Foundation

/// Where the `shoal` client finds the requester and its token when no flag names them.
///
/// Each setting is taken from the first place that has it:
///
/// | setting | flag | environment | `$SHOAL_HOME/config.json` | fallback |
/// | --- | --- | --- | --- | --- |
/// | requester URL | `--requester` | `SHOAL_REQUESTER` | `requester` | — |
/// | token | `--token` | `SHOAL_TOKEN` | `token` | `$SHOAL_HOME/admin.token` (the home of a local requester) |
/// | CA certificate | `--ca-cert` | `SHOAL_CA_CERT` | `caCert` | the system roots |
///
/// `config.json` is written by `shoal dev-cluster` (mode 0600, since it holds a token) and can be
/// written by hand:
///
/// ```json
/// { "requester": "http://127.0.0.1:8420", "token": "shoal_…", "caCert": "/etc/shoal/ca.pem" }
/// ```
public struct RequesterSettings: Codable, Sendable, Hashable {
    public var requester: String?
    public var token: String?
    public var caCert: String?

    /// The config file's name in a home.
    public static let fileName = "config.json"
    /// The admin token a requester writes in its home on first start.
    public static let adminTokenFileName = "admin.token"

    public init(requester: String? = nil, token: String? = nil, caCert: String? = nil) {
        self.requester = requester
        self.token = token
        self.caCert = caCert
    }

    /// The settings in `home/config.json`, or empty ones when there is no such file.
    ///
    /// - Throws: ``PoolClientError/Code/configuration`` for a file that is not valid JSON of this shape.
    public static func load(home: String) throws -> RequesterSettings {
        let path = home + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else { return RequesterSettings() }
        do {
            return try JSONDecoder().decode(RequesterSettings.self, from: data)
        } catch {
            throw PoolClientError(.configuration, "\(path) is not a valid config file: \(PoolClient.describe(decoding: error))")
        }
    }

    /// Writes these settings to `home/config.json` atomically, readable by the owner only.
    public func write(home: String) throws {
        let path = home + "/" + Self.fileName
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            let temporary = path + ".tmp-\(getpid())"
            guard FileManager.default.createFile(
                atPath: temporary, contents: try encoder.encode(self) + Data("\n".utf8), attributes: [.posixPermissions: 0o600]),
                rename(temporary, path) == 0
            else {
                throw PoolClientError(.configuration, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
        } catch let error as PoolClientError {
            throw error
        } catch {
            throw PoolClientError(.configuration, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// The client configuration from flags, then the environment, then `home`'s config file,
    /// then (for the token) `home/admin.token`.
    ///
    /// - Throws: ``PoolClientError/Code/configuration`` when no requester URL is found anywhere,
    ///   or the config file is malformed.
    public static func resolve(
        flags: RequesterSettings, environment: [String: String] = ProcessInfo.processInfo.environment, home: String
    ) throws -> PoolClient.Configuration {
        let file = try load(home: home)
        let env = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let url = flags.requester ?? env("SHOAL_REQUESTER") ?? file.requester else {
            throw PoolClientError(
                .configuration,
                "no requester: give --requester URL, set SHOAL_REQUESTER, or write \(home)/\(fileName) (shoal dev-cluster does)")
        }
        let token = flags.token ?? env("SHOAL_TOKEN") ?? file.token ?? adminToken(home: home)
        return PoolClient.Configuration(url: url, token: token, caCertificate: flags.caCert ?? env("SHOAL_CA_CERT") ?? file.caCert)
    }

    /// The admin token a local requester wrote in `home`, if any.
    static func adminToken(home: String) -> String? {
        guard let text = try? String(contentsOfFile: home + "/" + adminTokenFileName, encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }
}
