import Units
import ArgumentParser
import BlockStore
import Foundation
import IPLD

extension Shoal {
    /// `shoal cat CID[/path] [--offset N] [--length N]`: a file's bytes to stdout.
    struct Cat: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a stored file's bytes, or a byte range of it.",
            discussion: "A range reads only the blocks that cover it; every block is checked against its CID.")

        @Argument(help: "A CID, or CID/path/inside/a/directory.")
        var path: String

        @Option(help: "First byte to print.")
        var offset: UInt64 = 0

        @Option(help: "Number of bytes to print (default: to the end).")
        var length: UInt64?

        @OptionGroup var home: HomeOptions

        func run() throws {
            let exporter = try home.openRepo().unixfs
            let cid = try exporter.resolve(path)
            _ = try exporter.cat(cid, offset: offset, length: length, to: 1)
        }
    }

    /// `shoal get CID -o PATH`: writes a file or directory tree to disk.
    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a stored file or directory tree to disk.",
            discussion: "Entry names that would escape the target folder are refused; the target must not exist yet.")

        @Argument(help: "A CID, or CID/path/inside/a/directory.")
        var path: String

        @Option(name: [.short, .customLong("output")], help: "Where to write it (default: the CID).")
        var outputPath: String?

        @OptionGroup var home: HomeOptions

        func run() throws {
            let exporter = try home.openRepo().unixfs
            let cid = try exporter.resolve(path)
            let target = outputPath ?? cid.string
            let meter = ProgressMeter(label: "writing")
            let bytes = try exporter.get(cid, to: target, progress: meter.update)
            meter.finish()
            Output.note("saved \(HumanFormat.bytes(bytes)) to \(target)")
        }
    }

    /// `shoal ls CID`: lists a directory.
    struct Ls: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the entries of a stored directory.")

        @Argument(help: "A CID, or CID/path/inside/a/directory.")
        var path: String

        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        struct Entry: Encodable {
            var name: String
            var cid: String
            var kind: String?
            var size: UInt64?
        }

        func run() throws {
            let exporter = try home.openRepo().unixfs
            let entries = try exporter.ls(try exporter.resolve(path)).map {
                Entry(name: $0.name, cid: $0.cid.string, kind: $0.kind?.rawValue, size: $0.size)
            }
            if output.json { return try Output.json(entries) }
            for entry in entries {
                let size = entry.size.map(String.init) ?? "-"
                let name = entry.kind == "directory" ? entry.name + "/" : entry.name
                print("\(entry.cid) \(size) \(name)")
            }
        }
    }
}
