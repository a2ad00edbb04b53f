import Foundation
import Synchronization
import TillitServiceKit

/// The practices' time zones from Identity, each reused for `lifetime` before it is asked again:
/// the zone changes rarely, and a report or a log must not pay a call to Identity every time.
final class PracticeZones: Sendable {
    private struct Entry {
        var clock: ZoneClock
        var fetchedAt: ContinuousClock.Instant
    }

    private let lifetime: Duration
    private let entries = Mutex<[String: Entry]>([:])

    /// A cache keeping each zone for `lifetime`.
    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    /// The zone of `organization`, asking `fetch` (Identity, with the caller's token) when it is
    /// not known or older than the lifetime. INTERNAL for a zone this machine does not know.
    func clock(of organization: String, fetch: () async throws -> String) async throws -> ZoneClock {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[organization] }), now - entry.fetchedAt < lifetime {
            return entry.clock
        }
        let identifier = try await fetch()
        guard let clock = ZoneClock(identifier: identifier) else {
            throw ServiceError(.internalError, "the practice's time zone '\(identifier)' is unknown here")
        }
        entries.withLock { $0[organization] = Entry(clock: clock, fetchedAt: now) }
        return clock
    }
}
