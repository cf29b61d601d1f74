import Foundation
import Sandbox

/// The host check `shoal run` makes before anything runs, remembered for the rest of the boot.
///
/// ``Sandbox/Sandbox/requireFeatures()`` probes namespaces, seccomp and cgroups and runs two
/// trial sandboxes: about 40–70 ms, more than a trivial step. What it finds does not change
/// while the machine runs the same kernel and launcher, so a passed check is remembered in
/// `cache/sandbox-check` under the node's home, keyed by the boot id, the kernel, the user and
/// the launcher (path, size, modification time). Any change (a reboot, a rebuilt launcher) means
/// a fresh check; a failed check is never remembered, so the how-to-fix message comes every time.
/// Should the host lose a feature in the meantime (a cgroup controller unmounted), the step
/// fails with reason `launch-failed` and the launcher's own message.
enum SandboxPreflight {
    /// Checks the host unless a check passed earlier in this boot, for this launcher.
    ///
    /// - Throws: ``Sandbox/SandboxError`` (`featureMissing`, `launcherNotFound`).
    static func require(home: WorkerHome) async throws {
        let file = home.path + "/cache/sandbox-check"
        let key = try fingerprint()
        if let remembered = try? String(contentsOfFile: file, encoding: .utf8), remembered == key { return }
        try await Sandbox.requireFeatures()
        try? WorkerHome.makeFolder(home.path + "/cache")
        let temporary = file + ".tmp-\(getpid())"
        if (try? key.write(toFile: temporary, atomically: false, encoding: .utf8)) != nil {
            rename(temporary, file)
        }
    }

    /// What a passed check depends on.
    static func fingerprint() throws -> String {
        let launcher = try Sandbox.launcherPath()
        var info = stat()
        guard stat(launcher, &info) == 0 else {
            throw SandboxError(.launcherNotFound, "cannot read \(launcher): \(String(cString: strerror(errno)))")
        }
        let boot = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown-boot"
        var system = utsname()
        uname(&system)
        let kernel = withUnsafeBytes(of: system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "shoal-sandbox-check/1 boot=\(boot) kernel=\(kernel) uid=\(geteuid()) launcher=\(launcher) "
            + "size=\(info.st_size) mtime=\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)\n"
    }
}
