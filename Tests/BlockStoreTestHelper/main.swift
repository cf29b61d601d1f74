// A helper process for BlockStore's concurrency tests: it opens a repository like a second
// `shoal` process would and writes, pins or collects garbage on command.
//
//   BlockStoreTestHelper hold HOME SEED        write a DAG, print "ready ROOT", wait for a line on stdin, pin, print "pinned"
//   BlockStoreTestHelper add HOME SEED COUNT   COUNT sessions, each writing a DAG and an unpinned extra block, pinning the DAG;
//                                              prints each root
//   BlockStoreTestHelper gc HOME COUNT         COUNT garbage collections; prints blocks removed by each
import BlockStore
import Foundation
import IPLD
import ShoalTesting

func tree(seed: UInt64) -> [Block] {
    let leaves = (0..<4).map { Block(bytes: SplitMix64.bytes(seed: seed &* 16 &+ UInt64($0), count: 2000), codec: .raw) }
    let middle = Block(bytes: PBNode(links: leaves.prefix(2).map { PBLink(hash: $0.cid, name: "", tsize: 2000) }, data: [8, 2]).encoded(), codec: .dagPB)
    let root = Block(
        bytes: PBNode(links: [PBLink(hash: middle.cid, name: "m", tsize: 4000)] + leaves.suffix(2).map { PBLink(hash: $0.cid, name: "", tsize: 2000) },
                      data: [8, 2, UInt8(truncatingIfNeeded: seed)]).encoded(),
        codec: .dagPB)
    // Children first, as an importer writes them.
    return leaves + [middle, root]
}

func run() throws {
    let args = CommandLine.arguments
    guard args.count >= 3 else { throw BlockStoreError(.notFound, "usage: hold|add|gc HOME ...") }
    let repo = try Repo(home: args[2])
    switch args[1] {
    case "hold":
        let blocks = tree(seed: UInt64(args[3])!)
        try repo.write { writer in
            for block in blocks { try writer.put(block) }
            print("ready \(blocks.last!.cid)")
            fflush(nil)
            _ = readLine()
            try writer.pin(blocks.last!.cid)
        }
        print("pinned")
    case "add":
        let seed = UInt64(args[3])!
        for i in 0..<UInt64(args[4])! {
            let blocks = tree(seed: seed &+ i)
            try repo.write { writer in
                for block in blocks { try writer.put(block) }
                try writer.put(Block(bytes: SplitMix64.bytes(seed: (seed &+ i) | 1 << 62, count: 500), codec: .raw))
                try writer.pin(blocks.last!.cid)
            }
            print(blocks.last!.cid)
        }
    case "gc":
        for _ in 0..<Int(args[3])! {
            print(try repo.collectGarbage().removed.count)
        }
    default:
        throw BlockStoreError(.notFound, "unknown command \(args[1])")
    }
    fflush(nil)
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("helper: \(error)\n".utf8))
    exit(1)
}
