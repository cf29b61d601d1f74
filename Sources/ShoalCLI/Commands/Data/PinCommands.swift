import ArgumentParser
import BlockStore
import Foundation
import IPLD

extension Shoal {
    /// `shoal pin add|rm|ls`: what this node keeps.
    struct PinGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pin",
            abstract: "Keep DAGs from garbage collection, or release them.",
            subcommands: [Add.self, Remove.self, List.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Pin a CID (recursively by default); every block of the DAG must be present.")

            @Argument(help: "The CID to pin.") var cid: String
            @Flag(help: "Pin only this block, not what it links to.") var direct = false
            @Option(help: "A label shown by `pin ls`.") var name: String?
            @Flag(
                name: .customLong("private"),
                help: "Never serve this DAG to the pool: a worker withholds it, and tasks that read it run here.")
            var isPrivate = false
            @OptionGroup var home: HomeOptions

            func validate() throws {
                if isPrivate && direct { throw ValidationError("--private applies to a whole DAG: it cannot be combined with --direct") }
            }

            func run() throws {
                let repo = try home.openRepo()
                var pin = try repo.pin(try CID(cid), mode: direct ? .direct : .recursive, name: name)
                if isPrivate { pin = try repo.setPrivate(pin.cid) }
                print("pinned \(pin.cid) \(pin.mode)\(pin.isPrivate ? " private" : "")")
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "rm", abstract: "Unpin a CID; its blocks go at the next gc unless something else keeps them.")

            @Argument(help: "The CID to unpin.") var cid: String
            @OptionGroup var home: HomeOptions

            func run() throws {
                let pin = try home.openRepo().unpin(try CID(cid))
                print("unpinned \(pin.cid)")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "ls", abstract: "List pins, or say how one CID is kept.")

            @Argument(help: "A CID to look up (default: list every pin).") var cid: String?
            @Option(help: "Only pins of this type: recursive or direct.") var type: Pin.Mode?
            @OptionGroup var home: HomeOptions
            @OptionGroup var output: OutputOptions

            struct Entry: Encodable {
                var cid: String
                var type: String
                var name: String?
                var `private`: Bool?
            }

            func run() throws {
                let repo = try home.openRepo()
                if let cid {
                    let status = try repo.pinStatus(try CID(cid))
                    if output.json { return try Output.json(Entry(cid: cid, type: status.description)) }
                    print("\(cid) \(status)")
                    if case .notPinned = status { throw ExitCode.failure }
                    return
                }
                let entries = try repo.pins(mode: type).map {
                    Entry(cid: $0.cid.string, type: $0.mode.rawValue, name: $0.name, private: $0.isPrivate ? true : nil)
                }
                if output.json { return try Output.json(entries) }
                for entry in entries {
                    print([entry.cid, entry.type, entry.private == true ? "private" : nil, entry.name].compactMap { $0 }.joined(separator: " "))
                }
            }
        }
    }
}

extension Pin.Mode: ExpressibleByArgument {}
