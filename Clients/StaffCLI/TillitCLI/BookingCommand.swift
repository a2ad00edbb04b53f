import ArgumentParser
import Foundation

/// `tillit booking`: session types, availability, slots, appointments, policy, intake,
/// check-ins, contact window, care relationship, contact hours, agreements and the waitlist,
/// through Booking.
struct BookingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "booking",
        abstract: "Session types, availability, slots and appointments (Booking).",
        discussion: """
            Booking is at --booking-addr, else TILLIT_BOOKING_ADDR, else the config file, else \
            127.0.0.1:7102; the session of `tillit login` is used (Identity as for every command). \
            Times are shown and read in --zone, else your own zone as a client, else the practice's; \
            a time is "2026-03-30 10:00" in that zone, an RFC 3339 time with an offset, or "now". \
            `me` stands for your own account id. Exit codes as for every command; a booking that \
            would overlap another (FAILED_PRECONDITION) exits 67.

            Examples:
              tillit booking session-types list
              tillit booking slots --session-type <id> --city Stockholm --language sv --days 14
              tillit booking book --session-type <id> --practitioner <id> --location <id> \\
                --client <id> --start "2026-03-30 10:00"
              tillit booking appointments list --practitioner me
              tillit booking cancel <appointment id> --reason "ill"
              tillit booking agreements show <agreement id>
              tillit booking waitlist list --status offered
            """,
        subcommands: [
            BookingSessionTypesCommand.self, BookingAvailabilityCommand.self, BookingExceptionsCommand.self,
            BookingSlotsCommand.self, BookingBookCommand.self, BookingCancelCommand.self,
            BookingRescheduleCommand.self, BookingAttendedCommand.self, BookingNoShowCommand.self,
            BookingAppointmentsCommand.self, BookingPolicyCommand.self, BookingIntakeCommand.self,
            BookingCheckInsCommand.self, BookingContactWindowCommand.self, BookingCareCommand.self,
            BookingContactHoursCommand.self, BookingAgreementsCommand.self, BookingWaitlistCommand.self,
        ])
}
