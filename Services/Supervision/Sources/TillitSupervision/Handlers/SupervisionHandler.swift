import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// Supervision's rpcs: each handler takes the caller (`Caller.current`), validates the request,
/// decides from the relationships who may do what, asks Identity, Booking or Notes with the
/// caller's token relayed where the answer lives there, calls one store method and maps the
/// result to the wire (`SupervisionWire`). The groups are in `SupervisionHandler+<Group>.swift`.
struct SupervisionHandler: Tillit_Supervision_V1_SupervisionService {
    /// The transactions.
    let store: SupervisionStore
    /// Identity, Booking and Notes.
    let dependencies: SupervisionDependencies
    /// The practices' zones.
    let zones: PracticeZones
    /// Supervision's settings.
    let configuration: SupervisionConfiguration

    /// A required account id field.
    static func accountID(_ id: Tillit_Common_V1_AccountId, field: String) throws -> String {
        try Validation.id(id.value, field: field)
    }

    /// An optional account id field (nil when empty).
    static func optionalAccountID(_ id: Tillit_Common_V1_AccountId, field: String) throws -> String? {
        id.value.isEmpty ? nil : try Validation.id(id.value, field: field)
    }

    /// A required date field.
    static func date(_ date: Tillit_Common_V1_Date, present: Bool, field: String) throws -> CivilDate {
        guard present else { throw ServiceError.invalid(field, "is required") }
        return try date.civil(field: field)
    }

    /// A required text of 1…`max` bytes.
    static func requiredText(_ value: String, field: String, max: Int) throws -> String {
        let text = try Validation.text(value, field: field, max: max)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ServiceError.invalid(field, "is required")
        }
        return text
    }

    /// The zone clock of the caller's practice (Identity, cached).
    func practiceClock(_ caller: Caller) async throws -> ZoneClock {
        try await zones.clock(of: caller.organization) { try await dependencies.practiceZone() }
    }

    /// Today in the caller's practice.
    func today(_ caller: Caller) async throws -> CivilDate {
        try await practiceClock(caller).date(atMillis: store.nowMillis)
    }

    /// INVALID_ARGUMENT unless `date` is not after today in the practice.
    func requireNotFuture(_ date: CivilDate, field: String, caller: Caller) async throws {
        let today = try await today(caller)
        guard date <= today else { throw ServiceError.invalid(field, "must not be after today (\(today))") }
    }

    /// Whether the caller supervises `supervisee` in a relationship that has not ended
    /// (`includeEnded`: or ever did).
    func supervises(_ supervisee: String, caller: Caller, includeEnded: Bool = false) async throws -> Bool {
        try await store.relationships(of: supervisee, includeEnded: includeEnded, for: caller).contains {
            $0.supervisorID == caller.id && $0.superviseeID == supervisee
        }
    }

    /// The supervisee a call is about: the caller themself, or (their supervisor) the one named;
    /// anyone else is told the supervisee is not theirs.
    func superviseeInScope(
        _ id: Tillit_Common_V1_AccountId, field: String, caller: Caller, includeEnded: Bool = false
    ) async throws -> String {
        guard let supervisee = try Self.optionalAccountID(id, field: field), supervisee != caller.id else {
            return caller.id
        }
        try caller.require(
            try await supervises(supervisee, caller: caller, includeEnded: includeEnded),
            "act for a practitioner you do not supervise")
        return supervisee
    }

    /// The supervisor of `supervisee` for a session on `date` (or now, with `date` nil): the one
    /// named, or the only one whose relationship holds then.
    func supervisor(
        of supervisee: String, named: String?, on date: CivilDate?, caller: Caller
    ) async throws -> String {
        if let named { return named }
        let today = try await today(caller)
        let holding = try await store.relationships(of: supervisee, includeEnded: date != nil, for: caller)
            .filter { $0.superviseeID == supervisee && $0.holds(on: date ?? today) }
        let supervisors = Set(holding.map(\.supervisorID))
        guard supervisors.count == 1, let only = supervisors.first else {
            throw ServiceError.invalid(
                "supervisor_id",
                supervisors.isEmpty
                    ? "no supervision relationship holds on that date"
                    : "is required: more than one supervisor on that date")
        }
        return only
    }
}
