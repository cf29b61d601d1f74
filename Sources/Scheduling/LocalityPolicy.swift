/// How strongly a task wants to run where its input bytes already are.
///
/// - ``required``: compute-to-data. The task runs only on a node that holds **every** input;
///   while no such node can take it the task waits, and it fails once it has waited
///   ``TaskDemand/queueTimeout``. The inputs never move.
/// - ``preferred`` (the default): the task runs on the node holding the most input bytes. If that
///   holder is busy, the task waits up to ``TaskDemand/preferredWindow`` for it, then runs on the
///   best node with room and fetches what it lacks.
/// - ``any``: the task runs at once on the best node with room; locality still ranks the
///   candidates, but the task never waits for a holder.
///
/// Inputs marked private (``TaskDemand/Input/isPrivate``) add a restriction whatever the
/// policy: the task runs only where every private input is pinned, and waits for such a node
/// like a `required` task does.
public enum LocalityPolicy: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case required
    case preferred
    case any

    public var description: String { rawValue }
}
