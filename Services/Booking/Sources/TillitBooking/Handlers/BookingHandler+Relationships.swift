import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension BookingHandler {
    func verifyCareRelationship(
        _ request: Tillit_Booking_V1_VerifyCareRelationshipRequest, context: ServerContext
    )
        async throws -> Tillit_Booking_V1_VerifyCareRelationshipResponse
    {
        let caller = try Caller.current(context)
        let practitioner = try Self.accountID(request.practitionerID, field: "practitioner_id")
        let client = try Self.accountID(request.clientID, field: "client_id")
        let relationship = try await store.careRelationship(
            practitioner: practitioner, client: client, for: caller)
        return .with {
            $0.active = relationship.active
            $0.basis = relationship.basis.map {
                switch $0 {
                case .futureAppointment: .futureAppointment
                case .recentAttendance: .recentAttendance
                case .activeAgreement: .activeAgreement
                }
            }
            if let until = relationship.holdsUntil { $0.holdsUntil = BookingWire.timestamp(until) }
        }
    }

    func directContactHours(_ request: Tillit_Booking_V1_DirectContactHoursRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_DirectContactHoursResponse
    {
        let caller = try Caller.current(context)
        let practitioner = try Self.accountID(request.practitionerID, field: "practitioner_id")
        if caller.isStaff {
            try caller.require(
                caller.isAdmin || caller.has(.supervisor) || practitioner == caller.id,
                "read another practitioner's contact hours")
        }
        let ranges: [Range<Int64>]
        if request.periods.isEmpty {
            ranges = [try request.during.validMillis(field: "during", maximumDays: 731)]
        } else {
            guard !request.hasDuring else {
                throw ServiceError.invalid("during", "must be absent when periods are given")
            }
            guard request.periods.count <= 400 else {
                throw ServiceError.invalid("periods", "must be at most 400")
            }
            ranges = try request.periods.enumerated().map {
                try $1.validMillis(field: "periods[\($0)]", maximumDays: 731)
            }
        }
        let minutes = try await store.contactMinutes(practitioner: practitioner, ranges: ranges, for: caller)
        return .with {
            $0.attendedMinutes = UInt64(minutes.reduce(0) { $0 + $1.booked })
            $0.actualMinutes = UInt64(minutes.reduce(0) { $0 + $1.actual })
            $0.appointments = UInt32(minutes.reduce(0) { $0 + $1.appointments })
            if !request.periods.isEmpty {
                $0.periods = minutes.map { period in
                    .with {
                        $0.attendedMinutes = UInt64(period.booked)
                        $0.actualMinutes = UInt64(period.actual)
                        $0.appointments = UInt32(period.appointments)
                    }
                }
            }
        }
    }

    func checkContactWindow(_ request: Tillit_Booking_V1_CheckContactWindowRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_CheckContactWindowResponse
    {
        _ = try Caller.current(context)
        let practitioner = try Self.accountID(request.practitionerID, field: "practitioner_id")
        let at = request.hasAt ? try request.at.validMillis(field: "at") : nowMillis
        // The practitioner must be staff of the practice; the policy is the practice's.
        async let facts = directory.practitioner(practitioner, context: context)
        async let policyAnswer = directory.contactPolicy(context: context)
        let (_, answer) = try await (facts, policyAnswer)
        let window = ContactWindow(policy: answer.policy, timeZone: answer.timeZone)
        let verdict = window.check(at: at)
        return .with {
            $0.within = verdict.within
            $0.timeZone = window.timeZone
            $0.localTime = verdict.localTime
            if let next = verdict.nextStart { $0.nextWindowStart = BookingWire.timestamp(next) }
            if !verdict.within {
                $0.rule = verdict.rule
                $0.emergencyInstructions = answer.policy.emergencyInstructions
                $0.crisisLines = answer.policy.crisisLines
            }
        }
    }
}
