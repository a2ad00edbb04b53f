import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension BookingHandler {
    func bookAppointment(_ request: Tillit_Booking_V1_BookAppointmentRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_BookAppointmentResponse
    {
        let caller = try Caller.current(context)
        let keyText = request.idempotencyKey
        guard (1...100).contains(keyText.count),
            keyText.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
        else {
            throw ServiceError.invalid(
                "idempotency_key", "must be 1–100 printable ASCII characters without spaces")
        }
        let key = IdempotencyKey(key: keyText, canonicalRequest: try request.serializedBytes())
        let sessionTypeID = try Validation.id(request.sessionTypeID, field: "session_type_id")
        let practitioner = try Self.accountID(request.practitionerID, field: "practitioner_id")
        let location = try Validation.id(request.locationID, field: "location_id")
        guard request.hasStart else { throw ServiceError.invalid("start", "is required") }
        let start = try request.start.validMillis(field: "start")
        let client: String
        if caller.isClient {
            let named = try Self.optionalAccountID(request.clientID, field: "client_id")
            try caller.require(named == nil || named == caller.id, "book for another client")
            try caller.require(!request.outsideAvailability, "book outside availability")
            client = caller.id
        } else {
            client = try Self.accountID(request.clientID, field: "client_id")
            try caller.require(
                Self.runsCalendars(caller) || practitioner == caller.id,
                "book another practitioner's calendar")
        }
        // One read: a retry of a request that already succeeded answers at once, without asking
        // Identity; otherwise the slot is checked, then Identity asked, and nothing is written
        // unless both agree.
        let checked = try await checkedBooking(
            sessionTypeID: sessionTypeID, practitioner: practitioner, client: client, location: location,
            start: start, outsideAvailability: request.outsideAvailability, ignoring: nil, replaying: key,
            caller: caller)
        switch checked {
        case .replayed(let earlier):
            return .with { $0.appointment = earlier.proto }
        case .new(let new):
            try await requireBookable(practitioner: practitioner, client: client, context: context)
            let record = try await store.book(new, key: key, by: caller)
            return .with { $0.appointment = record.proto }
        }
    }

    func cancelAppointment(_ request: Tillit_Booking_V1_CancelAppointmentRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_CancelAppointmentResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.appointmentID, field: "appointment_id")
        let reason = try Validation.text(request.reason, field: "reason", max: 500)
        let record = try await store.cancel(id, reason: reason, by: caller) {
            Self.mayManage($0, caller: caller)
        }
        return .with { $0.appointment = record.proto }
    }

    func rescheduleAppointment(
        _ request: Tillit_Booking_V1_RescheduleAppointmentRequest, context: ServerContext
    )
        async throws -> Tillit_Booking_V1_RescheduleAppointmentResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.appointmentID, field: "appointment_id")
        guard request.hasNewStart else { throw ServiceError.invalid("new_start", "is required") }
        let start = try request.newStart.validMillis(field: "new_start")
        let newPractitioner = try Self.optionalAccountID(request.practitionerID, field: "practitioner_id")
        let newLocation =
            request.locationID.isEmpty ? nil : try Validation.id(request.locationID, field: "location_id")
        if caller.isClient { try caller.require(!request.outsideAvailability, "book outside availability") }
        let old = try await store.appointment(id, for: caller) { Self.mayManage($0, caller: caller) }
        let practitioner = newPractitioner ?? old.practitionerID
        if !caller.isClient {
            try caller.require(
                Self.runsCalendars(caller) || practitioner == caller.id,
                "move to another practitioner's calendar")
        }
        let new = try await checkedBooking(
            sessionTypeID: old.sessionTypeID, practitioner: practitioner, client: old.clientID,
            location: newLocation ?? old.locationID, start: start,
            outsideAvailability: request.outsideAvailability,
            ignoring: old.id, caller: caller)
        try await requireBookable(practitioner: practitioner, client: old.clientID, context: context)
        let moved = try await store.reschedule(
            id, by: caller, mayMove: { Self.mayManage($0, caller: caller) }
        ) {
            stored in
            // The row may have changed since it was read: only the same booking moves.
            guard stored.clientID == old.clientID, stored.sessionTypeID == old.sessionTypeID else {
                throw ServiceError.aborted("the appointment changed meanwhile; retry")
            }
            return new
        }
        return .with {
            $0.appointment = moved.new.proto
            $0.previous = moved.old.proto
        }
    }

    func markAttended(_ request: Tillit_Booking_V1_MarkAttendedRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_MarkAttendedResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.appointmentID, field: "appointment_id")
        let actual = try request.actual.validMillis(field: "actual", maximumDays: 1)
        guard actual.upperBound - actual.lowerBound <= 12 * 3_600_000 else {
            throw ServiceError.invalid("actual", "must span at most 12 hours")
        }
        guard actual.upperBound <= nowMillis + 60_000 else {
            throw ServiceError.invalid("actual.end", "must not be in the future")
        }
        let record = try await store.markAttended(id, actual: actual, by: caller) {
            Self.mayMark($0, caller: caller)
        }
        return .with { $0.appointment = record.proto }
    }

    func markNoShow(_ request: Tillit_Booking_V1_MarkNoShowRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_MarkNoShowResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.appointmentID, field: "appointment_id")
        let record = try await store.markNoShow(id, by: caller) { Self.mayMark($0, caller: caller) }
        return .with { $0.appointment = record.proto }
    }

    func getAppointment(_ request: Tillit_Booking_V1_GetAppointmentRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_GetAppointmentResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.appointmentID, field: "appointment_id")
        let record = try await store.appointment(id, for: caller) { Self.maySee($0, caller: caller) }
        return .with { $0.appointment = record.proto }
    }

    func listAppointments(_ request: Tillit_Booking_V1_ListAppointmentsRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_ListAppointmentsResponse
    {
        let caller = try Caller.current(context)
        let practitioner = try Self.optionalAccountID(request.practitionerID, field: "practitioner_id")
        var client = try Self.optionalAccountID(request.clientID, field: "client_id")
        if caller.isClient {
            try caller.require(client == nil || client == caller.id, "list another client's appointments")
            client = caller.id
        }
        let during =
            request.hasDuring
            ? try request.during.validMillis(field: "during", maximumDays: 366)
            : nowMillis..<(nowMillis + 62 * 86_400_000)
        let page = try Page(request.page)
        let after = try page.timeKey()
        let filter = AppointmentFilter(
            practitioner: practitioner, client: client, during: during,
            status: try BookingWire.status(request.status, field: "status"), after: after,
            limit: page.size + 1)
        let records = try await store.appointments(filter, for: caller)
        let (kept, next) = page.split(records) { "\($0.startsAt)/\($0.id)" }
        return .with {
            $0.appointments = kept.map(\.proto)
            $0.page = next
        }
    }

    func getOverrunStatistics(
        _ request: Tillit_Booking_V1_GetOverrunStatisticsRequest, context: ServerContext
    )
        async throws -> Tillit_Booking_V1_GetOverrunStatisticsResponse
    {
        let caller = try Caller.current(context)
        let practitioner =
            try Self.optionalAccountID(request.practitionerID, field: "practitioner_id") ?? caller.id
        try caller.require(
            caller.isAdmin || caller.has(.supervisor) || practitioner == caller.id,
            "read another practitioner's statistics")
        let during = try request.during.validMillis(field: "during", maximumDays: 366)
        let statistics = try await store.overrunStatistics(
            practitioner: practitioner, range: during, for: caller)
        return .with {
            $0.attended = UInt32(statistics.attended)
            $0.overran = UInt32(statistics.overran)
            $0.meanOverrunSeconds = UInt32(statistics.meanOverrunSeconds)
            $0.maxOverrunSeconds = UInt32(statistics.maxOverrunSeconds)
            $0.startedLate = UInt32(statistics.startedLate)
        }
    }

    // MARK: - Helpers

    /// Whether the caller may mark `appointment` attended or a no-show: its practitioner, or admin.
    static func mayMark(_ appointment: AppointmentRecord, caller: Caller) -> Bool {
        caller.isAdmin || (caller.has(.practitioner) && appointment.practitionerID == caller.id)
    }

    /// The booking a request asks for, checked against what Booking holds: the session type
    /// is active; the slot is one slot search offers (inside availability, not blocked, free
    /// or a group place left; for clients after the minimum notice), unless staff book outside
    /// availability (then only not in the past by more than a day). `ignoring` is an
    /// appointment being moved, whose own time does not count as taken.
    func checkedBooking(
        sessionTypeID: String, practitioner: String, client: String, location: String, start: Int64,
        outsideAvailability: Bool, ignoring: String?, caller: Caller
    ) async throws -> NewAppointment {
        let checked = try await checkedBooking(
            sessionTypeID: sessionTypeID, practitioner: practitioner, client: client, location: location,
            start: start, outsideAvailability: outsideAvailability, ignoring: ignoring, replaying: nil,
            caller: caller)
        guard case .new(let new) = checked else { throw ServiceError.internalError() }
        return new
    }

    /// `checkedBooking`, first answering the appointment an earlier identical request with `key`
    /// made (in the same read).
    func checkedBooking(
        sessionTypeID: String, practitioner: String, client: String, location: String, start: Int64,
        outsideAvailability: Bool, ignoring: String?, replaying key: IdempotencyKey?, caller: Caller
    ) async throws -> CheckedBooking {
        guard practitioner != client else {
            throw ServiceError.invalid("client_id", "must not be the practitioner")
        }
        let now = nowMillis
        let checked = try await store.slotCheck(
            replaying: key, sessionTypeID: sessionTypeID, practitioner: practitioner, location: location,
            start: start, withNotice: caller.isClient && !outsideAvailability,
            earliest: { outsideAvailability ? Int64.min / 2 : now + $0 }, ignoring: ignoring, by: caller)
        switch checked {
        case .replayed(let earlier):
            return .replayed(earlier)
        case .checked(let sessionType, let notice, let slot):
            let new = NewAppointment(
                practitionerID: practitioner, clientID: client, sessionType: sessionType,
                locationID: location,
                startsAt: start)
            if outsideAvailability {
                guard start > now - 86_400_000 else {
                    throw ServiceError.invalid("start", "must not be more than a day in the past")
                }
                return .new(new)
            }
            guard slot != nil else {
                if start < now + notice {
                    throw ServiceError.failedPrecondition("the slot starts too soon (minimum notice)")
                }
                throw ServiceError.failedPrecondition(
                    "the practitioner has no free slot of this session type then (availability, exceptions, other appointments)"
                )
            }
            return .new(new)
        }
    }

    /// What `checkedBooking` decided: an earlier identical request's appointment, or the new one.
    enum CheckedBooking {
        case replayed(AppointmentRecord)
        case new(NewAppointment)
    }

    /// Asks Identity (relaying the caller's token) that the practitioner is an active
    /// practitioner and the client an active client; UNAVAILABLE when Identity cannot answer.
    func requireBookable(practitioner: String, client: String, context: ServerContext) async throws {
        async let practitionerFacts = directory.practitioner(practitioner, context: context)
        async let clientCheck: Void = directory.requireActiveClient(client, context: context)
        let (facts, _) = try await (practitionerFacts, clientCheck)
        guard facts.bookable else {
            throw ServiceError.failedPrecondition("the practitioner is not bookable")
        }
    }
}
