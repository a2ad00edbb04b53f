import Foundation
import TillitContracts
import TillitRPC

extension Journeys {
    /// Journey 2. Ida (New York) searches the whole team's slots in her own zone and books Björn;
    /// he writes and signs a note. She books him again within a day and cancels (recorded late),
    /// then books Amira in Göteborg (clients are not owned). Amira is denied Björn's note until
    /// Ida consents to sharing with her, allowed then, and denied again on the read after Ida
    /// revokes.
    public static func switchingPractitioner(_ stack: IntegrationStack) async throws {
        let practice = try await CarePractice.bootstrap(
            "Journey Two \(UUID().uuidString.prefix(8))", on: stack)
        let ida = practice.clients["ida"]!
        let bjorn = practice.practitioner("bjorn")
        let amira = practice.practitioner("amira")

        // The whole team, shown in Ida's zone, in order.
        var search = Tillit_Booking_V1_SearchSlotsRequest()
        search.sessionTypeID = practice.sessionType
        search.during = range(from: 2 * 86_400, to: 5 * 86_400)
        search.clientTimeZone = "America/New_York"
        search.page.pageSize = 500
        let team = try await stack.booking.searchSlots(search, options: ida.options).slots
        let practitioners = Set(team.map(\.practitionerID.value))
        try check(
            practitioners.count >= 4, "slots of the whole team, got \(practitioners.count) practitioners")
        try check(
            zip(team, team.dropFirst()).allSatisfy { $0.time.start.date <= $1.time.start.date },
            "slots by start")
        let newYork = TimeZone(identifier: "America/New_York")!
        for slot in team.prefix(20) {
            let offset = newYork.secondsFromGMT(for: slot.time.start.date)
            try check(Int(slot.clientUtcOffsetSeconds) == offset, "New York offset of \(slot)")
            try check(
                slot.clientLocalStart.hasSuffix(offset == -18_000 ? "-05:00" : "-04:00"),
                "\(slot.clientLocalStart)")
        }
        var inGoteborg = search
        inGoteborg.city = "Göteborg"
        let cities = Set(
            try await stack.booking.searchSlots(inGoteborg, options: ida.options).slots.map(\.locationID))
        try check(cities == [practice.locations["Göteborg"]!], "the city filter: \(cities)")

        // Booked with Björn; the same key answers the same appointment.
        let first = try await slot(
            stack, practice, of: bjorn, in: range(from: 2 * 86_400, to: 4 * 86_400), as: ida)
        let booked = try await book(stack, first, key: "ida-bjorn-1", as: ida)
        let again = try await book(stack, first, key: "ida-bjorn-1", as: ida)
        try check(again.id == booked.id, "an idempotent retry answers the same appointment")
        let note = try await stack.notes.createNote(
            .with {
                $0.clientID = ida.accountID
                $0.kind = .session
                $0.body = body("Ida describes sleeping badly since the move.")
                $0.sign = true
                $0.idempotencyKey = "bjorn-ida-1"
            }, options: bjorn.options
        ).note
        try check(note.status == .signed, "Björn's note is signed")

        // Within a day: cancelled late, and it says so.
        let soon = try await slot(
            stack, practice, of: bjorn, in: range(from: 2 * 3_600, to: 22 * 3_600), as: ida)
        let near = try await book(stack, soon, key: "ida-bjorn-2", as: ida)
        let cancelled = try await stack.booking.cancelAppointment(
            .with {
                $0.appointmentID = near.id
                $0.reason = "Something came up"
            }, options: ida.options
        ).appointment
        try check(
            cancelled.status == .cancelled && cancelled.late,
            "a cancellation within 24 h is late: \(cancelled)")

        // Ida switches to Amira: Björn's note is not hers to read without Ida's consent.
        let other = try await slot(
            stack, practice, of: amira, in: range(from: 3 * 86_400, to: 6 * 86_400), as: ida)
        let switched = try await book(stack, other, key: "ida-amira-1", as: ida)
        try check(switched.locationID == practice.locations["Göteborg"]!, "Amira sees Ida in Göteborg")
        try await refused([.permissionDenied, .notFound], "Amira reads Björn's note without consent") {
            try await stack.notes.getNote(.with { $0.noteID = note.id }, options: amira.options)
        }
        let before = try await stack.notes.listNotes(
            .with { $0.clientID = ida.accountID }, options: amira.options)
        try check(!before.notes.contains { $0.id == note.id }, "the note is not in Amira's list")
        let consent = try await stack.identity.recordConsent(
            .with {
                $0.clientID = ida.accountID
                $0.kind = .shareWithPractitioner
                $0.practitionerID = amira.accountID
            }, options: ida.options
        ).consent
        let read = try await stack.notes.getNote(.with { $0.noteID = note.id }, options: amira.options).view
        try check(read.basis == .consentedColleague && read.note.id == note.id, "Amira reads it with consent")
        _ = try await stack.identity.revokeConsent(.with { $0.consentID = consent.id }, options: ida.options)
        try await refused([.permissionDenied, .notFound], "Amira's next read after the revocation") {
            try await stack.notes.getNote(.with { $0.noteID = note.id }, options: amira.options)
        }
    }
}
