import Foundation
import IPLD
import PoolAPI
import Provenance

/// What this machine offers the pool, and what is free of it now.
///
/// The total is measured once at start: cores (`milliCPU`), memory (`MemTotal` of
/// `/proc/meminfo`), free disk in the node's home (`statvfs`), and the slots given. The free
/// part subtracts what running steps reserved (their recipes' `cpu` and `memory` limits, a
/// core and nothing when unset) and measures disk again, so placement sees both the promise and
/// the room left.
public enum NodeCapacity {
    /// The machine's capacity for a node whose home is `home`, running `slots` steps at once.
    public static func detect(home: String, slots: Int) -> Capacity {
        Capacity(
            slots: slots, milliCPU: ProcessInfo.processInfo.activeProcessorCount * 1000,
            memory: memoryTotal() ?? Int64(ProcessInfo.processInfo.physicalMemory), disk: diskFree(home) ?? 0)
    }

    /// What is free of `total` while `running` recipes hold their reservations.
    public static func free(total: Capacity, running: [Recipe], home: String) -> Capacity {
        var milliCPU = total.milliCPU
        var memory = total.memory
        for recipe in running {
            let reservation = reservation(of: recipe)
            milliCPU -= reservation.milliCPU
            memory -= reservation.memory
        }
        return Capacity(
            slots: max(0, total.slots - running.count), milliCPU: max(0, milliCPU), memory: max(0, memory),
            disk: diskFree(home) ?? total.disk)
    }

    /// The CPU and memory a recipe reserves: its `cpu` (cores) and `memory` (bytes) limits,
    /// one core and no memory when unset.
    static func reservation(of recipe: Recipe) -> (milliCPU: Int, memory: Int64) {
        let cpu = RecipeLimits.number(recipe.limits["cpu"]).map { Int(($0 * 1000).rounded(.up)) } ?? 1000
        let memory = RecipeLimits.integer(recipe.limits["memory"]) ?? 0
        return (max(0, cpu), max(0, memory))
    }

    /// `MemTotal` from `/proc/meminfo`, in bytes.
    static func memoryTotal(meminfo: String? = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) -> Int64? {
        guard let meminfo else { return nil }
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kib = Int64(fields[1]) else { return nil }
            return kib * 1024
        }
        return nil
    }

    /// Bytes available to this user on the file system holding `path`.
    static func diskFree(_ path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
