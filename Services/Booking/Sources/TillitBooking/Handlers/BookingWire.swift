import Foundation
import TillitContracts
import TillitServiceKit

/// Conversions between Booking's records and the wire: enums both ways (an UNSPECIFIED or
/// unknown wire value is INVALID_ARGUMENT naming the field), records to messages.
enum BookingWire {
    static func modality(_ wire: Tillit_Booking_V1_Modality, field: String) throws -> Modality {
        switch wire {
        case .inPerson: .inPerson
        case .video: .video
        case .phone: .phone
        case .unspecified, .UNRECOGNIZED: throw ServiceError.invalid(field, "a modality is required")
        }
    }

    static func modality(_ value: Modality) -> Tillit_Booking_V1_Modality {
        switch value {
        case .inPerson: .inPerson
        case .video: .video
        case .phone: .phone
        }
    }

    static func status(_ value: AppointmentStatus) -> Tillit_Booking_V1_AppointmentStatus {
        switch value {
        case .booked: .booked
        case .cancelled: .cancelled
        case .rescheduled: .rescheduled
        case .attended: .attended
        case .noShow: .noShow
        }
    }

    /// nil for UNSPECIFIED (every status).
    static func status(_ wire: Tillit_Booking_V1_AppointmentStatus, field: String) throws
        -> AppointmentStatus?
    {
        switch wire {
        case .unspecified: nil
        case .booked: .booked
        case .cancelled: .cancelled
        case .rescheduled: .rescheduled
        case .attended: .attended
        case .noShow: .noShow
        case .UNRECOGNIZED: throw ServiceError.invalid(field, "is not a known status")
        }
    }

    static func exceptionKind(_ wire: Tillit_Booking_V1_ExceptionKind, field: String) throws -> ExceptionKind
    {
        switch wire {
        case .blocked: .blocked
        case .extraHours: .extraHours
        case .unspecified, .UNRECOGNIZED: throw ServiceError.invalid(field, "a kind is required")
        }
    }

    static func exceptionKind(_ value: ExceptionKind) -> Tillit_Booking_V1_ExceptionKind {
        switch value {
        case .blocked: .blocked
        case .extraHours: .extraHours
        }
    }

    static func restUnit(_ wire: Tillit_Booking_V1_RestUnit, field: String) throws -> RestUnit {
        switch wire {
        case .days: .days
        case .weeks: .weeks
        case .months: .months
        case .unspecified, .UNRECOGNIZED: throw ServiceError.invalid(field, "a unit is required")
        }
    }

    static func restUnit(_ value: RestUnit) -> Tillit_Booking_V1_RestUnit {
        switch value {
        case .days: .days
        case .weeks: .weeks
        case .months: .months
        }
    }

    static func intakeStatus(_ value: IntakeStatus) -> Tillit_Booking_V1_IntakeStatus {
        switch value {
        case .open: .open
        case .accepted: .accepted
        case .declined: .declined
        case .withdrawn: .withdrawn
        }
    }

    /// nil for UNSPECIFIED (every status).
    static func intakeStatus(_ wire: Tillit_Booking_V1_IntakeStatus, field: String) throws -> IntakeStatus? {
        switch wire {
        case .unspecified: nil
        case .open: .open
        case .accepted: .accepted
        case .declined: .declined
        case .withdrawn: .withdrawn
        case .UNRECOGNIZED: throw ServiceError.invalid(field, "is not a known status")
        }
    }

    static func checkInStatus(_ value: CheckInStatus) -> Tillit_Booking_V1_CheckInStatus {
        switch value {
        case .marked: .marked
        case .done: .done
        case .cancelled: .cancelled
        }
    }

    static func weekday(_ wire: Tillit_Identity_V1_Weekday, field: String) throws -> Int {
        switch wire {
        case .unspecified, .UNRECOGNIZED: throw ServiceError.invalid(field, "a weekday is required")
        default: wire.rawValue
        }
    }

    static func weekday(_ value: Int) -> Tillit_Identity_V1_Weekday {
        Tillit_Identity_V1_Weekday(rawValue: value) ?? .unspecified
    }

    /// A price: an ISO 4217 code (three upper-case letters) and minor units from 0 to 10^11;
    /// INVALID_ARGUMENT naming `field`.
    static func price(_ wire: Tillit_Common_V1_Money, field: String) throws -> (currency: String, minorUnits: Int64) {
        let currency = wire.currency
        guard currency.utf8.count == 3, currency.utf8.allSatisfy({ (65...90).contains($0) }) else {
            throw ServiceError.invalid("\(field).currency", "must be an ISO 4217 code, e.g. SEK")
        }
        guard (0...100_000_000_000).contains(wire.minorUnits) else {
            throw ServiceError.invalid("\(field).minor_units", "must be from 0 to 100000000000")
        }
        return (currency, wire.minorUnits)
    }

    static func timestamp(_ millis: Int64) -> Tillit_Common_V1_Timestamp {
        Tillit_Common_V1_Timestamp(millis: millis)
    }

    static func account(_ id: String) -> Tillit_Common_V1_AccountId {
        Tillit_Common_V1_AccountId(id)
    }
}

extension SessionTypeRecord {
    /// The wire form.
    var proto: Tillit_Booking_V1_SessionType {
        .with {
            $0.id = id
            $0.name = name
            $0.durationMinutes = UInt32(durationMinutes)
            $0.bufferAfterMinutes = UInt32(bufferAfterMinutes)
            $0.modality = BookingWire.modality(modality)
            $0.capacity = UInt32(capacity)
            $0.price.currency = currency
            $0.price.minorUnits = priceMinorUnits
            $0.active = active
            $0.createdAt = BookingWire.timestamp(createdAt)
        }
    }
}

extension AvailabilityRecord {
    /// The wire form.
    var proto: Tillit_Booking_V1_Availability {
        .with {
            $0.practitionerID = BookingWire.account(practitionerID)
            $0.locationID = locationID
            $0.timeZone = timeZone
            $0.rules = rules.map { rule in
                .with {
                    $0.weekday = BookingWire.weekday(rule.weekday)
                    $0.startMinute = UInt32(rule.startMinute)
                    $0.endMinute = UInt32(rule.endMinute)
                }
            }
            $0.sessionTypeIds = sessionTypeIDs
            $0.slotStepMinutes = UInt32(slotStepMinutes)
            $0.updatedAt = BookingWire.timestamp(updatedAt)
        }
    }
}

extension ExceptionRecord {
    /// The wire form.
    var proto: Tillit_Booking_V1_AvailabilityException {
        .with {
            $0.id = id
            $0.practitionerID = BookingWire.account(practitionerID)
            $0.kind = BookingWire.exceptionKind(kind)
            $0.during = Tillit_Common_V1_TimeRange(millis: during)
            $0.locationID = locationID ?? ""
            $0.reason = reason
            $0.createdAt = BookingWire.timestamp(createdAt)
        }
    }
}

extension AppointmentRecord {
    /// The wire form.
    var proto: Tillit_Booking_V1_Appointment {
        .with {
            $0.id = id
            $0.practitionerID = BookingWire.account(practitionerID)
            $0.clientID = BookingWire.account(clientID)
            $0.sessionTypeID = sessionTypeID
            $0.locationID = locationID
            $0.time = Tillit_Common_V1_TimeRange(millis: startsAt..<endsAt)
            $0.bufferAfterMinutes = UInt32((blockedUntil - endsAt) / 60_000)
            $0.status = BookingWire.status(status)
            $0.bookedBy = BookingWire.account(bookedBy)
            $0.bookedAt = BookingWire.timestamp(bookedAt)
            if let cancelledAt { $0.cancelledAt = BookingWire.timestamp(cancelledAt) }
            if let cancelledBy { $0.cancelledBy = BookingWire.account(cancelledBy) }
            $0.late = late
            $0.cancelReason = cancelReason
            $0.rescheduledFrom = rescheduledFrom ?? ""
            $0.rescheduledTo = rescheduledTo ?? ""
            if let actualStart, let actualEnd {
                $0.actual = Tillit_Common_V1_TimeRange(millis: actualStart..<actualEnd)
            }
            if let markedAt { $0.markedAt = BookingWire.timestamp(markedAt) }
            if let markedBy { $0.markedBy = BookingWire.account(markedBy) }
            $0.capacity = UInt32(capacity)
            $0.price.currency = currency
            $0.price.minorUnits = priceMinorUnits
            $0.modality = BookingWire.modality(modality)
        }
    }
}

extension BookingPolicyRecord {
    /// The wire form.
    var proto: Tillit_Booking_V1_BookingPolicy {
        .with {
            $0.cancellationWindowMinutes = UInt32(cancellationWindowMinutes)
            $0.minimumNoticeMinutes = UInt32(minimumNoticeMinutes)
            $0.careRelationshipDays = UInt32(careRelationshipDays)
            $0.cancellationTerms = cancellationTerms
            if let updatedAt { $0.updatedAt = BookingWire.timestamp(updatedAt) }
            if let updatedBy { $0.updatedBy = BookingWire.account(updatedBy) }
        }
    }
}

extension IntakeRecord {
    /// The wire form.
    var proto: Tillit_Booking_V1_IntakeRequest {
        .with {
            $0.id = id
            $0.clientID = BookingWire.account(clientID)
            if let practitionerID { $0.practitionerID = BookingWire.account(practitionerID) }
            $0.message = message
            $0.status = BookingWire.intakeStatus(status)
            $0.createdAt = BookingWire.timestamp(createdAt)
            if let decidedBy { $0.decidedBy = BookingWire.account(decidedBy) }
            if let decidedAt { $0.decidedAt = BookingWire.timestamp(decidedAt) }
            $0.declineReason = declineReason
            $0.referralSuggestion = referralSuggestion
        }
    }
}

extension CheckInRecord {
    /// The wire form.
    var proto: Tillit_Booking_V1_CheckIn {
        .with {
            $0.id = id
            $0.practitionerID = BookingWire.account(practitionerID)
            $0.clientID = BookingWire.account(clientID)
            $0.restAmount = UInt32(restAmount)
            $0.restUnit = BookingWire.restUnit(restUnit)
            $0.markedAt = BookingWire.timestamp(markedAt)
            $0.dueAt = BookingWire.timestamp(dueAt)
            $0.status = BookingWire.checkInStatus(status)
            $0.reason = reason
            if let closedAt { $0.closedAt = BookingWire.timestamp(closedAt) }
        }
    }
}

extension FeedbackRecord {
    /// The wire form.
    var proto: Tillit_Booking_V1_Feedback {
        .with {
            $0.id = id
            $0.clientID = BookingWire.account(clientID)
            $0.practitionerID = BookingWire.account(practitionerID)
            $0.appointmentID = appointmentID ?? ""
            $0.rating = UInt32(rating)
            $0.text = text
            $0.submittedAt = BookingWire.timestamp(submittedAt)
        }
    }
}
