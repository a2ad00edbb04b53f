import ArgumentParser
import Foundation
import GRDB
import Logging
import Synchronization
import TillitBooking
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitStorage

/// `tillit-bench booking`: a real Identity and a real Booking in this process (TLS, fresh data
/// folder, `synchronous=FULL`), 100 practitioners with weekday availability; measures durable
/// bookings per second at 32 in flight beside the same disk's bare commit rate, then slot search
/// latency over 100 practitioners × 28 days with 20,000 appointments and with 10× as many.
struct BookingBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "booking",
        abstract:
            "Durable bookings/s at 32 in flight and slot-search p99 at 20k and 200k appointments (release build)."
    )

    @Option(help: "Practitioners.") var practitioners = 100
    @Option(help: "Bookings in flight.") var inFlight = 32
    @Option(help: "Appointments in the 28 searched days.") var appointments = 20_000
    @Option(help: "Sequential slot searches per measurement.") var searches = 300
    @Option(help: "Sequential one-row commits for the bare SQLite rate.") var bareCommits = 2_000

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tillit-bench-booking-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        var identityConfiguration = try ServiceConfiguration(
            service: .identity,
            environment: ["TILLIT_IDENTITY_ADDR": "127.0.0.1:0", "TILLIT_DATA_DIR": directory])
        identityConfiguration.shutdownGracePeriod = .seconds(5)
        // Password hashing is not what this measures: a light scrypt keeps the setup short.
        var identitySettings = IdentityConfiguration()
        identitySettings.passwordParameters = PasswordParameters(n: 1024, r: 8, p: 1)
        let identityHost = try IdentityServer.makeHost(
            configuration: identityConfiguration, identity: identitySettings, logger: logger)
        let identityGroup = identityHost.makeServiceGroup(signals: [])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await identityGroup.run() }
            let identityPort = try await identityHost.server.localPort
            var bookingConfiguration = try ServiceConfiguration(
                service: .booking,
                environment: [
                    "TILLIT_BOOKING_ADDR": "127.0.0.1:0", "TILLIT_IDENTITY_ADDR": "127.0.0.1:\(identityPort)",
                    "TILLIT_DATA_DIR": directory,
                ])
            bookingConfiguration.shutdownGracePeriod = .seconds(5)
            let bookingHost = try BookingServer.makeHost(configuration: bookingConfiguration, logger: logger)
            let bookingGroup = bookingHost.makeServiceGroup(signals: [])
            tasks.addTask { try await bookingGroup.run() }
            let environment = ["TILLIT_DATA_DIR": directory]
            let identityRPC = RPCClient(
                host: "127.0.0.1", port: identityPort,
                configuration: RPCClientConfiguration(
                    transportSecurity: try TLSSettings.clientSecurity(
                        for: .identity, environment: environment)))
            let bookingRPC = RPCClient(
                host: "127.0.0.1", port: try await bookingHost.server.localPort,
                configuration: RPCClientConfiguration(
                    transportSecurity: try TLSSettings.clientSecurity(for: .booking, environment: environment)
                ))
            defer {
                identityRPC.close()
                bookingRPC.close()
            }
            try await measure(
                identity: Tillit_Identity_V1_Identity.Client(identityRPC),
                booking: Tillit_Booking_V1_Booking.Client(bookingRPC),
                databasePath: bookingConfiguration.databasePath, directory: directory)
            await bookingGroup.triggerGracefulShutdown()
            await identityGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private func measure(
        identity: Tillit_Identity_V1_Identity.Client, booking: Tillit_Booking_V1_Booking.Client,
        databasePath: String,
        directory: String
    ) async throws {
        let practice = try await BenchPractice.bootstrap(identity)
        let admin = practice.admin
        _ = try await identity.updateOrganization(
            .with { $0.staffTotpRequired.value = false }, options: admin)
        let location = try await identity.getOrganization(.init(), options: admin).organization.locations[0]
            .id
        _ = try await identity.createStaffAccount(
            .with {
                $0.email = "scheduler@bench.se"
                $0.displayName = "Scheduler"
                $0.roles = [.scheduler]
                $0.initialPassword = BenchPractice.password
            }, options: admin)
        let scheduler = BenchPractice.auth(
            try await identity.login(
                .with {
                    $0.organizationID.value = practice.organization
                    $0.email = "scheduler@bench.se"
                    $0.password = BenchPractice.password
                }
            ).tokens.accessToken)
        print("setting up \(practitioners) practitioners and 500 clients …")
        var practitionerIDs: [String] = []
        for index in 0..<practitioners {
            practitionerIDs.append(
                try await identity.createStaffAccount(
                    .with {
                        $0.email = "p\(index)@bench.se"
                        $0.displayName = "Practitioner \(index)"
                        $0.roles = [.practitioner]
                        $0.profile.licenceStatus = .licensed
                        $0.profile.discipline = index % 2 == 0 ? "psychotherapist" : "psychologist"
                        $0.profile.languages = index % 3 == 0 ? ["sv", "en"] : ["sv"]
                        $0.initialPassword = BenchPractice.password
                    }, options: admin
                ).account.id.value)
        }
        var clientIDs: [String] = []
        for index in 0..<500 {
            clientIDs.append(
                try await identity.createClientAccount(
                    .with { $0.displayName = "Client \(index)" }, options: admin
                ).account.id.value)
        }
        let type = try await booking.createSessionType(
            .with {
                $0.sessionType.name = "Samtal"
                $0.sessionType.durationMinutes = 50
                $0.sessionType.bufferAfterMinutes = 10
                $0.sessionType.modality = .inPerson
                $0.sessionType.capacity = 1
                $0.sessionType.price.currency = "SEK"
                $0.sessionType.price.minorUnits = 95_000
            }, options: admin
        ).sessionType
        for practitioner in practitionerIDs {
            _ = try await booking.setAvailability(
                .with {
                    $0.availability.practitionerID.value = practitioner
                    $0.availability.locationID = location
                    $0.availability.rules = (1...5).map { day in
                        .with {
                            $0.weekday = Tillit_Identity_V1_Weekday(rawValue: day)!
                            $0.startMinute = 8 * 60
                            $0.endMinute = 20 * 60
                        }
                    }
                }, options: scheduler)
        }
        // The searched window: 28 days from the Monday after next, 12 slots per weekday.
        var stockholm = ZoneClock(identifier: "Europe/Stockholm")!
        let today = stockholm.date(atMillis: Int64(Date().timeIntervalSince1970 * 1000))
        let monday = today.adding(days: Int64((8 - today.isoWeekday) % 7 + 7))
        var times: [Int64] = []
        for day in 0..<28 {
            let date = monday.adding(days: Int64(day))
            guard date.isoWeekday <= 5 else { continue }
            for slot in 0..<12 { times.append(stockholm.instant(of: date, minute: 8 * 60 + slot * 60)) }
        }
        let window =
            stockholm.instant(
                of: monday, minute: 0)..<stockholm.instant(of: monday.adding(days: 28), minute: 0)
        let capacity = times.count * practitioners
        let target = min(appointments, capacity)
        print("window: \(monday) + 28 days, \(capacity) slots; booking \(target) of them")

        // Durable bookings at `inFlight`: each takes the next free (practitioner, time).
        let (ids, clientList, starts) = (practitionerIDs, clientIDs, times)
        let practitioners = self.practitioners
        let next = BenchCounter()
        let failures = BenchCounter()
        let request: @Sendable (Int) -> Tillit_Booking_V1_BookAppointmentRequest = { index in
            let practitioner = index % practitioners
            let time = index / practitioners
            return .with {
                $0.idempotencyKey = "bench-\(index)"
                $0.sessionTypeID = type.id
                $0.practitionerID.value = ids[practitioner]
                $0.clientID.value = clientList[(practitioner + 100 * (time % 5)) % clientList.count]
                $0.locationID = location
                $0.start = Tillit_Common_V1_Timestamp(millis: starts[time])
            }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var own: [UInt64] = []
                    while true {
                        let index = next.take()
                        guard index < target else { return own }
                        let callStart = clock.now
                        do {
                            _ = try await booking.bookAppointment(request(index), options: scheduler)
                        } catch {
                            _ = failures.take()
                        }
                        own.append(UInt64((clock.now - callStart).nanoseconds))
                    }
                }
            }
            var all: [UInt64] = []
            for try await part in group { all += part }
            return all
        }
        let elapsed = (clock.now - started).seconds
        let bookingStats = LatencyStats(latencies)
        let rate = Double(target) / elapsed
        print(
            "durable bookings, \(inFlight) in flight: \(Int(rate)) appointments/s (\(target) in "
                + "\(String(format: "%.1f", elapsed)) s, \(failures.count) refused)  "
                + "p50 \(bookingStats.p50) µs  p99 \(bookingStats.p99) µs")

        let bare = try bareCommitRate(directory: directory)
        print(
            "bare SQLite commits on the same disk (synchronous=FULL, one row each, sequential): "
                + "\(Int(bare)) commits/s → bookings at \(String(format: "%.1f", rate / bare))× the one-commit-per-write limit"
        )

        let search = Tillit_Booking_V1_SearchSlotsRequest.with {
            $0.sessionTypeID = type.id
            $0.during = Tillit_Common_V1_TimeRange(millis: window)
            $0.clientTimeZone = "Europe/Stockholm"
            $0.page.pageSize = 100
        }
        let first = try await measureSearch(
            booking, search, options: scheduler, label: "\(target) appointments")

        // 10×: the other appointments are history (the two years before), where no search looks.
        let extra = target * 9
        try addHistory(
            databasePath: databasePath, count: extra, organization: practice.organization,
            practitioners: practitionerIDs,
            clients: clientIDs, sessionType: type.id, location: location, before: window.lowerBound)
        let tenfold = try await measureSearch(
            booking, search, options: scheduler, label: "\(target + extra) appointments")
        print(
            "p99 at 10× the appointments: \(String(format: "%.2f", tenfold / first))× the p99 at \(target) (target ≤ 1.5×)"
        )
    }

    /// Sequential searches; prints p50/p99 and the slots found; returns p99 in µs.
    private func measureSearch(
        _ booking: Tillit_Booking_V1_Booking.Client, _ search: Tillit_Booking_V1_SearchSlotsRequest,
        options: CallOptions, label: String
    ) async throws -> Double {
        let clock = ContinuousClock()
        var found = 0
        for _ in 0..<20 { found = try await booking.searchSlots(search, options: options).slots.count }
        var latencies: [UInt64] = []
        for _ in 0..<searches {
            let start = clock.now
            _ = try await booking.searchSlots(search, options: options)
            latencies.append(UInt64((clock.now - start).nanoseconds))
        }
        let stats = LatencyStats(latencies)
        print(
            "slot search, \(practitioners) practitioners × 28 days, \(label): p50 \(stats.p50) µs  p99 \(stats.p99) µs  "
                + "(first page: \(found) slots)")
        return Double(stats.p99) ?? 0
    }

    /// Commits per second of one-row transactions through GRDB on a fresh database in `directory`.
    private func bareCommitRate(directory: String) throws -> Double {
        let migrations = Migrations([
            Migrations.Migration("bench") { db in try db.execute(sql: "CREATE TABLE t (x INTEGER NOT NULL)") }
        ])
        let database = try ServiceDatabase.open(
            configuration: DatabaseConfiguration(
                path: (directory as NSString).appendingPathComponent("bare.db")),
            migrations: migrations, logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        defer { try? database.close() }
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<bareCommits {
            try database.writer.write { db in
                try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [index])
            }
        }
        return Double(bareCommits) / (clock.now - start).seconds
    }

    /// Inserts `count` attended appointments before `before`, through the schema's triggers.
    private func addHistory(
        databasePath: String, count: Int, organization: String, practitioners: [String], clients: [String],
        sessionType: String, location: String, before: Int64
    ) throws {
        let queue = try DatabaseQueue(path: databasePath)
        let clock = ContinuousClock()
        let start = clock.now
        let perDay = 12
        let firstDay = before / 86_400_000 - Int64(count / (practitioners.count * perDay) + 2)
        try queue.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO appointments (organization_id, id, practitioner_id, client_id, session_type_id,
                        location_id, starts_at, ends_at, blocked_until, capacity, modality, price_currency,
                        price_minor_units, status, booked_by, booked_at, actual_start, actual_end)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'in_person', 'SEK', 95000, 'attended', ?, ?, ?, ?)
                    """)
            for index in 0..<count {
                let practitioner = index % practitioners.count
                let slot = index / practitioners.count
                let day = firstDay + Int64(slot / perDay)
                let startsAt = day * 86_400_000 + Int64(7 * 60 + (slot % perDay) * 60) * 60_000
                let endsAt = startsAt + 50 * 60_000
                try statement.execute(arguments: [
                    organization, UUID().uuidString.lowercased(), practitioners[practitioner],
                    clients[(practitioner + 100 * (slot % 5)) % clients.count], sessionType, location,
                    startsAt, endsAt,
                    endsAt + 10 * 60_000, practitioners[practitioner], startsAt - 86_400_000, startsAt,
                    endsAt,
                ])
            }
        }
        print("added \(count) past appointments in \(String(format: "%.1f", (clock.now - start).seconds)) s")
    }
}
