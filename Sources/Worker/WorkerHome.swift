import Foundation

/// Where the worker side keeps its files in a node's home (`$SHOAL_HOME`).
///
/// | path | what |
/// | --- | --- |
/// | `cache/exports/<cid>` | a tool or input exported from the store once, bind-mounted read-only into every step that uses it |
/// | `work/<pid>-<job>-<task>-<attempt>-<nonce>/` | one attempt's scratch: `outputs/<name>` and `params.json`, removed when the attempt ends |
/// | `logs/<job>/<task>/<attempt>/` | `stdout.log` and `stderr.log` of each attempt (`shoal logs RUN TASK`) |
/// | `runs/<job>.lock` | held (`flock`) by the process driving a run, so two cannot drive one run |
public struct WorkerHome: Sendable, Hashable {
    public let path: String

    public init(_ path: String) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    public var exports: String { path + "/cache/exports" }
    public var work: String { path + "/work" }
    public var logs: String { path + "/logs" }
    public var runs: String { path + "/runs" }

    /// The log folder of one attempt.
    public func logs(job: String, task: String, attempt: Int) -> String {
        "\(logs)/\(job)/\(task)/\(attempt)"
    }

    /// Creates `folder` and its parents (mode 0755, so the sandbox user can read what is mounted from it).
    static func makeFolder(_ folder: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw WorkerError(.io, "cannot create \(folder): \(error.localizedDescription)")
        }
    }

    /// Removes scratch folders left by `shoal` processes that no longer exist (killed mid-step).
    public func sweepAbandonedWork() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: work) else { return }
        for name in names {
            guard let pid = name.split(separator: "-").first.flatMap({ Int32($0) }), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: work + "/" + name)
            }
        }
    }
}
