/// Accepts kubo's `--flag=true|false` spelling for Shoal's boolean flags.
///
/// The command-line contract (DESIGN.md §6) writes `--raw-leaves[=false]` and `--pin=false`, as
/// `ipfs add` does; ArgumentParser spells inverted flags `--no-raw-leaves`. Arguments are
/// rewritten before parsing, so both spellings work and scripts written for kubo keep working.
enum BooleanFlagSyntax {
    /// Flags that have a `--no-` inversion.
    static let invertible: Set<String> = ["raw-leaves", "pin"]

    static func normalize(_ arguments: [String]) -> [String] {
        var out: [String] = []
        for (index, argument) in arguments.enumerated() {
            // Everything after `--` belongs to a command being run, not to Shoal.
            if argument == "--" { out.append(contentsOf: arguments[index...]); return out }
            guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else {
                out.append(argument)
                continue
            }
            let name = String(argument[argument.index(argument.startIndex, offsetBy: 2)..<equals])
            let value = argument[argument.index(after: equals)...].lowercased()
            guard invertible.contains(name) else { out.append(argument); continue }
            switch value {
            case "true", "yes", "1": out.append("--\(name)")
            case "false", "no", "0": out.append("--no-\(name)")
            default: out.append(argument)  // let the parser report the bad value
            }
        }
        return out
    }
}
