import Units
import ArgumentParser
import BlockStore
import Foundation
import IPLD

extension Shoal {
    /// `shoal dag put|get`: IPLD blocks in dag-json, stored as dag-cbor.
    struct DAGGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dag", abstract: "Store and read IPLD blocks (dag-json in and out).",
            subcommands: [Put.self, Get.self])

        struct Put: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Read dag-json (a file or - for stdin), store it as one block, print its CID.",
                discussion: "Links ({\"/\": CID}) must point to blocks already in the store; the block is pinned.")

            @Argument(help: "The dag-json document (default: -, standard input).") var file: String = "-"
            @Option(name: .customLong("store-codec"), help: "dag-cbor (default) or dag-json.") var storeCodec = "dag-cbor"
            @Flag(inversion: .prefixedNo, help: "Pin the block (default: on).") var pin = true
            @OptionGroup var home: HomeOptions

            func run() throws {
                guard let codec = Multicodec(name: storeCodec), codec == .dagCBOR || codec == .dagJSON else {
                    throw ValidationError("--store-codec must be dag-cbor or dag-json")
                }
                let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                    : try Data(contentsOf: URL(fileURLWithPath: file))
                let value = try DagJSON.decode(Array(data))
                print(try home.openRepo().putDAG(value, codec: codec, pin: pin))
            }
        }

        struct Get: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print a block as dag-json (dag-cbor, dag-json, dag-pb or raw).")

            @Argument(help: "The block's CID.") var cid: String
            @OptionGroup var home: HomeOptions

            func run() throws {
                let value = try home.openRepo().getDAG(try CID(cid))
                print(try DagJSON.string(value))
            }
        }
    }

    /// `shoal car export|import`: DAGs in CAR v1 files, for other nodes and other IPFS tools.
    struct CARGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "car", abstract: "Move DAGs in and out as CAR v1 files.",
            subcommands: [Export.self, Import.self])

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write the DAG under a CID to a CAR file (depth-first, each block once, every block verified).")

            @Argument(help: "The root CID.") var cid: String
            @Option(name: [.short, .customLong("output")], help: "The CAR file, or - for stdout.") var outputPath: String
            @OptionGroup var home: HomeOptions
            @OptionGroup var output: OutputOptions

            func run() throws {
                let root = try CID(cid)
                let repo = try home.openRepo()
                if outputPath == "-" {
                    let writer = try CARWriter(fileDescriptor: 1, roots: [root])
                    _ = try repo.exportCAR(root: root, into: writer)
                    try writer.finish()
                    return
                }
                let summary = try repo.exportCAR(root: root, to: outputPath)
                if output.json { return try Output.json(summary) }
                print("exported \(summary.root): \(summary.blocks) blocks, \(HumanFormat.bytes(UInt64(summary.bytes))) to \(outputPath)")
            }
        }

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import a CAR file (or - for stdin): verify every block, store it, pin the roots.",
                discussion: "A CAR with a block that does not match its CID, or whose roots are missing, is refused and no pin is made.")

            @Argument(help: "The CAR file, or - for standard input.") var file: String
            @Flag(inversion: .prefixedNo, help: "Pin the roots (default: on).") var pin = true
            @OptionGroup var home: HomeOptions
            @OptionGroup var output: OutputOptions

            func run() throws {
                let repo = try home.openRepo()
                let summary = file == "-"
                    ? try repo.importCAR(from: try CARReader(fileDescriptor: 0), pin: pin)
                    : try repo.importCAR(from: file, pin: pin)
                if output.json { return try Output.json(summary) }
                for root in summary.roots { print("imported \(root)\(pin ? " (pinned)" : "")") }
                print("\(summary.blocks) blocks, \(summary.newBlocks) new, \(HumanFormat.bytes(UInt64(summary.blockBytes)))")
            }
        }
    }
}
