import Foundation
import JobStore
import Logging
import Orchestrator
import ServiceLifecycle
import Synchronization

/// Drives every unfinished job with a ``Orchestrator/JobCoordinator`` over the pool dispatcher.
///
/// On start it picks up every job the store holds as pending or running (a requester that was
/// killed resumes them: their running steps are reattached), then each job submitted after.
/// ``cancel(job:)`` cancels one job's drive, which cancels its steps and records the job as
/// cancelled. A graceful shutdown interrupts the dispatcher instead: drives end without
/// recording anything, and the next start resumes them.
final class JobSupervisor: Service, Sendable {
    let store: JobStore
    let dispatcher: PoolDispatcher
    let catalog: JobCatalog
    let configuration: RequesterConfiguration
    let events: Doorbell
    let onShutdown: @Sendable () -> Void
    /// Told the id of every job whose drive stopped (the job ended, or the drive failed).
    let onDriveEnd: @Sendable (String) -> Void

    /// A job to drive, with its record, spec and recipes when intake just stored them.
    private struct Start: Sendable {
        var job: String
        var known: JobCatalog.Entry?
        var recipes = SubmittedRecipes()
    }

    private let incoming: AsyncStream<Start>
    private let continuation: AsyncStream<Start>.Continuation
    private let drives = Mutex<[String: Task<JobRecord, any Error>]>([:])

    init(
        store: JobStore, dispatcher: PoolDispatcher, catalog: JobCatalog, configuration: RequesterConfiguration,
        events: Doorbell, onShutdown: @escaping @Sendable () -> Void, onDriveEnd: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.dispatcher = dispatcher
        self.catalog = catalog
        self.configuration = configuration
        self.events = events
        self.onShutdown = onShutdown
        self.onDriveEnd = onDriveEnd
        (incoming, continuation) = AsyncStream.makeStream()
    }

    /// Starts driving a job (a new submission). `known` is the job's record and resolved spec
    /// when the caller holds them (intake): the drive and placement start from them instead of
    /// loading the stored spec again; `recipes` are the ones intake built for the recipe keys,
    /// which the drive uses instead of building them again.
    func start(job: String, known: JobCatalog.Entry? = nil, recipes: SubmittedRecipes = SubmittedRecipes()) {
        continuation.yield(Start(job: job, known: known, recipes: recipes))
    }

    /// Cancels a job's drive; `false` when no drive runs it.
    func cancel(job: String) -> Bool {
        guard let drive = drives.withLock({ $0[job] }) else { return false }
        drive.cancel()
        return true
    }

    /// Whether a drive runs the job now.
    func isDriving(_ job: String) -> Bool { drives.withLock { $0[job] != nil } }

    /// How many drives run now.
    var driveCount: Int { drives.withLock { $0.count } }

    func run() async throws {
        // Resumed jobs load their stored spec: nothing of the earlier process is trusted.
        for job in try store.unfinishedJobs() { continuation.yield(Start(job: job.id)) }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await start in incoming {
                    let job = start.job
                    guard !isDriving(job) else { continue }
                    catalog.open(job, known: start.known)
                    let spec = start.known?.spec
                    let recipes = start.recipes
                    let drive = Task { [store, dispatcher, configuration, events] in
                        try await JobCoordinator(
                            store: store, dispatcher: dispatcher, concurrency: configuration.jobConcurrency,
                            observer: { event in events.ring(event.jobID) }
                        ).run(job: job, spec: spec, recipes: recipes)
                    }
                    drives.withLock { $0[job] = drive }
                    group.addTask { await self.follow(job, drive) }
                }
            }
        } onGracefulShutdown: {
            self.onShutdown()
            self.continuation.finish()
        }
    }

    private func follow(_ job: String, _ drive: Task<JobRecord, any Error>) async {
        defer {
            // However the drive stopped, nothing of the job stays in memory: a drive that
            // failed or was interrupted is started afresh (from the store) by the next start.
            drives.withLock { _ = $0.removeValue(forKey: job) }
            catalog.forget(job)
            onDriveEnd(job)
            events.ring(job)
        }
        do {
            let record = try await withTaskCancellationHandler { try await drive.value } onCancel: { drive.cancel() }
            configuration.logger.info("job \(job) \(record.state.rawValue)\(record.reason.map { ": \($0)" } ?? "")")
        } catch is DispatchInterrupted {
            configuration.logger.info("job \(job) left running for the next start")
        } catch {
            configuration.logger.error("job \(job) stopped: \(error)")
        }
    }
}
