import ArgumentParser
import Foundation
import GRDB
import TillitContracts
import TillitRPC
import TillitServiceKit

/// `tillit-bench supervision`: the four services in this process (TLS, fresh data folder,
/// `synchronous=FULL`); a supervisor with 10 pre-licensed supervisees and 500 notes awaiting
/// co-signature in Notes; measures the queue read (Supervision → Notes with the supervisor's
/// token, audited) and an hours report over a year of entries beside a year of attended
/// direct contact in Booking (Supervision → Booking, one call for all periods, audited).
struct SupervisionBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervision",
        abstract: "Queue read and a year's hours report, p50/p99 (release).")

    @Option(help: "Supervisees of the supervisor.") var supervisees = 10
    @Option(help: "Notes awaiting co-signature, spread over the supervisees.") var waiting = 500
    @Option(help: "Calls per measurement.") var calls = 1_000
    @Option(help: "Supervision entries per week in the year of the report.") var perWeek = 5
    @Option(help: "Attended appointments per week in Booking in that year.") var appointmentsPerWeek = 20

    func run() async throws {
        try await BenchStack.with { stack in try await measure(stack) }
    }

    private func measure(_ stack: BenchStack) async throws {
        let identity = stack.identity
        let practice = try await BenchPractice.bootstrap(identity)
        let admin = practice.admin
        _ = try await identity.updateOrganization(
            .with { $0.staffTotpRequired.value = false }, options: admin)
        let organization = try await identity.getOrganization(.init(), options: admin).organization
        let location = organization.locations[0].id
        let type = try await stack.booking.createSessionType(
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
        let supervisorID = try await identity.createStaffAccount(
            .with {
                $0.email = "handledare@bench.se"
                $0.displayName = "Handledare"
                $0.roles = [.supervisor]
                $0.profile.licenceStatus = .licensed
                $0.initialPassword = BenchPractice.password
            }, options: admin
        ).account.id.value
        let supervisor = BenchPractice.auth(
            try await BenchPractice.signInEnrollingTotp(
                identity, organization: practice.organization, email: "handledare@bench.se"))
        var stockholm = ZoneClock(identifier: "Europe/Stockholm")!
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        let today = stockholm.date(atMillis: nowMillis)
        let yearAgo = today.adding(days: -364)
        let monday = today.adding(days: Int64((8 - today.isoWeekday) % 7 + 7))
        _ = try await stack.supervision.setCategories(
            .with { $0.categories = ["Individuell handledning", "Grupphandledning", "Ärendediskussion"] },
            options: admin)

        print("setting up \(supervisees) pre-licensed supervisees, each with a client and an appointment …")
        var people: [(id: String, options: CallOptions, client: String)] = []
        for index in 0..<supervisees {
            let email = "trainee\(index)@bench.se"
            let id = try await identity.createStaffAccount(
                .with {
                    $0.email = email
                    $0.displayName = "Trainee \(index)"
                    $0.roles = [.practitioner]
                    $0.profile.licenceStatus = .preLicensed
                    $0.profile.supervisorID.value = supervisorID
                    $0.initialPassword = BenchPractice.password
                }, options: admin
            ).account.id.value
            let client = try await identity.createClientAccount(
                .with { $0.displayName = "Client \(index)" }, options: admin
            ).account.id.value
            _ = try await stack.booking.setAvailability(
                .with {
                    $0.availability.practitionerID.value = id
                    $0.availability.locationID = location
                    $0.availability.rules = (1...5).map { day in
                        .with {
                            $0.weekday = Tillit_Identity_V1_Weekday(rawValue: day)!
                            $0.startMinute = 8 * 60
                            $0.endMinute = 20 * 60
                        }
                    }
                }, options: admin)
            _ = try await stack.booking.bookAppointment(
                .with {
                    $0.idempotencyKey = "bench-\(index)"
                    $0.sessionTypeID = type.id
                    $0.practitionerID.value = id
                    $0.clientID.value = client
                    $0.locationID = location
                    $0.start = Tillit_Common_V1_Timestamp(
                        millis: stockholm.instant(of: monday, minute: 10 * 60))
                }, options: admin)
            _ = try await stack.supervision.createRelationship(
                .with {
                    $0.supervisorID.value = supervisorID
                    $0.superviseeID.value = id
                    $0.startsOn = Tillit_Common_V1_Date(yearAgo)
                    $0.mode = .cosignAll
                    $0.agreementApprovedOn = Tillit_Common_V1_Date(yearAgo)
                }, options: admin)
            let token = try await identity.login(
                .with {
                    $0.organizationID.value = practice.organization
                    $0.email = email
                    $0.password = BenchPractice.password
                }
            ).tokens.accessToken
            people.append((id, BenchPractice.auth(token), client))
        }

        // The queue: `waiting` signed notes of the supervisees, written concurrently.
        let everyone = people
        let notes = stack.notes
        let perPerson = waiting / supervisees
        try await withThrowingTaskGroup(of: Void.self) { group in
            for person in everyone {
                group.addTask {
                    for index in 0..<perPerson {
                        _ = try await notes.createNote(
                            .with {
                                $0.clientID.value = person.client
                                $0.kind = .session
                                $0.body.template = .free
                                $0.body.sections = [.with { $0.text = "Samtal \(index): sömn, oro, plan." }]
                                $0.sign = true
                            }, options: person.options)
                    }
                }
            }
            try await group.waitForAll()
        }
        let first = try await stack.supervision.listQueue(.init(), options: supervisor)
        print(
            "queue: \(perPerson * supervisees) notes awaiting co-signature; first page holds \(first.notes.count)"
        )
        let supervision = stack.supervision
        let page = try await latencies(calls) {
            _ = try await supervision.listQueue(.init(), options: supervisor)
        }
        print(
            "queue read, first page (50 notes, via Notes, audited), one at a time: p50 \(page.p50) µs  p99 \(page.p99) µs (target p99 ≤ 20 ms)"
        )
        let whole = try await latencies(calls / 5) {
            var token = ""
            var seen = 0
            repeat {
                let answer = try await supervision.listQueue(
                    .with {
                        $0.page.pageSize = 200
                        $0.page.pageToken = token
                    }, options: supervisor)
                seen += answer.notes.count
                token = answer.page.nextPageToken
            } while !token.isEmpty
            precondition(seen == perPerson * everyone.count, "the whole queue is \(seen) notes")
        }
        print(
            "queue read, all \(perPerson * supervisees) notes (pages of 200): p50 \(whole.p50) µs  p99 \(whole.p99) µs"
        )
        let loaded = try await latencies(calls, inFlight: 8) {
            _ = try await supervision.listQueue(.init(), options: supervisor)
        }
        print("queue read, first page, 8 in flight: p50 \(loaded.p50) µs  p99 \(loaded.p99) µs")

        // A year of entries for the first supervisee, and a year of attended appointments
        // written straight into Booking's file (through its schema's checks).
        let trainee = everyone[0]
        var entries = 0
        var day = yearAgo
        while day <= today {
            if day.isoWeekday <= perWeek {
                _ = try await supervision.logSession(
                    .with {
                        $0.superviseeID.value = trainee.id
                        $0.kind = day.isoWeekday == 3 ? .group : .individual
                        $0.date = Tillit_Common_V1_Date(day)
                        $0.minutes = 45
                        $0.category = day.isoWeekday == 3 ? "Grupphandledning" : "Individuell handledning"
                    }, options: supervisor)
                entries += 1
            }
            day = day.adding(days: 1)
        }
        let attended = try insertAttended(
            path: stack.databasePaths[.booking]!, organization: practice.organization,
            practitioner: trainee.id,
            client: trainee.client, type: type, location: location,
            from: stockholm.instant(of: yearAgo, minute: 0),
            weeks: 52, perWeek: appointmentsPerWeek)
        print("hours: \(entries) entries over a year, \(attended) attended appointments in Booking")
        for (kind, name) in [(Tillit_Supervision_V1_PeriodKind.month, "12 months"), (.week, "53 weeks")] {
            let report = try await latencies(calls) {
                _ = try await supervision.hoursReport(
                    .with {
                        $0.superviseeID.value = trainee.id
                        $0.period = kind
                        $0.from = Tillit_Common_V1_Date(yearAgo)
                        $0.to = Tillit_Common_V1_Date(today)
                    }, options: supervisor)
            }
            print(
                "hours report for a year by \(name) (Booking in one call, audited), one at a time: p50 \(report.p50) µs  p99 \(report.p99) µs (target p99 ≤ 20 ms)"
            )
        }
    }

    /// `count` calls of `call`, `inFlight` at a time; their latencies.
    private func latencies(
        _ count: Int, inFlight: Int = 1, _ call: @escaping @Sendable () async throws -> Void
    )
        async throws -> LatencyStats
    {
        for _ in 0..<min(20, count) { try await call() }
        let next = BenchCounter()
        let clock = ContinuousClock()
        let all = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var mine: [UInt64] = []
                    while next.take() < count {
                        let started = clock.now
                        try await call()
                        mine.append(UInt64((clock.now - started).nanoseconds))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return LatencyStats(all)
    }

    /// Writes `weeks × perWeek` attended 50-minute appointments of `practitioner` from `from` on
    /// into Booking's file; how many.
    private func insertAttended(
        path: String, organization: String, practitioner: String, client: String,
        type: Tillit_Booking_V1_SessionType, location: String, from: Int64, weeks: Int, perWeek: Int
    ) throws -> Int {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO appointments (organization_id, id, practitioner_id, client_id, session_type_id,
                        location_id, starts_at, ends_at, blocked_until, capacity, modality, price_currency,
                        price_minor_units, status, booked_by, booked_at, actual_start, actual_end, marked_at, marked_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'in_person', 'SEK', 95000, 'attended', ?, ?, ?, ?, ?, ?)
                    """)
            for week in 0..<weeks {
                for slot in 0..<perWeek {
                    let start =
                        from + Int64(week) * 7 * 86_400_000 + Int64(slot / 4) * 86_400_000
                        + Int64(8 + 2 * (slot % 4)) * 3_600_000
                    let end = start + 50 * 60_000
                    try statement.execute(arguments: [
                        organization, UUID().uuidString.lowercased(), practitioner, client, type.id, location,
                        start, end,
                        end + 10 * 60_000, practitioner, start, start, end, end, practitioner,
                    ])
                }
            }
        }
        return weeks * perWeek
    }
}
