import IPLD
import Provenance
import Sandbox
import Units

/// How a recipe's `limits` map becomes the sandbox's limits and network: the one place that
/// reads it, so a step runs under the same limits wherever and whenever its recipe runs.
///
/// | recipe limit | sandbox |
/// | --- | --- |
/// | `memory` (bytes) | ``Sandbox/SandboxLimits/memory`` |
/// | `pids` | ``Sandbox/SandboxLimits/pids`` |
/// | `cpu` (cores) | ``Sandbox/SandboxLimits/cpus`` |
/// | `timeoutMs` | ``Sandbox/SandboxLimits/timeout`` |
/// | `disk` (bytes) | ``Sandbox/SandboxLimits/outputBytes`` (the output cap) |
/// | `network` | ``Sandbox/SandboxNetwork`` |
///
/// A limit the recipe does not set keeps the sandbox's default.
enum RecipeLimits {
    /// Out-of-range values (negative sizes, say, from a hand-made recipe) are left to the
    /// sandbox's defaults here and refused by its own validation where they matter.
    static func apply(_ limits: IPLDMap, to spec: inout SandboxSpec) {
        if let memory = integer(limits["memory"]), memory >= 0 { spec.limits.memory = ByteSize(bytes: memory) }
        if let pids = integer(limits["pids"]), pids >= 0, pids <= Int64(Int32.max) { spec.limits.pids = Int(pids) }
        if let cpu = number(limits["cpu"]) { spec.limits.cpus = cpu }
        if let timeout = integer(limits["timeoutMs"]), timeout >= 0 { spec.limits.timeout = .milliseconds(timeout) }
        if let disk = integer(limits["disk"]), disk >= 0 { spec.limits.outputBytes = ByteSize(bytes: disk) }
        if case .string(let network)? = limits["network"], let policy = SandboxNetwork(rawValue: network) {
            spec.network = policy
        }
    }

    static func integer(_ value: IPLDValue?) -> Int64? {
        if case .integer(let integer)? = value { return integer.as(Int64.self) }
        return nil
    }

    static func number(_ value: IPLDValue?) -> Double? {
        switch value {
        case .float(let double)?: double
        case .integer(let integer)?: integer.exactDouble
        default: nil
        }
    }
}
