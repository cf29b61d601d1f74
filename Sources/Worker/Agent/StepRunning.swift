import Orchestrator

/// Runs one step and reports how it ended: the seam between the worker agent and the executor.
///
/// The agent runs every assignment through ``StepExecutor`` (the same path as `shoal run`,
/// never a second one); tests of the agent's own logic (draining on SIGTERM, reporting) plug in
/// a scripted runner here. An implementation must honour task cancellation by returning a
/// ``Orchestrator/StepOutcome/Status/cancelled`` outcome.
public protocol StepRunning: Sendable {
    func execute(_ assignment: StepAssignment) async -> StepOutcome
}

extension StepExecutor: StepRunning {}
