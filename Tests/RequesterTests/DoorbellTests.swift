import Testing
@testable import Requester

/// The doorbell of long-polls and of the placement loop: no ring between a waiter's check and its
/// sleep is lost, rings wake only their key, and no ticket is left behind.
///
/// Waits here have an hour-long timeout, so a lost ring cannot pass for a timeout; each runs
/// under ``finishes(_:)``, which gives up (and fails) after 30 s instead of hanging the suite.
@Suite struct DoorbellTests {
    @Test func aRingBetweenListenAndWaitIsNotLost() async {
        let bell = Doorbell()
        let ticket = bell.listen("node")
        bell.ring("node")
        #expect(await finishes { await bell.wait(ticket, timeout: .seconds(3600)) })
        #expect(bell.listening == 0)
    }

    @Test func aRingWakesAWaiterOfItsKeyOnly() async throws {
        let bell = Doorbell()
        let other = bell.listen("other")
        let ticket = bell.listen("node")
        let woken = await finishes {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await bell.wait(ticket, timeout: .seconds(3600)) }
                // Ring until the waiter is gone: a ring before it sleeps marks its ticket anyway.
                while bell.listening > 1 {
                    bell.ring("node")
                    await Task.yield()
                }
            }
        }
        #expect(woken)
        #expect(bell.listening == 1, "the ticket of another key is still listening")
        bell.ring("other")
        #expect(await finishes { await bell.wait(other, timeout: .seconds(3600)) })
        #expect(bell.listening == 0)
    }

    @Test func closingWakesSleepersAndLaterWaitsReturnAtOnce() async {
        let bell = Doorbell()
        let ticket = bell.listen("node")
        let woken = await finishes {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await bell.wait(ticket, timeout: .seconds(3600)) }
                bell.close()
            }
        }
        #expect(woken)
        #expect(await finishes { await bell.wait("node", timeout: .seconds(3600)) })
        #expect(bell.isClosed)
        #expect(bell.listening == 0)
    }

    @Test func forgottenAndTimedOutTicketsLeaveNothingBehind() async {
        let bell = Doorbell()
        let forgotten = bell.listen("node")
        #expect(bell.listening == 1)
        bell.forget(forgotten)
        bell.forget(forgotten)
        #expect(bell.listening == 0)
        await bell.wait(bell.listen("node"), timeout: .milliseconds(1))
        #expect(bell.listening == 0)
        // A ring of a key nobody listens to is a no-op.
        bell.ring("nobody")
        #expect(bell.listening == 0)
    }

    @Test func aCancelledWaitReturnsAndForgetsItsTicket() async {
        let bell = Doorbell()
        let ticket = bell.listen("node")
        let returned = await finishes {
            let waiter = Task { await bell.wait(ticket, timeout: .seconds(3600)) }
            waiter.cancel()
            await waiter.value
        }
        #expect(returned)
        #expect(bell.listening == 0)
    }

    /// Whether `body` finishes within 30 s (a guard against hanging, not a timing assertion).
    private func finishes(_ body: @escaping @Sendable () async -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await body()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
