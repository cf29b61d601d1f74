/// An error raised while reading scheduling input written by a person, such as a constraint.
///
/// Placement itself never throws: a task that cannot run gets a ``PlacementDecision`` that says
/// why. This error is for text that a spec validator checks before a job is accepted, so it carries
/// a ``Code`` to match on and a one-line message that quotes the offending text.
public struct SchedulingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A constraint did not follow the grammar described in ``Constraint``.
        public static let invalidConstraint = Code("invalid constraint")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
