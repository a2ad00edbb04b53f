import Foundation
import TillitBooking
import TillitContracts
import TillitRPC
import TillitServiceKit

/// Booking's tests and every service that calls Booking (Notes, Supervision) run against this:
/// a real Identity and a real Booking, in-process on ephemeral loopback ports over mutual TLS,
/// each with its own SQLite file; the practice of `Practice.make`; a session type and the
/// practitioner's weekly availability at the practice's location.
public struct BookingHarness: Sendable {
    /// The Identity it runs against.
    public let identity: IdentityHarness
    /// The practice of `Practice.make`.
    public let practice: Practice
    /// A Booking client.
    public let booking: Tillit_Booking_V1_Booking.Client
    /// The connection to Booking.
    public let bookingRPC: RPCClient
    /// Booking's host.
    public let bookingHost: ServiceHost
    /// Booking's data folder.
    public let bookingDirectory: String
    /// The port Booking listens on.
    public let bookingPort: Int
    /// Booking's clock (bookings, windows, check-ins); tokens are checked on Identity's.
    public let clock: TestClock
    /// The practice's (only) location.
    public let location: String
    /// The link from Booking to Identity (`cut()` it to take Identity away from Booking).
    public let identityLink: TCPRelay

    /// Call options for `role`.
    public func options(_ role: Practice.Role) -> CallOptions {
        var options = practice.options(role)
        options.timeout = .seconds(30)
        return options
    }

    /// The account id of `role`.
    public func id(_ role: Practice.Role) -> String { practice.id(role) }

    /// Creates a session type (as admin).
    public func sessionType(
        name: String = "Samtal 50", minutes: UInt32 = 50, buffer: UInt32 = 10, capacity: UInt32 = 1
    ) async throws -> Tillit_Booking_V1_SessionType {
        try await booking.createSessionType(
            .with {
                $0.sessionType.name = name
                $0.sessionType.durationMinutes = minutes
                $0.sessionType.bufferAfterMinutes = buffer
                $0.sessionType.modality = .inPerson
                $0.sessionType.capacity = capacity
                $0.sessionType.price.currency = "SEK"
                $0.sessionType.price.minorUnits = 95_000
            }, options: options(.admin)
        ).sessionType
    }

    /// Sets the practitioner's weekly availability at the location (as the scheduler).
    @discardableResult
    public func availability(
        _ rules: [(Tillit_Identity_V1_Weekday, Int, Int)], zone: String = "Europe/Stockholm",
        step: UInt32 = 0,
        practitioner: String? = nil
    ) async throws -> Tillit_Booking_V1_Availability {
        try await booking.setAvailability(
            .with {
                $0.availability.practitionerID.value = practitioner ?? id(.practitioner)
                $0.availability.locationID = location
                $0.availability.timeZone = zone
                $0.availability.slotStepMinutes = step
                $0.availability.rules = rules.map { rule in
                    .with {
                        $0.weekday = rule.0
                        $0.startMinute = UInt32(rule.1)
                        $0.endMinute = UInt32(rule.2)
                    }
                }
            }, options: options(.scheduler)
        ).availability
    }

    /// Every weekday 09:00–17:00.
    @discardableResult
    public func weekdays(practitioner: String? = nil) async throws -> Tillit_Booking_V1_Availability {
        try await availability(
            [.monday, .tuesday, .wednesday, .thursday, .friday].map { ($0, 9 * 60, 17 * 60) },
            practitioner: practitioner)
    }

    /// A booking request for the practice's client with the practitioner.
    public func request(
        _ type: Tillit_Booking_V1_SessionType, at start: Date, key: String = UUID().uuidString,
        client: String? = nil
    ) -> Tillit_Booking_V1_BookAppointmentRequest {
        .with {
            $0.idempotencyKey = key
            $0.sessionTypeID = type.id
            $0.practitionerID.value = id(.practitioner)
            $0.locationID = location
            $0.start = Tillit_Common_V1_Timestamp(millis: Int64(start.timeIntervalSince1970 * 1000))
            $0.clientID.value = client ?? id(.client)
        }
    }

    /// Slots of `type` in `[from, from + days)`.
    public func slots(
        _ type: Tillit_Booking_V1_SessionType, from: Date, days: Double, zone: String = "Europe/Stockholm",
        as role: Practice.Role = .client, pageSize: UInt32 = 500
    ) async throws -> [Tillit_Booking_V1_Slot] {
        try await booking.searchSlots(
            .with {
                $0.sessionTypeID = type.id
                $0.during.start = Tillit_Common_V1_Timestamp(millis: Int64(from.timeIntervalSince1970 * 1000))
                $0.during.end = Tillit_Common_V1_Timestamp(
                    millis: Int64(from.addingTimeInterval(days * 86400).timeIntervalSince1970 * 1000))
                $0.clientTimeZone = zone
                $0.page.pageSize = pageSize
            }, options: options(role)
        ).slots
    }
}

/// An instant from RFC 3339 text (tests write times the way people read them).
public func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { fatalError("not RFC 3339: \(text)") }
    return date
}

/// Runs `body` against a real Identity (with `Practice.make`) and a real Booking pointed at it.
/// Booking's clock starts at `start` (default: next Monday 08:00 UTC, so the policy's minimum
/// notice does not hide the first slots).
public func withBooking<T: Sendable>(
    start: Date? = nil, dataDirectory: String? = nil,
    _ body: @Sendable (BookingHarness) async throws -> T
) async throws -> T {
    try await withIdentity { identity in
        let practice = try await Practice.make(identity)
        let organization = try await identity.identity.getOrganization(
            .init(), options: practice.options(.admin)
        ).organization
        let clock = TestClock(start ?? defaultBookingStart())
        let identityClock = identity.clock
        let link = try await TCPRelay.start(to: identity.port)
        defer { Task { await link.close() } }
        return try await withRunningService(
            .booking, dataDirectory: dataDirectory,
            environment: [ServiceName.identity.addressVariable: "127.0.0.1:\(link.port)"],
            makeHost: { configuration in
                var settings = BookingConfiguration()
                settings.housekeepingInterval = .milliseconds(200)
                // Generous: on a busy machine Identity may take seconds; a cut link is refused at once.
                settings.identityTimeout = .seconds(30)
                return try BookingServer.makeHost(
                    configuration: configuration, booking: settings, logger: quietLogger,
                    now: { clock.now() },
                    tokenClock: { identityClock.now() })
            }
        ) { service in
            try await body(
                BookingHarness(
                    identity: identity, practice: practice,
                    booking: Tillit_Booking_V1_Booking.Client(service.rpc),
                    bookingRPC: service.rpc, bookingHost: service.host,
                    bookingDirectory: service.dataDirectory, bookingPort: service.port,
                    clock: clock, location: organization.locations[0].id, identityLink: link))
        }
    }
}

/// Monday 2026-03-23 06:00 UTC (07:00 in Stockholm): a week before Europe's spring change.
public func defaultBookingStart() -> Date {
    instant("2026-03-23T06:00:00Z")
}
