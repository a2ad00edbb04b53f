import Foundation
import TillitContracts

extension Names {
    /// Modality words.
    static let modalities: [(String, Tillit_Booking_V1_Modality)] = [
        ("in-person", .inPerson), ("video", .video), ("phone", .phone),
    ]

    /// Appointment status words.
    static let appointmentStatuses: [(String, Tillit_Booking_V1_AppointmentStatus)] = [
        ("booked", .booked), ("cancelled", .cancelled), ("rescheduled", .rescheduled),
        ("attended", .attended),
        ("no-show", .noShow),
    ]

    /// Availability exception kind words.
    static let exceptionKinds: [(String, Tillit_Booking_V1_ExceptionKind)] = [
        ("blocked", .blocked), ("extra-hours", .extraHours),
    ]

    /// Rest period unit words.
    static let restUnits: [(String, Tillit_Booking_V1_RestUnit)] = [
        ("days", .days), ("weeks", .weeks), ("months", .months),
    ]

    /// Intake request status words.
    static let intakeStatuses: [(String, Tillit_Booking_V1_IntakeStatus)] = [
        ("open", .open), ("accepted", .accepted), ("declined", .declined), ("withdrawn", .withdrawn),
    ]

    /// Check-in status words.
    static let checkInStatuses: [(String, Tillit_Booking_V1_CheckInStatus)] = [
        ("marked", .marked), ("done", .done), ("cancelled", .cancelled),
    ]

    /// Care relationship basis words.
    static let careBases: [(String, Tillit_Booking_V1_CareBasis)] = [
        ("future-appointment", .futureAppointment), ("recent-attendance", .recentAttendance),
        ("active-agreement", .activeAgreement),
    ]
}

extension Names {
    /// Agreement status words.
    static let agreementStatuses: [(String, Tillit_Booking_V1_AgreementStatus)] = [
        ("proposed", .proposed), ("active", .active), ("paused", .paused), ("declined", .declined),
        ("ended", .ended),
    ]

    /// Agreement occurrence status words.
    static let occurrenceStatuses: [(String, Tillit_Booking_V1_OccurrenceStatus)] = [
        ("booked", .booked), ("collision", .collision),
    ]

    /// Waitlist entry status words.
    static let waitlistStatuses: [(String, Tillit_Booking_V1_WaitlistStatus)] = [
        ("waiting", .waiting), ("offered", .offered), ("booked", .booked), ("expired", .expired),
        ("left", .left),
    ]
}
