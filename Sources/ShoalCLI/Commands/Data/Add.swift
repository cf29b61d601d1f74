import ArgumentParser
import BlockStore
import Foundation
import IPLD
import UnixFS

extension Shoal {
    /// `shoal add`: imports files into the store as UnixFS DAGs, with kubo's CIDs.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a file or directory to the store and print its CID.",
            discussion: """
                The CID is the one `ipfs add` gives for the same bytes and flags. Shoal's default is \
                CIDv1 with raw leaves; --cid-version 0 gives kubo's classic defaults. `-` reads stdin.
                """)

        @Argument(help: "The file or directory to add, or - for standard input.")
        var path: String

        @Flag(name: [.short, .customLong("recursive")], help: "Add a directory and everything in it.")
        var recursive = false

        @Option(name: .customLong("cid-version"), help: "CID version, 0 or 1 (default 1).")
        var cidVersion: Int?

        @Flag(inversion: .prefixedNo, help: "Store leaves as raw blocks (default: on with CIDv1, off with CIDv0).")
        var rawLeaves: Bool?

        @Option(help: "Chunker, size-N (default size-262144).")
        var chunker: String?

        @Flag(help: "Use the trickle DAG layout instead of balanced.")
        var trickle = false

        @Flag(name: [.short, .customLong("wrap-with-directory")], help: "Wrap the result in a directory.")
        var wrapWithDirectory = false

        @Flag(help: "Include files whose names start with a dot.")
        var hidden = false

        @Flag(name: [.customShort("n"), .customLong("only-hash")], help: "Compute the CID without storing anything.")
        var onlyHash = false

        @Flag(name: [.customShort("Q"), .customLong("quiet")], help: "Print only the root CID.")
        var quiet = false

        @Flag(inversion: .prefixedNo, help: "Pin the result (default: on).")
        var pin = true

        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        struct Entry: Encodable {
            var path: String
            var cid: String
            var kind: String
            var size: UInt64
        }

        struct Report: Encodable {
            var cid: String
            var bytes: UInt64
            var entries: [Entry]
            var pinned: Bool
        }

        func validate() throws {
            if let cidVersion, cidVersion != 0 && cidVersion != 1 {
                throw ValidationError("--cid-version must be 0 or 1")
            }
        }

        func run() throws {
            let profile = try ImportProfile(cidVersion: cidVersion, rawLeaves: rawLeaves, chunker: chunker, trickle: trickle)
            let options = ImportOptions(recursive: recursive, includeHidden: hidden, wrapWithDirectory: wrapWithDirectory)
            let meter = ProgressMeter(label: "adding", enabled: !output.json && Output.stderrIsTerminal)
            var entries: [Entry] = []
            let onEntry: (ImportedEntry) -> Void = { entry in
                let record = Entry(path: entry.path, cid: entry.cid.string, kind: entry.kind.rawValue, size: entry.size)
                if output.json { entries.append(record); return }
                guard !quiet else { return }
                meter.finish()
                print("added \(record.cid) \(record.path)")
            }
            let root: ImportedEntry
            let bytes: UInt64
            if path == "-" {
                let reader = FileDescriptorReader(fd: 0, name: "standard input")
                if onlyHash {
                    root = try UnixFSImporter(profile: profile, sink: DiscardingBlockSink())
                        .importFile(from: reader, progress: meter.update)
                } else {
                    root = try home.openRepo().addFile(from: reader, AddRequest(profile: profile, pin: pin),
                                                       progress: meter.update)
                }
                bytes = root.size
                onEntry(root)
            } else {
                let result: ImportResult
                if onlyHash {
                    result = try UnixFSImporter(profile: profile, sink: DiscardingBlockSink())
                        .importPath(path, options: options, progress: meter.update, onEntry: onEntry)
                } else {
                    result = try home.openRepo().add(path, AddRequest(profile: profile, options: options, pin: pin),
                                                     progress: meter.update, onEntry: onEntry)
                }
                root = result.root
                bytes = result.bytesRead
            }
            meter.finish()
            if output.json {
                try Output.json(Report(cid: root.cid.string, bytes: bytes, entries: entries, pinned: pin && !onlyHash))
            } else if quiet {
                print(root.cid.string)
            }
        }
    }
}
