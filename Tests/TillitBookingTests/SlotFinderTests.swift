import Foundation
import Testing
import TillitBooking

/// Slot computation on its own: DST weeks, buffers, exceptions, groups, paging order.
@Suite(.timeLimit(.minutes(1)))
struct SlotFinderTests {
    static let practitioner = "00000000-0000-4000-8000-0000000000a1"
    static let other = "00000000-0000-4000-8000-0000000000a2"
    static let location = "00000000-0000-4000-8000-0000000000b1"

    private func utc(_ text: String) -> Int64 {
        Int64(ISO8601DateFormatter().date(from: text)!.timeIntervalSince1970 * 1000)
    }

    private func type(minutes: Int = 60, buffer: Int = 0, capacity: Int = 1) -> SessionTypeRecord {
        SessionTypeRecord(
            id: "00000000-0000-4000-8000-0000000000c1", name: "t", durationMinutes: minutes,
            bufferAfterMinutes: buffer, modality: .inPerson, capacity: capacity, currency: "SEK",
            priceMinorUnits: 0, active: true, createdAt: 0)
    }

    private func set(
        _ rules: [WeeklyRuleValue], zone: String, practitioner: String = practitioner, step: Int = 0
    ) -> AvailabilityRecord {
        AvailabilityRecord(
            practitionerID: practitioner, locationID: Self.location, timeZone: zone, rules: rules,
            sessionTypeIDs: [],
            slotStepMinutes: step, updatedAt: 0)
    }

    private func starts(
        _ finder: inout SlotFinder, _ sets: [AvailabilityRecord],
        exceptions: [String: [ExceptionRecord]] = [:],
        busy: [String: [BusyTime]] = [:]
    ) -> [Int64] {
        finder.slots(availability: sets, exceptions: exceptions, busy: busy, after: nil, limit: 10_000).map(
            \.key.startsAt)
    }

    @Test func aTenOClockRuleIsTenLocalOnBothSidesOfTheSpringChange() {
        // Mondays and Saturdays 10:00–11:00 around Stockholm's 2026-03-29 change.
        var finder = SlotFinder(
            sessionType: type(), during: utc("2026-03-27T00:00:00Z")..<utc("2026-04-01T00:00:00Z"),
            earliestStart: 0)
        let slots = starts(
            &finder,
            [
                set(
                    [
                        WeeklyRuleValue(weekday: 6, startMinute: 600, endMinute: 660),
                        WeeklyRuleValue(weekday: 1, startMinute: 600, endMinute: 660),
                    ], zone: "Europe/Stockholm")
            ])
        #expect(slots == [utc("2026-03-28T09:00:00Z"), utc("2026-03-30T08:00:00Z")])
    }

    @Test func aWindowAcrossTheChangeHoldsTheRealHoursItSpans() {
        let sunday = WeeklyRuleValue(weekday: 7, startMinute: 60, endMinute: 240)  // 01:00–04:00 local
        var spring = SlotFinder(
            sessionType: type(), during: utc("2026-03-28T00:00:00Z")..<utc("2026-03-30T00:00:00Z"),
            earliestStart: 0)
        // 01:00 CET, then 03:00 CEST: the hour 02:00–03:00 does not exist.
        #expect(
            starts(&spring, [set([sunday], zone: "Europe/Stockholm")]) == [
                utc("2026-03-29T00:00:00Z"), utc("2026-03-29T01:00:00Z"),
            ])
        var fall = SlotFinder(
            sessionType: type(), during: utc("2026-10-24T00:00:00Z")..<utc("2026-10-26T00:00:00Z"),
            earliestStart: 0)
        // 01:00, 02:00 CEST, 02:00 CET, 03:00 CET: four real hours.
        #expect(
            starts(&fall, [set([sunday], zone: "Europe/Stockholm")]) == [
                utc("2026-10-24T23:00:00Z"), utc("2026-10-25T00:00:00Z"), utc("2026-10-25T01:00:00Z"),
                utc("2026-10-25T02:00:00Z"),
            ])
        var york = SlotFinder(
            sessionType: type(), during: utc("2026-03-07T00:00:00Z")..<utc("2026-03-10T00:00:00Z"),
            earliestStart: 0)
        let weekend = [
            WeeklyRuleValue(weekday: 6, startMinute: 600, endMinute: 660),
            WeeklyRuleValue(weekday: 7, startMinute: 60, endMinute: 240),
            WeeklyRuleValue(weekday: 1, startMinute: 600, endMinute: 660),
        ]
        #expect(
            starts(&york, [set(weekend, zone: "America/New_York")]) == [
                utc("2026-03-07T15:00:00Z"),  // Saturday 10:00 EST
                utc("2026-03-08T06:00:00Z"), utc("2026-03-08T07:00:00Z"),  // 01:00 EST, 03:00 EDT
                utc("2026-03-09T14:00:00Z"),  // Monday 10:00 EDT
            ])
    }

    @Test func heldTimeAndBuffersExceptionsAndNoticeRemoveSlots() {
        let monday = [WeeklyRuleValue(weekday: 1, startMinute: 540, endMinute: 720)]  // 09–12 local
        let during = utc("2026-03-23T00:00:00Z")..<utc("2026-03-24T00:00:00Z")
        var finder = SlotFinder(sessionType: type(minutes: 50, buffer: 10), during: during, earliestStart: 0)
        let all = starts(&finder, [set(monday, zone: "Europe/Stockholm")])
        #expect(
            all == [utc("2026-03-23T08:00:00Z"), utc("2026-03-23T09:00:00Z"), utc("2026-03-23T10:00:00Z")])
        // Another session type's appointment 09:30–10:00 local, buffer until 10:15: the 09:00
        // slot (held until 10:00) and the 10:00 slot (inside the buffer) are taken.
        let busy = BusyTime(
            startsAt: utc("2026-03-23T08:30:00Z"), endsAt: utc("2026-03-23T09:00:00Z"),
            blockedUntil: utc("2026-03-23T09:15:00Z"), sessionTypeID: "other", locationID: Self.location,
            capacity: 1)
        #expect(
            starts(&finder, [set(monday, zone: "Europe/Stockholm")], busy: [Self.practitioner: [busy]]) == [
                utc("2026-03-23T10:00:00Z")
            ])
        let leave = ExceptionRecord(
            id: "e", practitionerID: Self.practitioner, kind: .blocked,
            during: utc("2026-03-23T09:30:00Z")..<utc("2026-03-23T23:00:00Z"), locationID: nil, reason: "",
            createdAt: 0)
        #expect(
            starts(&finder, [set(monday, zone: "Europe/Stockholm")], exceptions: [Self.practitioner: [leave]])
                == [
                    utc("2026-03-23T08:00:00Z")
                ])
        let extra = ExceptionRecord(
            id: "x", practitionerID: Self.practitioner, kind: .extraHours,
            during: utc("2026-03-23T16:00:00Z")..<utc("2026-03-23T17:00:00Z"), locationID: Self.location,
            reason: "",
            createdAt: 0)
        #expect(
            starts(&finder, [set(monday, zone: "Europe/Stockholm")], exceptions: [Self.practitioner: [extra]])
                .count == 4)
        var late = SlotFinder(
            sessionType: type(minutes: 50, buffer: 10), during: during,
            earliestStart: utc("2026-03-23T09:00:01Z"))
        #expect(starts(&late, [set(monday, zone: "Europe/Stockholm")]) == [utc("2026-03-23T10:00:00Z")])
    }

    @Test func aGroupSlotStaysOfferedUntilFull() {
        let monday = [WeeklyRuleValue(weekday: 1, startMinute: 540, endMinute: 600)]
        let during = utc("2026-03-23T00:00:00Z")..<utc("2026-03-24T00:00:00Z")
        let group = type(minutes: 60, capacity: 3)
        var finder = SlotFinder(sessionType: group, during: during, earliestStart: 0)
        func place(_ n: Int) -> BusyTime {
            BusyTime(
                startsAt: utc("2026-03-23T08:00:00Z"),
                endsAt: utc("2026-03-23T09:00:00Z"),
                blockedUntil: utc("2026-03-23T09:00:00Z"), sessionTypeID: group.id, locationID: Self.location,
                capacity: 3)
        }
        let sets = [set(monday, zone: "Europe/Stockholm")]
        #expect(
            finder.slots(availability: sets, exceptions: [:], busy: [:], after: nil, limit: 10).first?
                .remaining == 3)
        #expect(
            finder.slots(
                availability: sets, exceptions: [:], busy: [Self.practitioner: [place(1), place(2)]],
                after: nil, limit: 10
            )
            .first?.remaining == 1)
        #expect(
            finder.slots(
                availability: sets, exceptions: [:],
                busy: [Self.practitioner: [place(1), place(2), place(3)]], after: nil,
                limit: 10
            ).isEmpty)
    }

    @Test func slotsAreOrderedAcrossPractitionersAndPagedByKey() {
        let monday = [WeeklyRuleValue(weekday: 1, startMinute: 540, endMinute: 720)]
        let during = utc("2026-03-23T00:00:00Z")..<utc("2026-03-24T00:00:00Z")
        var finder = SlotFinder(sessionType: type(), during: during, earliestStart: 0)
        let sets = [
            set(monday, zone: "Europe/Stockholm", practitioner: Self.other),
            set(monday, zone: "America/New_York", practitioner: Self.practitioner),
            set(monday, zone: "Europe/Stockholm", practitioner: Self.practitioner),
        ]
        let all = finder.slots(availability: sets, exceptions: [:], busy: [:], after: nil, limit: 100)
        #expect(all.count == 9)
        #expect(all.map(\.key) == all.map(\.key).sorted())
        let first = finder.slots(availability: sets, exceptions: [:], busy: [:], after: nil, limit: 4)
        let rest = finder.slots(
            availability: sets, exceptions: [:], busy: [:], after: first.last!.key, limit: 100)
        #expect(first + rest == all)
    }
}
