import ArgumentParser

extension Shoal {
    /// `shoal node list`: the pool's nodes.
    struct NodeGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "node", abstract: "See the pool's nodes.", subcommands: [NodeList.self])
    }
}
