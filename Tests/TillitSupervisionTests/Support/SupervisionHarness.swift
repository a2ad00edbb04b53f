import Foundation
import GRDB
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitSupervision
import TillitTesting

/// A real Identity, Booking, Notes and Supervision, in-process on ephemeral loopback ports over
/// mutual TLS, each with its own SQLite file (`withNotes`'s world), plus a second supervisor of
/// the practice. The practice's supervisor supervises the trainee (pre-licensed, `cosign_all`,
/// from 2026-01-01, agreement approved 2026-01-15) and the practice has two hour categories.
/// Supervision reaches Identity, Booking and Notes through relays a test can cut.
struct SupervisionHarness: Sendable {
    let notes: NotesHarness
    let supervision: Tillit_Supervision_V1_Supervision.Client
    let supervisionRPC: RPCClient
    let supervisionDirectory: String
    let notesLink: TCPRelay
    let bookingLink: TCPRelay
    let identityLink: TCPRelay
    /// A second supervisor of the practice (supervises no one yet).
    let otherSupervisor: (id: String, token: String)
    /// The standing relationship of the supervisor and the trainee.
    let relationship: Tillit_Supervision_V1_Relationship

    static let categories = ["Individual supervision", "Group supervision"]

    var booking: BookingHarness { notes.booking }
    var practice: Practice { booking.practice }
    var trainee: (id: String, token: String) { notes.trainee }
    var colleague: (id: String, token: String) { notes.colleague }
    var identity: Tillit_Identity_V1_Identity.Client { booking.identity.identity }
    var clock: TestClock { booking.clock }

    func id(_ role: Practice.Role) -> String { practice.id(role) }

    /// Call options for `role`.
    func options(_ role: Practice.Role) -> CallOptions { booking.options(role) }

    /// Call options carrying `token`.
    func options(token: String) -> CallOptions { notes.options(token: token) }

    /// The trainee's call options.
    var asTrainee: CallOptions { options(token: trainee.token) }
    /// The other supervisor's call options.
    var asOtherSupervisor: CallOptions { options(token: otherSupervisor.token) }

    /// A civil date on the wire.
    static func date(_ year: Int, _ month: Int, _ day: Int) -> Tillit_Common_V1_Date {
        .with {
            $0.year = Int32(year)
            $0.month = Int32(month)
            $0.day = Int32(day)
        }
    }

    /// Logs a session of `minutes` on `date` for the trainee as `options`' caller.
    @discardableResult
    func logSession(
        _ date: Tillit_Common_V1_Date, minutes: UInt32 = 60, category: String = categories[0],
        supervisee: String? = nil, corrects: String = "", as options: CallOptions
    ) async throws -> Tillit_Supervision_V1_SupervisionSession {
        try await supervision.logSession(
            .with {
                $0.superviseeID.value = supervisee ?? trainee.id
                $0.kind = .individual
                $0.date = date
                $0.minutes = minutes
                $0.category = category
                $0.corrects = corrects
            }, options: options
        ).session
    }

    /// Logs an incident of `category` on `date` for the trainee as `options`' caller.
    func logIncident(
        _ category: Tillit_Supervision_V1_IncidentCategory, on date: Tillit_Common_V1_Date,
        text: String = "Klienten ringde sent", as options: CallOptions
    ) async throws -> Tillit_Supervision_V1_LogIncidentResponse {
        try await supervision.logIncident(
            .with {
                $0.superviseeID.value = trainee.id
                $0.category = category
                $0.date = date
                $0.text = text
            }, options: options)
    }

    /// Supervision's database file.
    var databasePath: String { (supervisionDirectory as NSString).appendingPathComponent("supervision.db") }

    /// Runs `sql` on a raw connection to Supervision's file (outside the service; triggers apply).
    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try DatabaseQueue(path: databasePath).write { try $0.execute(sql: sql, arguments: arguments) }
    }

    /// The number of rows of `table` in Supervision's file.
    func rows(_ table: String) throws -> Int {
        try DatabaseQueue(path: databasePath).read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0
        }
    }
}

/// Runs `body` against a real Identity, Booking, Notes and Supervision (`SupervisionHarness`).
func withSupervision<T: Sendable>(_ body: @Sendable (SupervisionHarness) async throws -> T) async throws -> T
{
    try await withNotes { notes in
        let other = try await notes.identity.createStaffAccount(
            .with {
                $0.email = "supervisor2@stigen.se"
                $0.displayName = "Handledare 2"
                $0.roles = [.supervisor]
                $0.profile.licenceStatus = .licensed
                $0.initialPassword = IdentityHarness.password
            }, options: notes.options(.admin)
        ).account
        let login = try await notes.booking.identity.signIn(
            organization: notes.practice.organization, email: "supervisor2@stigen.se"
        ).login
        return try await withSupervisionService(
            notes, otherSupervisor: (other.id.value, login.tokens.accessToken), body)
    }
}

/// Runs `body` against a Supervision started on `notes`' world (in `dataDirectory`, or a fresh
/// folder), on Booking's clock for its own times and Identity's for tokens.
func withSupervisionService<T: Sendable>(
    _ notes: NotesHarness, otherSupervisor: (id: String, token: String), dataDirectory: String? = nil,
    _ body: @Sendable (SupervisionHarness) async throws -> T
) async throws -> T {
    let booking = notes.booking
    let identityClock = booking.identity.clock
    let bookingClock = booking.clock
    let toNotes = try await TCPRelay.start(to: notes.notesPort)
    let toBooking = try await TCPRelay.start(to: booking.bookingPort)
    let toIdentity = try await TCPRelay.start(to: booking.identity.port)
    defer {
        Task {
            await toNotes.close()
            await toBooking.close()
            await toIdentity.close()
        }
    }
    return try await withRunningService(
        .supervision, dataDirectory: dataDirectory,
        environment: [
            ServiceName.identity.addressVariable: "127.0.0.1:\(toIdentity.port)",
            ServiceName.booking.addressVariable: "127.0.0.1:\(toBooking.port)",
            ServiceName.notes.addressVariable: "127.0.0.1:\(toNotes.port)",
        ],
        makeHost: { configuration in
            var settings = SupervisionConfiguration()
            // Generous: on a machine kept busy by a parallel build a dependency may take seconds;
            // a cut link is refused at once anyway.
            settings.dependencyTimeout = .seconds(30)
            return try SupervisionServer.makeHost(
                configuration: configuration, supervision: settings, logger: quietLogger,
                now: { bookingClock.now() }, tokenClock: { identityClock.now() })
        }
    ) { service in
        let supervision = Tillit_Supervision_V1_Supervision.Client(service.rpc)
        let admin = notes.options(.admin)
        _ = try await supervision.setCategories(
            .with { $0.categories = SupervisionHarness.categories }, options: admin)
        let relationship = try await supervision.createRelationship(
            .with {
                $0.supervisorID.value = notes.id(.supervisor)
                $0.superviseeID.value = notes.trainee.id
                $0.startsOn = SupervisionHarness.date(2026, 1, 1)
                $0.mode = .cosignAll
                $0.agreementApprovedOn = SupervisionHarness.date(2026, 1, 15)
            }, options: admin
        ).relationship
        return try await body(
            SupervisionHarness(
                notes: notes, supervision: supervision, supervisionRPC: service.rpc,
                supervisionDirectory: service.dataDirectory,
                notesLink: toNotes, bookingLink: toBooking, identityLink: toIdentity,
                otherSupervisor: otherSupervisor, relationship: relationship))
    }
}

extension SupervisionHarness {
    /// The integer `sql` selects from Supervision's file.
    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try DatabaseQueue(path: databasePath).read {
            try Int.fetchOne($0, sql: sql, arguments: arguments) ?? 0
        }
    }
}
