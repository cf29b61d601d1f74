import Foundation
import IPLD

/// How a job runs: the choices made when it was submitted.
public struct JobOptions: Sendable, Hashable, Codable {
    /// Run every task that can run after a failure, instead of stopping new starts (`--keep-going`).
    public var keepGoing: Bool
    /// Run every task even when an earlier step with the same recipe could be reused (`--no-cache`).
    public var noCache: Bool

    public init(keepGoing: Bool = false, noCache: Bool = false) {
        self.keepGoing = keepGoing
        self.noCache = noCache
    }
}

/// One job (a `shoal run`), as stored.
///
/// The spec is stored **resolved**: every local path replaced by the CID it was added as, in the
/// canonical form, so a job can be resumed or re-driven later without the files it came from.
public struct JobRecord: Sendable, Hashable, Codable {
    /// See ``JobID``.
    public var id: String
    /// The pipeline's name.
    public var name: String
    /// The resolved spec in canonical form (`shoal validate --normalize` text).
    public var spec: String
    /// The spec file it was loaded from, for people (absent for specs received over the network).
    public var specFile: String?
    /// Each pipeline input's CID, by input name.
    public var inputs: [String: CID]
    /// Each task's tool CID, by task id (tasks without a tool are absent).
    public var tools: [String: CID]
    public var options: JobOptions
    public var state: JobState
    /// Why the job ended as it did (the first failed task, a cancellation), when it did not succeed.
    public var reason: String?
    public var created: Date
    /// When the job last reached an end state.
    public var finished: Date?

    public init(
        id: String, name: String, spec: String, specFile: String? = nil, inputs: [String: CID] = [:],
        tools: [String: CID] = [:], options: JobOptions = JobOptions(), state: JobState = .pending,
        reason: String? = nil, created: Date = Date(), finished: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.spec = spec
        self.specFile = specFile
        self.inputs = inputs
        self.tools = tools
        self.options = options
        self.state = state
        self.reason = reason
        self.created = created
        self.finished = finished
    }
}

/// A new task of a job: its id and its place in the spec.
public struct NewTask: Sendable, Hashable {
    public var id: String
    /// The recipe key when already known at submit time (tasks that read only pipeline inputs).
    public var recipe: CID?

    public init(id: String, recipe: CID? = nil) {
        self.id = id
        self.recipe = recipe
    }
}
