import ArgumentParser
import Crypto
import Foundation
import GRDB
import Logging
import TillitBooking
import TillitContracts
import TillitIdentity
import TillitNotes
import TillitRPC
import TillitServiceKit
import TillitStorage

/// `tillit-bench notes`: the services in this process (`BenchStack`: TLS, fresh data
/// folder, `synchronous=FULL`), 32 practitioners each with a client they have an appointment
/// with; measures durable create + sign (encrypt, care check with Booking, audit) at 32 in
/// flight, reading one note with its audit record at 32 in flight, and rewrapping 100,000 data
/// keys to a new key version.
struct NotesBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notes",
        abstract:
            "Notes created + signed per second, read p99 at 32 in flight, rewrap of 100k data keys (release)."
    )

    @Option(help: "Calls in flight (one practitioner each).") var inFlight = 32
    @Option(help: "Notes created and signed (one call each).") var notes = 5_000
    @Option(help: "Notes created, then signed by a second call.") var pairs = 2_000
    @Option(help: "Reads.") var reads = 10_000
    @Option(help: "Data keys to rewrap.") var rewrap = 100_000

    func run() async throws {
        // Version 1 wraps the notes written for the rewrap; version 2 is current.
        let version1 = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        let version2 = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        let process = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        let keys = try NoteKeyRing(
            clinical: [1: version1, 2: version2], clinicalVersion: 2, process: [1: process])
        let oldKeys = try NoteKeyRing(clinical: [1: version1], process: [1: process])
        try await BenchStack.with(notesKeys: keys) { stack in
            try await measure(
                identity: stack.identity, booking: stack.booking, notes: stack.notes,
                databasePath: stack.databasePaths[.notes]!, oldKeys: oldKeys)
        }
    }

    private func measure(
        identity: Tillit_Identity_V1_Identity.Client, booking: Tillit_Booking_V1_Booking.Client,
        notes: Tillit_Notes_V1_Notes.Client, databasePath: String, oldKeys: NoteKeyRing
    ) async throws {
        let practice = try await BenchPractice.bootstrap(identity)
        let admin = practice.admin
        _ = try await identity.updateOrganization(
            .with { $0.staffTotpRequired.value = false }, options: admin)
        let location = try await identity.getOrganization(.init(), options: admin).organization.locations[0]
            .id
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
        var stockholm = ZoneClock(identifier: "Europe/Stockholm")!
        let today = stockholm.date(atMillis: Int64(Date().timeIntervalSince1970 * 1000))
        let monday = today.adding(days: Int64((8 - today.isoWeekday) % 7 + 7))
        let start = stockholm.instant(of: monday, minute: 10 * 60)
        print("setting up \(inFlight) practitioners, each with a client and an appointment …")
        var people: [(options: CallOptions, client: String)] = []
        for index in 0..<inFlight {
            let email = "p\(index)@bench.se"
            let practitioner = try await identity.createStaffAccount(
                .with {
                    $0.email = email
                    $0.displayName = "Practitioner \(index)"
                    $0.roles = [.practitioner]
                    $0.profile.licenceStatus = .licensed
                    $0.initialPassword = BenchPractice.password
                }, options: admin
            ).account.id.value
            let client = try await identity.createClientAccount(
                .with { $0.displayName = "Client \(index)" }, options: admin
            ).account.id.value
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
                }, options: admin)
            _ = try await booking.bookAppointment(
                .with {
                    $0.idempotencyKey = "bench-\(index)"
                    $0.sessionTypeID = type.id
                    $0.practitionerID.value = practitioner
                    $0.clientID.value = client
                    $0.locationID = location
                    $0.start = Tillit_Common_V1_Timestamp(millis: start)
                }, options: admin)
            let token = try await identity.login(
                .with {
                    $0.organizationID.value = practice.organization
                    $0.email = email
                    $0.password = BenchPractice.password
                }
            ).tokens.accessToken
            people.append((BenchPractice.auth(token), client))
        }
        let body = Tillit_Notes_V1_NoteBody.with {
            $0.template = .soap
            $0.sections = ["subjective", "objective", "assessment", "plan"].map { heading in
                .with {
                    $0.heading = heading
                    $0.text = String(repeating: "Klienten beskriver sömnen och veckan. ", count: 12)
                }
            }
        }
        let everyone = people
        // Warm-up.
        for person in everyone.prefix(4) {
            _ = try await notes.createNote(
                .with {
                    $0.clientID.value = person.client
                    $0.kind = .session
                    $0.body = body
                    $0.sign = true
                }, options: person.options)
        }

        let (signedRate, signedStats, signedIDs) = try await run(count: self.notes, people: everyone) {
            person, _ in
            try await notes.createNote(
                .with {
                    $0.clientID.value = person.client
                    $0.kind = .session
                    $0.body = body
                    $0.sign = true
                }, options: person.options
            ).note.id
        }
        print(
            "create + sign in one call (encrypt, care check, 2 audit events, durable), \(inFlight) in flight: "
                + "\(Int(signedRate)) notes/s  p50 \(signedStats.p50) µs  p99 \(signedStats.p99) µs")

        let (pairRate, pairStats, _) = try await run(count: pairs, people: everyone) { person, _ in
            let draft = try await notes.createNote(
                .with {
                    $0.clientID.value = person.client
                    $0.kind = .session
                    $0.body = body
                }, options: person.options
            ).note
            return try await notes.signNote(
                .with {
                    $0.noteID = draft.id
                    $0.expectedVersion = 1
                }, options: person.options
            ).note.id
        }
        print(
            "create, then sign (two calls, two care checks), \(inFlight) in flight: "
                + "\(Int(pairRate)) notes/s  p50 \(pairStats.p50) µs  p99 \(pairStats.p99) µs (per note)")

        // Each practitioner reads their own notes (author basis), each read audited and durable.
        let byAuthor = Dictionary(grouping: signedIDs, by: { $0.author })
        let (readRate, readStats, _) = try await run(count: reads, people: everyone) { person, index in
            let own = byAuthor[person.client] ?? []
            let id = own[index % own.count].id
            return try await notes.getNote(.with { $0.noteID = id }, options: person.options).view.note.id
        }
        print(
            "read one note with its audit record, \(inFlight) in flight: \(Int(readRate)) reads/s  "
                + "p50 \(readStats.p50) µs  p99 \(readStats.p99) µs (target p99 ≤ 5 ms)")

        // Rewrap: `rewrap` notes under version 1, written straight into the file (through the
        // schema's triggers), then RewrapKeys in batches of 10,000 until none remain.
        let inserted = try insertOldNotes(
            count: rewrap, databasePath: databasePath, organization: practice.organization,
            keys: oldKeys)
        print("wrote \(rewrap) notes under key version 1 in \(String(format: "%.1f", inserted)) s")
        let clock = ContinuousClock()
        let started = clock.now
        var total: UInt64 = 0
        var batches = 0
        while true {
            let answer = try await notes.rewrapKeys(.with { $0.batchSize = 10_000 }, options: admin)
            total += answer.rewrapped
            batches += 1
            if answer.remaining == 0 { break }
        }
        let seconds = (clock.now - started).seconds
        print(
            "rewrap: \(total) data keys to version 2 in \(String(format: "%.1f", seconds)) s "
                + "(\(Int(Double(total) / seconds)) keys/s, \(batches) transactions of ≤ 10,000)")
    }

    /// Runs `count` calls over `people` (one task each, so `inFlight` in flight); the rate,
    /// latencies and each call's (client of the author, result).
    private func run(
        count: Int, people: [(options: CallOptions, client: String)],
        _ call: @escaping @Sendable ((options: CallOptions, client: String), Int) async throws -> String
    ) async throws -> (Double, LatencyStats, [(author: String, id: String)]) {
        let next = BenchCounter()
        let clock = ContinuousClock()
        let started = clock.now
        let results = try await withThrowingTaskGroup(of: ([UInt64], [(author: String, id: String)]).self) {
            group in
            for person in people {
                group.addTask {
                    var latencies: [UInt64] = []
                    var ids: [(author: String, id: String)] = []
                    var own = 0
                    while next.take() < count {
                        let callStart = clock.now
                        let id = try await call(person, own)
                        latencies.append(UInt64((clock.now - callStart).nanoseconds))
                        ids.append((person.client, id))
                        own += 1
                    }
                    return (latencies, ids)
                }
            }
            var all: ([UInt64], [(author: String, id: String)]) = ([], [])
            for try await part in group {
                all.0 += part.0
                all.1 += part.1
            }
            return all
        }
        let elapsed = (clock.now - started).seconds
        return (Double(count) / elapsed, LatencyStats(results.0), results.1)
    }

    /// Inserts `count` signed session notes of one author for one client, each with its own data key
    /// wrapped under `keys` (version 1); returns the seconds it took.
    private func insertOldNotes(
        count: Int, databasePath: String, organization: String, keys: NoteKeyRing
    ) throws -> Double {
        let cipher = NoteCipher(keys: keys)
        let queue = try DatabaseQueue(path: databasePath)
        let clock = ContinuousClock()
        let start = clock.now
        let client = UUID().uuidString.lowercased()
        let writer = UUID().uuidString.lowercased()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try queue.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO notes (organization_id, id, client_id, author_id, kind, template, status, version,
                        created_at, updated_at, signed_at, body, wrapped_key, key_class, kek_version)
                    VALUES (?, ?, ?, ?, 'session', 'free', 'signed', 1, ?, ?, ?, ?, ?, 'clinical', ?)
                    """)
            for _ in 0..<count {
                let id = UUID().uuidString.lowercased()
                let dataKey = cipher.newDataKey()
                let body = try cipher.seal(
                    Data("x".utf8), dataKey: dataKey,
                    context: NoteCipher.bodyContext(organization: organization, note: id, version: 1))
                let wrapped = try cipher.wrap(
                    dataKey, keyClass: .clinical, organization: organization, note: id)
                try statement.execute(arguments: [
                    organization, id, client, writer, now, now, now, body, wrapped.bytes, wrapped.version,
                ])
            }
        }
        return (clock.now - start).seconds
    }
}
