import TillitContracts
import TillitServiceKit

/// Who may call each Booking method at all — docs/booking.md's authorisation matrix at the
/// level of account kinds and roles, enforced before the handler runs. The handlers then apply
/// the finer cells ("own" appointments, a practitioner's own calendar) from stored facts. The
/// matrix test iterates this table.
public enum BookingAccessPolicy {
    private typealias M = Tillit_Booking_V1_Booking.Method

    /// Staff who run calendars.
    private static let calendarStaff = AccessRule.staff(.admin, .scheduler, .practitioner)

    /// The table; Booking has no `@public` rpc (Health is the host's).
    public static let policy = AccessPolicy([
        M.createSessionType: .staff(.admin),
        M.updateSessionType: .staff(.admin),
        M.archiveSessionType: .staff(.admin),
        M.listSessionTypes: .anyAccount,
        M.setAvailability: calendarStaff,
        M.listAvailability: .staff() | .clients,
        M.addAvailabilityException: calendarStaff,
        M.removeAvailabilityException: calendarStaff,
        M.listAvailabilityExceptions: .staff(),
        M.searchSlots: .staff() | .clients,
        M.bookAppointment: calendarStaff | .clients,
        M.cancelAppointment: calendarStaff | .clients,
        M.rescheduleAppointment: calendarStaff | .clients,
        M.markAttended: .staff(.admin, .practitioner),
        M.markNoShow: .staff(.admin, .practitioner),
        M.getAppointment: .staff() | .clients,
        M.listAppointments: .staff() | .clients,
        M.getOverrunStatistics: .staff(.admin, .practitioner, .supervisor),
        M.getBookingPolicy: .anyAccount,
        M.setBookingPolicy: .staff(.admin),
        M.requestIntake: .clients,
        M.listIntakeRequests: calendarStaff | .clients,
        M.acceptIntake: .staff(.practitioner),
        M.declineIntake: .staff(.practitioner),
        M.withdrawIntake: .clients,
        M.markCheckIn: .staff(.practitioner),
        M.listDueCheckIns: .staff(.practitioner),
        M.closeCheckIn: .staff(.practitioner),
        M.submitFeedback: .clients,
        M.listFeedback: .staff(.admin, .practitioner) | .clients,
        M.proposeAgreement: .staff(.practitioner),
        M.acceptAgreement: .clients,
        M.declineAgreement: .clients,
        M.pauseAgreement: .staff(.admin, .practitioner) | .clients,
        M.resumeAgreement: .staff(.admin, .practitioner) | .clients,
        M.endAgreement: .staff(.admin, .practitioner) | .clients,
        M.getAgreement: calendarStaff | .clients,
        M.listAgreements: calendarStaff | .clients,
        M.joinWaitlist: .staff(.admin, .scheduler) | .clients,
        M.leaveWaitlist: .staff(.admin, .scheduler) | .clients,
        M.acceptWaitlistOffer: .staff(.admin, .scheduler) | .clients,
        M.listWaitlist: calendarStaff | .clients,
        M.verifyCareRelationship: .staff() | .services,
        M.directContactHours: .staff(.admin, .practitioner, .supervisor) | .services,
        M.checkContactWindow: .anyAccount,
        M.listAuditEvents: .staff(.admin) | .clients,
        M.verifyAuditChain: .staff(.admin),
        M.getAuditCheckpoint: .staff(.admin),
    ])
}
