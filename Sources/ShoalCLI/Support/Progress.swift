import Units
import Foundation

/// A one-line progress meter on stderr (`  1.2 GiB  410 MiB/s`), shown only on a terminal.
///
/// Updates are throttled to ten a second, so reporting after every chunk costs nothing, and the
/// line is cleared when the work ends. When stderr is a pipe or file, nothing is printed.
final class ProgressMeter {
    private let label: String
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drew = false

    init(label: String, enabled: Bool = Output.stderrIsTerminal) {
        self.label = label
        self.enabled = enabled
    }

    func update(bytes: UInt64) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(bytes) / elapsed
        let line = "\(label) \(HumanFormat.bytes(bytes))  \(HumanFormat.bytes(UInt64(rate)))/s"
        Output.writeStandardError(Array(("\r\u{1B}[K" + line).utf8))
        drew = true
    }

    func finish() {
        guard drew else { return }
        Output.writeStandardError(Array("\r\u{1B}[K".utf8))
    }
}
