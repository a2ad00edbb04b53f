import Foundation
import GRDB
import TillitContracts
import TillitIdentity
import TillitNotes
import TillitRPC
import TillitServiceKit

/// A real Identity, Booking and Notes, in-process on ephemeral loopback ports over mutual TLS,
/// each with its own SQLite file; the practice of `Practice.make` plus a second (licensed)
/// practitioner, the colleague, and a pre-licensed practitioner, the trainee, supervised by the
/// practice's supervisor. The practitioner and the trainee each have a booked appointment with
/// the client (a care relationship); the colleague has none until `book(_:)`.
public struct NotesHarness: Sendable {
    /// Identity, Booking and the people.
    public let world: NotesWorld
    public let notes: Tillit_Notes_V1_Notes.Client
    public let notesRPC: RPCClient
    public let notesDirectory: String
    /// Notes' port on loopback.
    public let notesPort: Int
    /// The links from Notes to Booking and to Identity (`cut()` them to take a dependency away).
    public let bookingLink: TCPRelay
    public let identityLink: TCPRelay

    public var booking: BookingHarness { world.booking }
    /// The colleague and the trainee: ids and access tokens.
    public var colleague: (id: String, token: String) { world.colleague }
    public var trainee: (id: String, token: String) { world.trainee }

    public var practice: Practice { booking.practice }
    public var identity: Tillit_Identity_V1_Identity.Client { booking.identity.identity }

    public func id(_ role: Practice.Role) -> String { practice.id(role) }

    /// Call options for `role`.
    public func options(_ role: Practice.Role) -> CallOptions {
        booking.options(role)
    }

    /// Call options carrying `token`.
    public func options(token: String) -> CallOptions {
        var options = IdentityHarness.auth(token)
        options.timeout = .seconds(30)
        return options
    }

    /// A free-text body.
    public static func body(_ text: String, heading: String = "") -> Tillit_Notes_V1_NoteBody {
        .with {
            $0.template = .free
            $0.sections = [
                .with {
                    $0.heading = heading
                    $0.text = text
                }
            ]
        }
    }

    /// Writes a note about the client (or `client`) as `options`' caller.
    @discardableResult
    public func write(
        _ text: String, kind: Tillit_Notes_V1_NoteKind = .session, sign: Bool = true, client: String? = nil,
        as options: CallOptions
    ) async throws -> Tillit_Notes_V1_Note {
        try await notes.createNote(
            .with {
                $0.clientID.value = client ?? id(.client)
                $0.kind = kind
                $0.body = Self.body(text)
                $0.sign = sign
            }, options: options
        ).note
    }

    /// Reads a note as `options`' caller.
    public func read(_ id: String, as options: CallOptions) async throws -> Tillit_Notes_V1_NoteView {
        try await notes.getNote(.with { $0.noteID = id }, options: options).view
    }

    /// Books an appointment with `practitioner` (`NotesWorld.book`).
    @discardableResult
    public func book(_ practitioner: String, client: String? = nil, day: Int = 1) async throws
        -> Tillit_Booking_V1_Appointment
    {
        try await world.book(practitioner, client: client, day: day)
    }

    /// Records the client's `share_with_practitioner` consent naming `practitioner` (as the client).
    public func consent(to practitioner: String) async throws -> String {
        try await identity.recordConsent(
            .with {
                $0.clientID.value = id(.client)
                $0.kind = .shareWithPractitioner
                $0.practitionerID.value = practitioner
            }, options: options(.client)
        ).consent.id
    }

    /// Revokes consent `consentID` (as the client).
    public func revoke(_ consentID: String) async throws {
        _ = try await identity.revokeConsent(.with { $0.consentID = consentID }, options: options(.client))
    }

    /// Notes' database file.
    public var databasePath: String { (notesDirectory as NSString).appendingPathComponent("notes.db") }

    /// A raw connection to Notes' database file beside the running service (what someone with
    /// the file could do; the schema's triggers still apply).
    public func raw() throws -> DatabaseQueue {
        try DatabaseQueue(path: databasePath)
    }

    /// Runs `sql` on a raw connection (outside the service; triggers apply).
    public func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try raw().write { try $0.execute(sql: sql, arguments: arguments) }
    }

    /// The names of the triggers guarding the audit chain.
    public func auditTriggers() throws -> [String] {
        try raw().read {
            try String.fetchAll(
                $0, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'"
            )
        }
    }

    /// The number of rows of `table` in Notes' database file.
    public func rows(_ table: String) throws -> Int {
        try raw().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}

/// What Notes runs against: a real Identity and Booking with the practice, the colleague, the
/// trainee, a session type, weekday availability and the two appointments.
public struct NotesWorld: Sendable {
    public let booking: BookingHarness
    public let colleague: (id: String, token: String)
    public let trainee: (id: String, token: String)
    public let sessionType: Tillit_Booking_V1_SessionType
}

/// Runs `body` against a real Identity, Booking and Notes (`NotesHarness`).
public func withNotes<T: Sendable>(
    dataDirectory: String? = nil, keys: NoteKeyRing? = nil, _ body: @Sendable (NotesHarness) async throws -> T
) async throws -> T {
    try await withNotesWorld { world in
        try await withNotesService(world, dataDirectory: dataDirectory, keys: keys, body)
    }
}

/// Runs `body` with a real Identity and Booking set up for Notes (`NotesWorld`); start Notes
/// on it (several times, for restarts) with `withNotesService`.
public func withNotesWorld<T: Sendable>(_ body: @Sendable (NotesWorld) async throws -> T) async throws -> T {
    try await withBooking { booking in
        let practice = booking.practice
        let admin = booking.options(.admin)
        func staff(_ email: String, licence: Tillit_Identity_V1_LicenceStatus, supervisor: String = "")
            async throws
            -> (id: String, token: String)
        {
            let account = try await booking.identity.identity.createStaffAccount(
                .with {
                    $0.email = email
                    $0.displayName = email
                    $0.roles = [.practitioner]
                    $0.profile.licenceStatus = licence
                    $0.profile.discipline = "psychologist"
                    $0.profile.supervisorID.value = supervisor
                    $0.initialPassword = IdentityHarness.password
                }, options: admin
            ).account
            let login = try await booking.identity.signIn(organization: practice.organization, email: email)
                .login
            return (account.id.value, login.tokens.accessToken)
        }
        let colleague = try await staff("colleague@stigen.se", licence: .licensed)
        let trainee = try await staff(
            "trainee@stigen.se", licence: .preLicensed, supervisor: practice.id(.supervisor))
        let type = try await booking.sessionType()
        for practitioner in [practice.id(.practitioner), colleague.id, trainee.id] {
            try await booking.weekdays(practitioner: practitioner)
        }
        let world = NotesWorld(booking: booking, colleague: colleague, trainee: trainee, sessionType: type)
        try await world.book(practice.id(.practitioner))
        try await world.book(trainee.id, day: 2)
        return try await body(world)
    }
}

extension NotesWorld {
    /// Books an appointment of the client (or `client`) with `practitioner` `day` days from now
    /// at 09:00 UTC (as the scheduler): a care relationship.
    @discardableResult
    public func book(_ practitioner: String, client: String? = nil, day: Int = 1) async throws
        -> Tillit_Booking_V1_Appointment
    {
        let start = booking.clock.now().addingTimeInterval(Double(day) * 86_400 + 3 * 3600)
        var request = booking.request(sessionType, at: start, client: client)
        request.practitionerID.value = practitioner
        return try await booking.booking.bookAppointment(request, options: booking.options(.scheduler))
            .appointment
    }
}

/// Runs `body` against a Notes started on `world` (in `dataDirectory`, or a fresh folder) with
/// `keys` (default: key files in the data folder); Notes runs on Booking's clock for its own
/// times and on Identity's for tokens, reaching both through relays the test can cut.
public func withNotesService<T: Sendable>(
    _ world: NotesWorld, dataDirectory: String? = nil, keys: NoteKeyRing? = nil,
    _ body: @Sendable (NotesHarness) async throws -> T
) async throws -> T {
    let booking = world.booking
    let identityClock = booking.identity.clock
    let bookingClock = booking.clock
    let toBooking = try await TCPRelay.start(to: booking.bookingPort)
    let toIdentity = try await TCPRelay.start(to: booking.identity.port)
    defer {
        Task {
            await toBooking.close()
            await toIdentity.close()
        }
    }
    return try await withRunningService(
        .notes, dataDirectory: dataDirectory,
        environment: [
            ServiceName.identity.addressVariable: "127.0.0.1:\(toIdentity.port)",
            ServiceName.booking.addressVariable: "127.0.0.1:\(toBooking.port)",
        ],
        makeHost: { configuration in
            var settings = NotesConfiguration()
            // Generous: on a machine kept busy by a parallel build Identity may take seconds; a
            // cut link is refused at once anyway.
            settings.dependencyTimeout = .seconds(30)
            return try NotesServer.makeHost(
                configuration: configuration, notes: settings, keys: keys, logger: quietLogger,
                now: { bookingClock.now() }, tokenClock: { identityClock.now() })
        }
    ) { service in
        try await body(
            NotesHarness(
                world: world, notes: Tillit_Notes_V1_Notes.Client(service.rpc), notesRPC: service.rpc,
                notesDirectory: service.dataDirectory, notesPort: service.port, bookingLink: toBooking,
                identityLink: toIdentity))
    }
}
