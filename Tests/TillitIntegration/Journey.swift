import Foundation
import TillitContracts
import TillitRPC

/// A care journey across the services: a name for people and what it does on a stack.
public struct Journey: Sendable {
    /// What the journey is, as a practice would say it.
    public let name: String
    /// Runs it; throws an `IntegrationFailure` (or the RPC error) when the system does not
    /// behave as the journey expects.
    public let run: @Sendable (IntegrationStack) async throws -> Void

    /// Every journey, in the issue's order (the first, the practice's set-up, is part of each).
    public static let all: [Journey] = [
        Journey(
            name:
                "2: search across the team in the client's zone, book, cancel late, switch; consent gates the notes"
        ) {
            try await Journeys.switchingPractitioner($0)
        },
        Journey(
            name:
                "3: an agreement after an intake; four weeks at the agreed local time; one moved; the top-up"
        ) {
            try await Journeys.agreementSeries($0)
        },
        Journey(
            name:
                "4: a pre-licensed practitioner's note returned, fixed, co-signed; the export and access log"
        ) {
            try await Journeys.coSignature($0)
        },
        Journey(name: "5: supervision hours beside direct contact; a verified period is locked") {
            try await Journeys.supervisionHours($0)
        },
        Journey(name: "6: three out-of-hours contacts flag the practitioner; the contact window at night") {
            try await Journeys.boundaryIncidents($0)
        },
        Journey(name: "7: no follow-up unless marked, never before its rest; feedback only when given") {
            try await Journeys.noChasing($0)
        },
        Journey(name: "9: a second practice reaches nothing of the first, through any service") {
            try await Journeys.tenantIsolation($0)
        },
        Journey(name: "10: the co-signature journey with every staff step through the real tillit binary") {
            try await Journeys.staffAtTheirTerminals($0)
        },
    ]

    /// Journey 8, which kills and restarts services: only on a stack that started them.
    public static let crashes = Journey(
        name:
            "8: each service SIGKILLed mid-journey and restarted; nothing acknowledged lost; every chain verifies"
    ) {
        try await Journeys.killEachService($0)
    }
}

/// The journeys' steps and checks.
public enum Journeys {
    /// Fails the journey with `message` unless `condition` holds.
    static func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw IntegrationFailure(message()) }
    }

    /// Runs `body`, which must fail with one of `codes`; fails the journey otherwise.
    @discardableResult
    static func refused<T>(
        _ codes: Set<StatusCode>, _ what: String, _ body: () async throws -> T
    ) async throws -> RPCError {
        do {
            let answer = try await body()
            throw IntegrationFailure(
                "\(what): expected \(codes.map { "\($0)" }.sorted()), got an answer: \(answer)")
        } catch let error as RPCError {
            guard codes.contains(error.code) else {
                throw IntegrationFailure("\(what): expected \(codes.map { "\($0)" }.sorted()), got \(error)")
            }
            return error
        }
    }

    /// A time range from `from` to `to` seconds from now.
    static func range(from: TimeInterval, to: TimeInterval, now: Date = Date()) -> Tillit_Common_V1_TimeRange
    {
        .with {
            $0.start = .init(now.addingTimeInterval(from))
            $0.end = .init(now.addingTimeInterval(to))
        }
    }

    /// A one-section note body.
    static func body(_ text: String) -> Tillit_Notes_V1_NoteBody {
        .with {
            $0.template = .free
            $0.sections = [.with { $0.text = text }]
        }
    }

    /// The first free slot of `practitioner` for the practice's session type in `range`, shown in
    /// `zone`.
    static func slot(
        _ stack: IntegrationStack, _ practice: CarePractice, of practitioner: Person,
        in range: Tillit_Common_V1_TimeRange,
        zone: String = "", as caller: Person
    ) async throws -> Tillit_Booking_V1_Slot {
        var search = Tillit_Booking_V1_SearchSlotsRequest()
        search.sessionTypeID = practice.sessionType
        search.during = range
        search.practitionerIds = [practitioner.accountID]
        search.clientTimeZone = zone
        let slots = try await stack.booking.searchSlots(search, options: caller.options).slots
        guard let first = slots.first else {
            throw IntegrationFailure("no free slot of \(practitioner.email) in \(range)")
        }
        return first
    }

    /// `client` books `slot` for themself with `key`.
    static func book(
        _ stack: IntegrationStack, _ slot: Tillit_Booking_V1_Slot, key: String, as client: Person
    ) async throws -> Tillit_Booking_V1_Appointment {
        var request = Tillit_Booking_V1_BookAppointmentRequest()
        request.idempotencyKey = key
        request.sessionTypeID = slot.sessionTypeID
        request.practitionerID = slot.practitionerID
        request.locationID = slot.locationID
        request.start = slot.time.start
        return try await stack.booking.bookAppointment(request, options: client.options).appointment
    }
}
