import ShoalTesting

/// Deterministic fixture data for the runner tests, drawn from SplitMix64.
struct FixtureGenerator {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// A uniform integer in `0..<bound` by rejection sampling: the same draw as `toolkit.py`'s
    /// `SplitMix64.below`, so a test can predict what a seeded runner does.
    mutating func below(_ bound: UInt64) -> UInt64 {
        // Python accepts values below floor(2^64 / bound) · bound. For a power of two that is 2^64
        // (every value); otherwise it equals floor((2^64 − 1) / bound) · bound, which fits a UInt64.
        if bound.isPowerOfTwo { return random.next() % bound }
        let limit = (UInt64.max / bound) * bound
        while true {
            let value = random.next()
            if value < limit { return value % bound }
        }
    }

    /// Fisher-Yates from the last position down, as `toolkit.py`'s `SplitMix64.shuffle`.
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for position in stride(from: items.count - 1, to: 0, by: -1) {
            let other = Int(below(UInt64(position + 1)))
            items.swapAt(position, other)
        }
    }

    /// A uniform double in [0, 1).
    mutating func unit() -> Double { Double(random.next() >> 11) / Double(UInt64(1) << 53) }

    /// A lower-case word of 4 to 8 letters.
    mutating func word() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let length = 4 + Int(below(5))
        return String((0..<length).map { _ in letters[Int(below(26))] })
    }

    /// A line of `count` random words.
    mutating func line(words count: Int) -> String {
        (0..<count).map { _ in word() }.joined(separator: " ")
    }

    /// Rows `x1,x2,noise,label` where label = 1 exactly when 2·x1 − x2 + 0.3 > 0, with no point
    /// closer than `margin` to that line: a linearly separable set with one useless feature.
    mutating func separableCSV(rows: Int, margin: Double = 0.15) -> String {
        var lines = ["x1,x2,noise,label"]
        while lines.count <= rows {
            let x1 = unit() * 2 - 1, x2 = unit() * 2 - 1, noise = unit() * 4
            let side = 2 * x1 - x2 + 0.3
            if abs(side) < margin { continue }
            lines.append("\(fixed(x1)),\(fixed(x2)),\(fixed(noise)),\(side > 0 ? 1 : 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func fixed(_ value: Double) -> String {
        let scaled = (value * 10_000).rounded()
        return String(scaled / 10_000)
    }
}

extension UInt64 {
    var isPowerOfTwo: Bool { self != 0 && self & (self - 1) == 0 }
}
