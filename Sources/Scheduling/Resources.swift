import Units
/// An amount of the resources a node offers and a task asks for.
///
/// Nodes report their `total` and `free` resources; a task's demand is one `Resources` value.
/// A task fits a node when every dimension of the demand is at most the node's free amount.
/// CPU is counted in thousandths of a core so that arithmetic stays exact (`cpu: 0.5` in a spec
/// is `milliCPU: 500`).
///
/// ```swift
/// let demand = Resources(slots: 1, milliCPU: 2_000, memory: 4 << 30)
/// demand.fits(in: node.free)
/// ```
public struct Resources: Hashable, Sendable, CustomStringConvertible {
    /// Concurrent steps (a worker's `--slots`); every task takes at least one.
    public var slots: Int
    /// CPU in thousandths of a core.
    public var milliCPU: Int
    /// Memory in bytes.
    public var memory: UInt64
    /// Scratch disk in bytes.
    public var disk: UInt64

    public init(slots: Int = 0, milliCPU: Int = 0, memory: UInt64 = 0, disk: UInt64 = 0) {
        self.slots = slots
        self.milliCPU = milliCPU
        self.memory = memory
        self.disk = disk
    }

    /// Nothing at all.
    public static let zero = Resources()

    /// Whether this demand fits within `available` in every dimension.
    @inlinable
    public func fits(in available: Resources) -> Bool {
        slots <= available.slots && milliCPU <= available.milliCPU
            && memory <= available.memory && disk <= available.disk
    }

    /// `available` minus this demand; only meaningful when ``fits(in:)`` holds.
    @inlinable
    public func subtracted(from available: Resources) -> Resources {
        Resources(
            slots: available.slots - slots, milliCPU: available.milliCPU - milliCPU,
            memory: available.memory - memory, disk: available.disk - disk)
    }

    /// The demand as placement uses it: at least one slot, and no negative amounts.
    var normalizedDemand: Resources {
        Resources(slots: max(1, slots), milliCPU: max(0, milliCPU), memory: memory, disk: disk)
    }

    /// The non-zero dimensions, for example `1 slot, 2 CPU, 4.0 GiB memory`.
    public var description: String {
        var parts: [String] = []
        if slots != 0 { parts.append(slots == 1 ? "1 slot" : "\(slots) slots") }
        if milliCPU != 0 { parts.append("\(HumanFormat.cpu(milliCPU: milliCPU)) CPU") }
        if memory != 0 { parts.append("\(HumanFormat.bytes(memory)) memory") }
        if disk != 0 { parts.append("\(HumanFormat.bytes(disk)) disk") }
        return parts.isEmpty ? "nothing" : parts.joined(separator: ", ")
    }
}
