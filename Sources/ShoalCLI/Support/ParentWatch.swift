import Foundation

/// Children of `shoal dev-cluster` end with it, even when it is killed with SIGKILL.
///
/// `dev-cluster` starts the requester and the workers with `SHOAL_PARENT_PID` set to its own
/// pid. Such a process checks once a second whether its parent is still that process; when
/// the parent is gone (it was reparented), it sends itself SIGTERM, which stops it gracefully.
/// (`PR_SET_PDEATHSIG` would fire when the spawning *thread* exits, which a thread pool does.)
enum ParentWatch {
    static let variable = "SHOAL_PARENT_PID"

    static func start(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let text = environment[variable], let parent = Int32(text), parent > 1 else { return }
        let thread = Thread {
            while true {
                if getppid() != parent {
                    kill(getpid(), SIGTERM)
                    return
                }
                Thread.sleep(forTimeInterval: 1)
            }
        }
        thread.name = "shoal-parent-watch"
        thread.start()
    }
}
