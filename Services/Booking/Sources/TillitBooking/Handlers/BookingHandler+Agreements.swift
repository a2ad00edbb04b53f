import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension BookingHandler {
    func proposeAgreement(_ request: Tillit_Booking_V1_ProposeAgreementRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_ProposeAgreementResponse
    {
        let caller = try Caller.current(context)
        let wire = request.agreement
        let practitioner =
            try Self.optionalAccountID(wire.practitionerID, field: "agreement.practitioner_id") ?? caller.id
        try caller.require(practitioner == caller.id, "propose an agreement for another practitioner")
        let client = try Self.accountID(wire.clientID, field: "agreement.client_id")
        let goal = try Validation.text(wire.goal, field: "agreement.goal", max: 2000)
        guard !goal.isEmpty else { throw ServiceError.invalid("agreement.goal", "must not be empty") }
        guard (1...12).contains(wire.everyWeeks) else {
            throw ServiceError.invalid("agreement.every_weeks", "must be from 1 (weekly) to 12")
        }
        let weekday = try BookingWire.weekday(wire.weekday, field: "agreement.weekday")
        guard wire.startMinute < 1440 else {
            throw ServiceError.invalid("agreement.start_minute", "must be 0–1439")
        }
        let sessionType = try Validation.id(wire.sessionTypeID, field: "agreement.session_type_id")
        let location = try Validation.id(wire.locationID, field: "agreement.location_id")
        guard wire.hasStartDate,
            let start = CivilDate(
                year: Int(wire.startDate.year), month: Int(wire.startDate.month), day: Int(wire.startDate.day)
            ),
            (1970...9999).contains(Int(wire.startDate.year))
        else { throw ServiceError.invalid("agreement.start_date", "must be a calendar date") }
        var end: CivilDate?
        if wire.hasEndDate {
            guard
                let date = CivilDate(
                    year: Int(wire.endDate.year), month: Int(wire.endDate.month), day: Int(wire.endDate.day)),
                date >= start, date.day - start.day <= 3660
            else {
                throw ServiceError.invalid(
                    "agreement.end_date", "must be a date on or after the start, within 10 years")
            }
            end = date
        }
        guard wire.occurrenceCount <= 1000 else {
            throw ServiceError.invalid("agreement.occurrence_count", "at most 1000")
        }
        let price = try BookingWire.price(wire.price, field: "agreement.price")
        // The first occurrence: the first `weekday` on or after the start date.
        let first = start.adding(days: Int64((weekday - start.isoWeekday + 7) % 7))
        if let end, first > end {
            throw ServiceError.invalid("agreement.end_date", "is before the first occurrence")
        }
        async let facts = directory.practitioner(practitioner, context: context)
        async let clientCheck: Void = directory.requireActiveClient(client, context: context)
        async let organization = directory.organization(context: context)
        let (practitionerFacts, _, practice) = try await (facts, clientCheck, organization)
        guard practitionerFacts.bookable else {
            throw ServiceError.failedPrecondition("the practitioner is not bookable")
        }
        guard practice.locations.contains(where: { $0.id == location && $0.active }) else {
            throw ServiceError.notFound("active location")
        }
        let zone =
            wire.timeZone.isEmpty
            ? practice.timeZone : try Validation.timeZone(wire.timeZone, field: "agreement.time_zone")
        let record = AgreementRecord(
            id: "", practitionerID: practitioner, clientID: client, goal: goal,
            everyWeeks: Int(wire.everyWeeks),
            weekday: weekday, startMinute: Int(wire.startMinute), timeZone: zone, sessionTypeID: sessionType,
            locationID: location, firstDay: first, endDay: end, occurrenceCount: Int(wire.occurrenceCount),
            currency: price.currency, priceMinorUnits: price.minorUnits,
            paymentTerms: try Validation.text(wire.paymentTerms, field: "agreement.payment_terms", max: 2000),
            cancellationTerms: try Validation.text(
                wire.cancellationTerms, field: "agreement.cancellation_terms", max: 2000),
            status: .proposed, proposedAt: 0, decidedAt: nil, endedAt: nil, occurrences: [])
        let stored = try await store.proposeAgreement(record, by: caller)
        return .with { $0.agreement = stored.proto }
    }

    func acceptAgreement(_ request: Tillit_Booking_V1_AgreementRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_AgreementResponse
    {
        try await act(.accept, request, context: context)
    }

    func declineAgreement(_ request: Tillit_Booking_V1_AgreementRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_AgreementResponse
    {
        try await act(.decline, request, context: context)
    }

    func pauseAgreement(_ request: Tillit_Booking_V1_AgreementRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_AgreementResponse
    {
        try await act(.pause, request, context: context)
    }

    func resumeAgreement(_ request: Tillit_Booking_V1_AgreementRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_AgreementResponse
    {
        try await act(.resume, request, context: context)
    }

    func endAgreement(_ request: Tillit_Booking_V1_AgreementRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_AgreementResponse
    {
        try await act(.end, request, context: context)
    }

    func getAgreement(_ request: Tillit_Booking_V1_AgreementRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_AgreementResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.agreementID, field: "agreement_id")
        let record = try await store.agreement(id, for: caller) {
            Self.isParty($0, caller: caller) || Self.runsCalendars(caller)
        }
        return .with { $0.agreement = record.proto }
    }

    func listAgreements(_ request: Tillit_Booking_V1_ListAgreementsRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_ListAgreementsResponse
    {
        let caller = try Caller.current(context)
        let status: AgreementStatus? =
            switch request.status {
            case .unspecified: nil
            case .proposed: .proposed
            case .active: .active
            case .paused: .paused
            case .declined: .declined
            case .ended: .ended
            case .UNRECOGNIZED: throw ServiceError.invalid("status", "is not a known status")
            }
        let page = try Page(request.page)
        let records = try await store.agreements(
            client: caller.isClient ? caller.id : nil,
            practitioner: !caller.isClient && !Self.runsCalendars(caller) ? caller.id : nil, status: status,
            before: try page.timeKey(), limit: page.size + 1, for: caller)
        let (kept, next) = page.split(records) { "\($0.proposedAt)/\($0.id)" }
        return .with {
            $0.agreements = kept.map(\.proto)
            $0.page = next
        }
    }

    /// Accept and decline are the client's; pause, resume and end either party's (or an admin's).
    private func act(
        _ action: AgreementAction, _ request: Tillit_Booking_V1_AgreementRequest, context: ServerContext
    )
        async throws -> Tillit_Booking_V1_AgreementResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.agreementID, field: "agreement_id")
        if action == .accept || action == .decline {
            try caller.require(caller.isClient, "\(action.rawValue) an agreement (the client decides)")
        }
        let record = try await store.act(on: id, action, by: caller) {
            Self.isParty($0, caller: caller) || (caller.isAdmin && action != .accept && action != .decline)
        }
        return .with { $0.agreement = record.proto }
    }

    /// Whether the caller is the agreement's client or practitioner.
    static func isParty(_ agreement: AgreementRecord, caller: Caller) -> Bool {
        caller.isClient ? agreement.clientID == caller.id : agreement.practitionerID == caller.id
    }
}

extension AgreementRecord {
    /// The wire form.
    var proto: Tillit_Booking_V1_Agreement {
        .with {
            $0.id = id
            $0.practitionerID = BookingWire.account(practitionerID)
            $0.clientID = BookingWire.account(clientID)
            $0.goal = goal
            $0.everyWeeks = UInt32(everyWeeks)
            $0.weekday = BookingWire.weekday(weekday)
            $0.startMinute = UInt32(startMinute)
            $0.timeZone = timeZone
            $0.sessionTypeID = sessionTypeID
            $0.locationID = locationID
            $0.startDate = Tillit_Common_V1_Date(firstDay)
            if let endDay { $0.endDate = Tillit_Common_V1_Date(endDay) }
            $0.occurrenceCount = UInt32(occurrenceCount)
            $0.price.currency = currency
            $0.price.minorUnits = priceMinorUnits
            $0.paymentTerms = paymentTerms
            $0.cancellationTerms = cancellationTerms
            $0.status =
                switch status {
                case .proposed: .proposed
                case .active: .active
                case .paused: .paused
                case .declined: .declined
                case .ended: .ended
                }
            $0.proposedAt = BookingWire.timestamp(proposedAt)
            if let decidedAt { $0.decidedAt = BookingWire.timestamp(decidedAt) }
            if let endedAt { $0.endedAt = BookingWire.timestamp(endedAt) }
            $0.occurrences = occurrences.map { occurrence in
                .with {
                    $0.index = UInt32(occurrence.index)
                    $0.start = BookingWire.timestamp(occurrence.startsAt)
                    $0.status = occurrence.status == .booked ? .booked : .collision
                    $0.appointmentID = occurrence.appointmentID ?? ""
                    $0.problem = occurrence.problem
                }
            }
        }
    }
}
