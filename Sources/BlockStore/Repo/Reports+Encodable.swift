import IPLD

// JSON shapes for `--json` output: blocks are named by CID string (and file path where there is
// one); multihashes are not printed separately since the CID carries them.

extension GCReport: Encodable {
    private enum Keys: String, CodingKey { case removed, freedBytes, keptBlocks, temporaryFilesRemoved, staleIndexRowsRemoved }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(removed, forKey: .removed)
        try container.encode(freedBytes, forKey: .freedBytes)
        try container.encode(keptBlocks, forKey: .keptBlocks)
        try container.encode(temporaryFilesRemoved, forKey: .temporaryFilesRemoved)
        try container.encode(staleIndexRowsRemoved, forKey: .staleIndexRowsRemoved)
    }
}

extension GCReport.RemovedBlock: Encodable {
    private enum Keys: String, CodingKey { case cid, size }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(cid, forKey: .cid)
        try container.encode(size, forKey: .size)
    }
}

extension VerifyReport: Encodable {
    private enum Keys: String, CodingKey {
        case healthy, checkedBlocks, checkedBytes, corrupt, missing, orphans, unverifiable, temporaryFiles, unknownFiles
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(isHealthy, forKey: .healthy)
        try container.encode(checkedBlocks, forKey: .checkedBlocks)
        try container.encode(checkedBytes, forKey: .checkedBytes)
        try container.encode(corrupt, forKey: .corrupt)
        try container.encode(missing, forKey: .missing)
        try container.encode(orphans, forKey: .orphans)
        try container.encode(unverifiable, forKey: .unverifiable)
        try container.encode(temporaryFiles, forKey: .temporaryFiles)
        try container.encode(unknownFiles, forKey: .unknownFiles)
    }
}

extension VerifyReport.Problem: Encodable {
    private enum Keys: String, CodingKey { case cid, path }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(cid, forKey: .cid)
        try container.encode(path, forKey: .path)
    }
}
