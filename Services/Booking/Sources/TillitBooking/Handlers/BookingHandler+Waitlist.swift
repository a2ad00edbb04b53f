import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension BookingHandler {
    func joinWaitlist(_ request: Tillit_Booking_V1_JoinWaitlistRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_JoinWaitlistResponse
    {
        let caller = try Caller.current(context)
        let client: String
        if caller.isClient {
            let named = try Self.optionalAccountID(request.clientID, field: "client_id")
            try caller.require(named == nil || named == caller.id, "put another client on the waitlist")
            client = caller.id
        } else {
            client = try Self.accountID(request.clientID, field: "client_id")
        }
        let practitioner = try Self.optionalAccountID(request.practitionerID, field: "practitioner_id")
        let sessionType = try Validation.id(request.sessionTypeID, field: "session_type_id")
        let window = try request.window.validMillis(field: "window", maximumDays: 366)
        guard window.upperBound > nowMillis else {
            throw ServiceError.invalid("window.end", "must be in the future")
        }
        if caller.isStaff { try await directory.requireActiveClient(client, context: context) }
        if let practitioner {
            guard try await directory.practitioner(practitioner, context: context).bookable else {
                throw ServiceError.failedPrecondition("the practitioner is not bookable")
            }
        }
        let record = WaitlistRecord(
            id: "", clientID: client, practitionerID: practitioner, sessionTypeID: sessionType,
            window: window,
            status: .waiting, joinedAt: 0, offeredPractitionerID: nil, offeredLocationID: nil,
            offeredStart: nil,
            offerExpiresAt: nil, appointmentID: nil)
        let stored = try await store.joinWaitlist(record, by: caller)
        return .with { $0.entry = stored.proto }
    }

    func leaveWaitlist(_ request: Tillit_Booking_V1_WaitlistEntryRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_WaitlistEntryResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.entryID, field: "entry_id")
        let record = try await store.leaveWaitlist(id, by: caller) { Self.mayUse($0, caller: caller) }
        return .with { $0.entry = record.proto }
    }

    func acceptWaitlistOffer(_ request: Tillit_Booking_V1_WaitlistEntryRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_WaitlistEntryResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.entryID, field: "entry_id")
        let accepted = try await store.acceptOffer(id, by: caller) { Self.mayUse($0, caller: caller) }
        return .with {
            $0.entry = accepted.entry.proto
            $0.appointment = accepted.appointment.proto
        }
    }

    func listWaitlist(_ request: Tillit_Booking_V1_ListWaitlistRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_ListWaitlistResponse
    {
        let caller = try Caller.current(context)
        let status: WaitlistRecord.Status? =
            switch request.status {
            case .unspecified: nil
            case .waiting: .waiting
            case .offered: .offered
            case .booked: .booked
            case .expired: .expired
            case .left: .left
            case .UNRECOGNIZED: throw ServiceError.invalid("status", "is not a known status")
            }
        let page = try Page(request.page)
        let records = try await store.waitlist(
            client: caller.isClient ? caller.id : nil, status: status, after: try page.timeKey(),
            limit: page.size + 1, for: caller)
        let (kept, next) = page.split(records) { "\($0.joinedAt)/\($0.id)" }
        return .with {
            $0.entries = kept.map(\.proto)
            $0.page = next
        }
    }

    /// A client uses its own entries; schedulers and admins any.
    static func mayUse(_ entry: WaitlistRecord, caller: Caller) -> Bool {
        caller.isClient ? entry.clientID == caller.id : runsCalendars(caller)
    }
}

extension WaitlistRecord {
    /// The wire form.
    var proto: Tillit_Booking_V1_WaitlistEntry {
        .with {
            $0.id = id
            $0.clientID = BookingWire.account(clientID)
            if let practitionerID { $0.practitionerID = BookingWire.account(practitionerID) }
            $0.sessionTypeID = sessionTypeID
            $0.window = Tillit_Common_V1_TimeRange(millis: window)
            $0.status =
                switch status {
                case .waiting: .waiting
                case .offered: .offered
                case .booked: .booked
                case .expired: .expired
                case .left: .left
                }
            $0.joinedAt = BookingWire.timestamp(joinedAt)
            if let offeredPractitionerID {
                $0.offeredPractitionerID = BookingWire.account(offeredPractitionerID)
            }
            $0.offeredLocationID = offeredLocationID ?? ""
            if let offeredStart { $0.offeredStart = BookingWire.timestamp(offeredStart) }
            if let offerExpiresAt { $0.offerExpiresAt = BookingWire.timestamp(offerExpiresAt) }
            $0.appointmentID = appointmentID ?? ""
        }
    }
}
