import TillitServiceKit

/// Computes free slots of one session type from availability, exceptions and held time. Pure:
/// the store reads the rows (indexed range reads), this decides.
///
/// A slot `[start, start + duration)` is offered when it lies inside a window of a weekly rule
/// (resolved on each local date with `ZoneClock`'s DST rules) or of extra hours at that
/// location; it starts inside the searched range, not before the earliest allowed start; it
/// touches no blocked exception; and neither it nor the buffer after it overlaps time another
/// appointment of the practitioner holds — except a place in a group session of the same type,
/// place and time that has places left. Slot starts step through each window in real time
/// from its start, by the availability's step (default: duration plus buffer).
public struct SlotFinder: Sendable {
    /// The session type searched for.
    public var sessionType: SessionTypeRecord
    /// Slots start in this range (ms).
    public var during: Range<Int64>
    /// No slot starts before this (ms): now plus the minimum notice.
    public var earliestStart: Int64
    private var clocks: [String: ZoneClock] = [:]

    /// A finder.
    public init(sessionType: SessionTypeRecord, during: Range<Int64>, earliestStart: Int64) {
        self.sessionType = sessionType
        self.during = during
        self.earliestStart = earliestStart
    }

    /// The free slots after `after` in `SlotKey` order, at most `limit`.
    ///
    /// - Parameters:
    ///   - availability: the availability sets offering the session type (their zones valid).
    ///   - exceptions: each practitioner's exceptions overlapping the range.
    ///   - busy: each practitioner's held time near the range, sorted by start.
    public mutating func slots(
        availability: [AvailabilityRecord], exceptions: [String: [ExceptionRecord]],
        busy: [String: [BusyTime]], after: SlotKey?, limit: Int
    ) -> [FoundSlot] {
        var found: [FoundSlot] = []
        for set in availability where set.offers(sessionType.id) {
            let own = exceptions[set.practitionerID] ?? []
            let blocked = own.filter { $0.kind == .blocked }.map(\.during)
            let extra = own.filter { $0.kind == .extraHours && $0.locationID == set.locationID }.map(\.during)
            let held = busy[set.practitionerID] ?? []
            for window in windows(of: set) + extra {
                collect(
                    in: window, set: set, blocked: blocked, held: held, after: after, into: &found)
            }
        }
        found.sort { $0.key < $1.key }
        var unique: [FoundSlot] = []
        unique.reserveCapacity(min(found.count, limit))
        for slot in found where unique.last?.key != slot.key {
            unique.append(slot)
            if unique.count == limit { break }
        }
        return unique
    }

    /// The rule windows of `set` on every local date the range touches, as instants.
    mutating func windows(of set: AvailabilityRecord) -> [Range<Int64>] {
        guard !set.rules.isEmpty else { return [] }
        var clock =
            clocks[set.timeZone] ?? ZoneClock(identifier: set.timeZone) ?? ZoneClock(identifier: "UTC")!
        defer { clocks[set.timeZone] = clock }
        let first = clock.date(atMillis: during.lowerBound).adding(days: -1)
        let last = clock.date(atMillis: during.upperBound).adding(days: 1)
        var result: [Range<Int64>] = []
        var date = first
        while date <= last {
            let weekday = date.isoWeekday
            for rule in set.rules where rule.weekday == weekday {
                let start = clock.instant(of: date, minute: rule.startMinute)
                let end =
                    rule.endMinute == 1440
                    ? clock.instant(of: date.adding(days: 1), minute: 0)
                    : clock.instant(of: date, minute: rule.endMinute)
                if end > start { result.append(start..<end) }
            }
            date = date.adding(days: 1)
        }
        return result
    }

    private func collect(
        in window: Range<Int64>, set: AvailabilityRecord, blocked: [Range<Int64>], held: [BusyTime],
        after: SlotKey?, into found: inout [FoundSlot]
    ) {
        let duration = sessionType.durationMillis
        let heldLength = duration + sessionType.bufferMillis
        let step = set.slotStepMinutes > 0 ? Int64(set.slotStepMinutes) * 60_000 : heldLength
        var start = window.lowerBound
        while start + duration <= window.upperBound {
            defer { start += step }
            guard during.contains(start), start >= earliestStart else { continue }
            let key = SlotKey(startsAt: start, practitionerID: set.practitionerID, locationID: set.locationID)
            if let after, key <= after { continue }
            let end = start + duration
            if blocked.contains(where: { $0.lowerBound < end && $0.upperBound > start }) { continue }
            guard
                let remaining = placesLeft(
                    start: start, end: end, heldUntil: start + heldLength, set: set, held: held)
            else { continue }
            found.append(FoundSlot(key: key, endsAt: end, remaining: remaining))
        }
    }

    /// Places left at `start` given the held time, or nil when the time is taken.
    private func placesLeft(
        start: Int64, end: Int64, heldUntil: Int64, set: AvailabilityRecord, held: [BusyTime]
    ) -> Int? {
        // First held time that could reach `start`: none holds longer than the longest session
        // plus buffer.
        var low = 0
        var high = held.count
        let from = start - BookingSchema.longestHeldMillis
        while low < high {
            let middle = (low + high) / 2
            if held[middle].startsAt <= from { low = middle + 1 } else { high = middle }
        }
        var joined = 0
        var index = low
        while index < held.count, held[index].startsAt < heldUntil {
            let other = held[index]
            index += 1
            guard other.blockedUntil > start else { continue }
            let sameGroup =
                sessionType.capacity > 1 && other.capacity == sessionType.capacity
                && other.sessionTypeID == sessionType.id && other.locationID == set.locationID
                && other.startsAt == start && other.endsAt == end
            guard sameGroup else { return nil }
            joined += 1
        }
        let remaining = sessionType.capacity - joined
        return remaining > 0 ? remaining : nil
    }
}
