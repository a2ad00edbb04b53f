import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension BookingHandler {
    func setAvailability(_ request: Tillit_Booking_V1_SetAvailabilityRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_SetAvailabilityResponse
    {
        let caller = try Caller.current(context)
        let wire = request.availability
        let practitioner = try Self.accountID(wire.practitionerID, field: "availability.practitioner_id")
        try Self.requireCalendar(of: practitioner, caller: caller)
        let location = try Validation.id(wire.locationID, field: "availability.location_id")
        guard wire.rules.count <= 100 else {
            throw ServiceError.invalid("availability.rules", "at most 100 rules")
        }
        var rules: [WeeklyRuleValue] = []
        for (index, rule) in wire.rules.enumerated() {
            let field = "availability.rules[\(index)]"
            let weekday = try BookingWire.weekday(rule.weekday, field: "\(field).weekday")
            guard rule.startMinute < 1440, rule.endMinute <= 1440, rule.startMinute < rule.endMinute else {
                throw ServiceError.invalid(
                    field, "start and end must be minutes 0–1440 with start before end")
            }
            rules.append(
                WeeklyRuleValue(
                    weekday: weekday, startMinute: Int(rule.startMinute), endMinute: Int(rule.endMinute)))
        }
        rules.sort { ($0.weekday, $0.startMinute) < ($1.weekday, $1.startMinute) }
        for (first, second) in zip(rules, rules.dropFirst())
        where first.weekday == second.weekday && second.startMinute < first.endMinute {
            throw ServiceError.invalid("availability.rules", "windows of one weekday must not overlap")
        }
        guard wire.sessionTypeIds.count <= 100 else {
            throw ServiceError.invalid("availability.session_type_ids", "at most 100")
        }
        let types = try wire.sessionTypeIds.enumerated().map {
            try Validation.id($0.element, field: "availability.session_type_ids[\($0.offset)]")
        }
        guard wire.slotStepMinutes == 0 || (5...480).contains(wire.slotStepMinutes) else {
            throw ServiceError.invalid("availability.slot_step_minutes", "must be 0 or from 5 to 480")
        }
        // Identity answers for the practitioner, the locations and the practice zone; nothing is
        // stored if it cannot.
        async let facts = directory.practitioner(practitioner, context: context)
        async let organization = directory.organization(context: context)
        let (practitionerFacts, practice) = try await (facts, organization)
        guard practitionerFacts.bookable else {
            throw ServiceError.failedPrecondition("the account is not an active practitioner")
        }
        guard practice.locations.contains(where: { $0.id == location }) else {
            throw ServiceError.notFound("location")
        }
        let zone =
            wire.timeZone.isEmpty
            ? practice.timeZone : try Validation.timeZone(wire.timeZone, field: "availability.time_zone")
        let record = AvailabilityRecord(
            practitionerID: practitioner, locationID: location, timeZone: zone, rules: rules,
            sessionTypeIDs: Array(Set(types)).sorted(), slotStepMinutes: Int(wire.slotStepMinutes),
            updatedAt: 0)
        let stored = try await store.setAvailability(
            record, practitioner: practitionerFacts, locations: practice.locations,
            practiceZone: practice.timeZone,
            by: caller)
        return .with { $0.availability = stored.proto }
    }

    func listAvailability(_ request: Tillit_Booking_V1_ListAvailabilityRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_ListAvailabilityResponse
    {
        let caller = try Caller.current(context)
        let practitioner = try Self.optionalAccountID(request.practitionerID, field: "practitioner_id")
        let sets = try await store.availability(practitioner: practitioner, for: caller)
        return .with { $0.availability = sets.map(\.proto) }
    }

    func addAvailabilityException(
        _ request: Tillit_Booking_V1_AddAvailabilityExceptionRequest, context: ServerContext
    )
        async throws -> Tillit_Booking_V1_AddAvailabilityExceptionResponse
    {
        let caller = try Caller.current(context)
        let wire = request.exception
        let practitioner = try Self.accountID(wire.practitionerID, field: "exception.practitioner_id")
        try Self.requireCalendar(of: practitioner, caller: caller)
        let kind = try BookingWire.exceptionKind(wire.kind, field: "exception.kind")
        let during = try wire.during.validMillis(field: "exception.during", maximumDays: 366)
        let location: String? =
            kind == .extraHours ? try Validation.id(wire.locationID, field: "exception.location_id") : nil
        let record = ExceptionRecord(
            id: "", practitionerID: practitioner, kind: kind, during: during, locationID: location,
            reason: try Validation.text(wire.reason, field: "exception.reason", max: 500), createdAt: 0)
        let stored = try await store.addException(record, by: caller)
        return .with { $0.exception = stored.proto }
    }

    func removeAvailabilityException(
        _ request: Tillit_Booking_V1_RemoveAvailabilityExceptionRequest, context: ServerContext
    ) async throws -> Tillit_Booking_V1_RemoveAvailabilityExceptionResponse {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.exceptionID, field: "exception_id")
        try await store.removeException(id, by: caller) { stored in
            Self.runsCalendars(caller) || stored.practitionerID == caller.id
        }
        return .init()
    }

    func listAvailabilityExceptions(
        _ request: Tillit_Booking_V1_ListAvailabilityExceptionsRequest, context: ServerContext
    ) async throws -> Tillit_Booking_V1_ListAvailabilityExceptionsResponse {
        let caller = try Caller.current(context)
        let practitioner = try Self.accountID(request.practitionerID, field: "practitioner_id")
        let during = try request.during.validMillis(field: "during", maximumDays: 731)
        let records = try await store.exceptions(practitioner: practitioner, overlapping: during, for: caller)
        return .with { $0.exceptions = records.map(\.proto) }
    }
}
