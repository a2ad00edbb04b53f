import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension BookingHandler {
    // MARK: Intake

    func requestIntake(_ request: Tillit_Booking_V1_RequestIntakeRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_RequestIntakeResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isClient, "request an intake for someone else")
        let practitioner = try Self.optionalAccountID(request.practitionerID, field: "practitioner_id")
        let message = try Validation.text(request.message, field: "message", max: 4000)
        if let practitioner {
            let facts = try await directory.practitioner(practitioner, context: context)
            guard facts.bookable else {
                throw ServiceError.failedPrecondition("the practitioner is not bookable")
            }
        }
        let record = try await store.requestIntake(practitioner: practitioner, message: message, by: caller)
        return .with { $0.intake = record.proto }
    }

    func listIntakeRequests(_ request: Tillit_Booking_V1_ListIntakeRequestsRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_ListIntakeRequestsResponse
    {
        let caller = try Caller.current(context)
        let status = try BookingWire.intakeStatus(request.status, field: "status")
        let page = try Page(request.page)
        let records = try await store.intakeRequests(
            status: status, clientID: caller.isClient ? caller.id : nil,
            practitionerOrAnyone: !caller.isClient && !Self.runsCalendars(caller) ? caller.id : nil,
            before: try page.timeKey(), limit: page.size + 1, for: caller)
        let (kept, next) = page.split(records) { "\($0.createdAt)/\($0.id)" }
        return .with {
            $0.intakes = kept.map(\.proto)
            $0.page = next
        }
    }

    func acceptIntake(_ request: Tillit_Booking_V1_AcceptIntakeRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_AcceptIntakeResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.intakeID, field: "intake_id")
        let record = try await store.decideIntake(id, status: .accepted, reason: "", referral: "", by: caller)
        {
            $0.practitionerID == nil || $0.practitionerID == caller.id
        }
        return .with { $0.intake = record.proto }
    }

    func declineIntake(_ request: Tillit_Booking_V1_DeclineIntakeRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_DeclineIntakeResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.intakeID, field: "intake_id")
        let reason = try Validation.text(request.reason, field: "reason", max: 2000)
        let referral = try Validation.text(
            request.referralSuggestion, field: "referral_suggestion", max: 2000)
        let record = try await store.decideIntake(
            id, status: .declined, reason: reason, referral: referral, by: caller
        ) {
            $0.practitionerID == nil || $0.practitionerID == caller.id
        }
        return .with { $0.intake = record.proto }
    }

    func withdrawIntake(_ request: Tillit_Booking_V1_WithdrawIntakeRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_WithdrawIntakeResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.intakeID, field: "intake_id")
        let record = try await store.decideIntake(
            id, status: .withdrawn, reason: "", referral: "", by: caller
        ) {
            $0.clientID == caller.id
        }
        return .with { $0.intake = record.proto }
    }

    // MARK: Check-ins

    func markCheckIn(_ request: Tillit_Booking_V1_MarkCheckInRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_MarkCheckInResponse
    {
        let caller = try Caller.current(context)
        let client = try Self.accountID(request.clientID, field: "client_id")
        let unit = try BookingWire.restUnit(request.restUnit, field: "rest_unit")
        let amount = Int(request.restAmount)
        let limit =
            switch unit {
            case .days: 365
            case .weeks: 52
            case .months: 24
            }
        guard (1...limit).contains(amount) else {
            throw ServiceError.invalid("rest_amount", "must be from 1 to \(limit) \(unit.rawValue)")
        }
        let reason = try Validation.text(request.reason, field: "reason", max: 500)
        let now = nowMillis
        let dueAt: Int64
        switch unit {
        case .days: dueAt = now + Int64(amount) * 86_400_000
        case .weeks: dueAt = now + Int64(amount) * 7 * 86_400_000
        case .months:
            // Calendar months in the practice's zone, at the same wall time.
            let zone = try await directory.organization(context: context).timeZone
            var clock = ZoneClock(identifier: zone) ?? ZoneClock(identifier: "UTC")!
            let wall = clock.wallTime(atMillis: now)
            dueAt = clock.instant(of: wall.date.adding(months: amount), minute: wall.minute)
        }
        let record = try await store.markCheckIn(
            client: client, restAmount: amount, restUnit: unit, dueAt: dueAt, reason: reason, by: caller)
        return .with { $0.checkIn = record.proto }
    }

    func listDueCheckIns(_ request: Tillit_Booking_V1_ListDueCheckInsRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_ListDueCheckInsResponse
    {
        let caller = try Caller.current(context)
        let page = try Page(request.page)
        let records = try await store.dueCheckIns(
            after: try page.timeKey(), limit: page.size + 1, for: caller)
        let (kept, next) = page.split(records) { "\($0.dueAt)/\($0.id)" }
        return .with {
            $0.checkIns = kept.map(\.proto)
            $0.page = next
        }
    }

    func closeCheckIn(_ request: Tillit_Booking_V1_CloseCheckInRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_CloseCheckInResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.checkInID, field: "check_in_id")
        let status: CheckInStatus
        switch request.status {
        case .done: status = .done
        case .cancelled: status = .cancelled
        default: throw ServiceError.invalid("status", "must be DONE or CANCELLED")
        }
        let record = try await store.closeCheckIn(id, status: status, by: caller)
        return .with { $0.checkIn = record.proto }
    }

    // MARK: Feedback

    func submitFeedback(_ request: Tillit_Booking_V1_SubmitFeedbackRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_SubmitFeedbackResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isClient, "submit feedback (clients only)")
        let practitioner = try Self.accountID(request.practitionerID, field: "practitioner_id")
        let appointment =
            request.appointmentID.isEmpty
            ? nil : try Validation.id(request.appointmentID, field: "appointment_id")
        guard request.rating <= 5 else {
            throw ServiceError.invalid("rating", "must be from 1 to 5, or 0 for none")
        }
        let text = try Validation.text(request.text, field: "text", max: 4000)
        guard request.rating > 0 || !text.isEmpty else {
            throw ServiceError.invalid("text", "give a rating or a text")
        }
        let record = try await store.submitFeedback(
            practitioner: practitioner, appointment: appointment, rating: Int(request.rating), text: text,
            by: caller)
        return .with { $0.feedback = record.proto }
    }

    func listFeedback(_ request: Tillit_Booking_V1_ListFeedbackRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_ListFeedbackResponse
    {
        let caller = try Caller.current(context)
        let named = try Self.optionalAccountID(request.practitionerID, field: "practitioner_id")
        let practitioner: String?
        let client: String?
        if caller.isClient {
            (practitioner, client) = (named, caller.id)
        } else {
            let target = named ?? caller.id
            try caller.require(
                caller.isAdmin || target == caller.id, "read feedback about another practitioner")
            (practitioner, client) = (target, nil)
        }
        let page = try Page(request.page)
        let records = try await store.feedback(
            practitioner: practitioner, client: client, before: try page.timeKey(), limit: page.size + 1,
            for: caller)
        let (kept, next) = page.split(records) { "\($0.submittedAt)/\($0.id)" }
        return .with {
            $0.feedback = kept.map(\.proto)
            $0.page = next
        }
    }
}
