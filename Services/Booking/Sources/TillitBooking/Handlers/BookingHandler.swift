import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// Booking's rpcs: each handler takes the caller (`Caller.current`), validates the request,
/// decides the finer authorisation cells, asks Identity what it must (relaying the caller's
/// token, `IdentityDirectory`), calls one store method and maps the result to the wire. The
/// groups are in `BookingHandler+<Group>.swift`.
struct BookingHandler: Tillit_Booking_V1_BookingService {
    /// The transactions.
    let store: BookingStore
    /// Questions to Identity.
    let directory: IdentityDirectory
    /// Booking's settings.
    let configuration: BookingConfiguration

    /// Now, in milliseconds.
    var nowMillis: Int64 { store.nowMillis }

    /// A required account id field.
    static func accountID(_ id: Tillit_Common_V1_AccountId, field: String) throws -> String {
        try Validation.id(id.value, field: field)
    }

    /// An optional account id field: nil when absent or empty.
    static func optionalAccountID(_ id: Tillit_Common_V1_AccountId, field: String) throws -> String? {
        id.value.isEmpty ? nil : try Validation.id(id.value, field: field)
    }

    /// Whether the caller runs every calendar (admin, scheduler).
    static func runsCalendars(_ caller: Caller) -> Bool {
        caller.isStaff(anyOf: [.admin, .scheduler])
    }

    /// PERMISSION_DENIED unless the caller may manage `practitioner`'s calendar: schedulers and
    /// admins any, a practitioner their own.
    static func requireCalendar(of practitioner: String, caller: Caller) throws {
        try caller.require(
            runsCalendars(caller) || caller.id == practitioner, "manage another practitioner's calendar")
    }

    /// Whether the caller may act on `appointment` (cancel, move): its client; its practitioner;
    /// schedulers and admins.
    static func mayManage(_ appointment: AppointmentRecord, caller: Caller) -> Bool {
        if caller.isClient { return appointment.clientID == caller.id }
        return runsCalendars(caller) || (caller.has(.practitioner) && appointment.practitionerID == caller.id)
    }

    /// Whether the caller may see `appointment`: its client; any staff.
    static func maySee(_ appointment: AppointmentRecord, caller: Caller) -> Bool {
        caller.isClient ? appointment.clientID == caller.id : caller.isStaff
    }
}
