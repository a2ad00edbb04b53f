import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// Seeds a demo practice through Identity's API once Identity is SERVING (`tillit stack up
/// --demo`): an organisation with two locations, an admin, practitioners of several
/// disciplines, a pre-licensed practitioner with a supervisor, a scheduler, clients with
/// consents. Idempotent: what it created is remembered in `<data dir>/demo.json`, and a second
/// run only prints the login hints again.
///
/// When the stack runs Booking, it then seeds Booking's demo data through Booking's rpcs as the
/// setup admin (`DemoBookingSeeder`: session types, the practitioners' weekly availability at
/// the demo locations, a few appointments), once: `demo.json` remembers that too, and a run
/// that finds Identity seeded but not Booking (Booking was down, or added later) signs the
/// setup admin in again with its TOTP secret and seeds Booking then. When the stack also runs
/// Notes, Notes' demo data follows in the same way (`DemoNotesSeeder`: a few notes by a demo
/// practitioner for the client he has a demo appointment with).
struct DemoSeeder: Sendable {
    /// The password of every demo account.
    static let password = "tillit-demo-password"

    /// What the seeder remembers, and prints as login hints.
    struct Record: Codable, Sendable {
        var organizationId: String
        var organizationName: String
        var password: String
        /// E-mail and what the account is, in the order to show.
        var accounts: [[String]]
        /// The setup account's TOTP secret (Base32): the seeder enrolled it to create the rest.
        var setupTotpSecret: String
        /// The last TOTP step the seeder used for the setup account (a step is accepted once, so
        /// a later sign-in uses a later one); absent in files of older versions.
        var setupTotpLastStep: Int64?
        /// What Booking's demo data is; absent until it was seeded.
        var booking: DemoBookingSeeder.Record?
        /// What Notes' demo data is; absent until it was seeded.
        var notes: DemoNotesSeeder.Record?
        /// What Supervision's demo data is; absent until it was seeded.
        var supervision: DemoSupervisionSeeder.Record?
    }

    /// A service in the stack after Identity (Booking, Notes): how it is reached, and where it
    /// is once it is SERVING.
    struct ServiceTarget: Sendable {
        /// TLS trusting the stack's CA, expecting the service's name.
        let security: TransportSecurity
        /// The service's reported address, nil until it is SERVING.
        let address: @Sendable () -> ServiceAddress?
    }

    /// Identity's address.
    let address: ServiceAddress
    /// Where `demo.json` is kept.
    let dataDirectory: URL
    /// How Identity is reached (TLS trusting the stack's CA).
    let security: TransportSecurity
    /// Booking, when the stack runs it (nil: Identity's demo data only).
    var booking: ServiceTarget?
    /// Notes, when the stack runs it and Booking (nil: no demo notes).
    var notes: ServiceTarget?
    /// Supervision, when the stack runs it, Booking and Notes (nil: no supervision demo data).
    var supervision: ServiceTarget? = nil
    /// Prints a line.
    let say: @Sendable (String) -> Void

    private var recordFile: URL { dataDirectory.appendingPathComponent("demo.json") }

    /// Waits for Identity to be SERVING (up to `timeout`), then seeds or prints the hints.
    func run(timeout: Duration = .seconds(300)) async {
        let end = ContinuousClock.now + timeout
        while await HealthProbe.check(address, timeout: .milliseconds(500), security: security) != .serving {
            guard ContinuousClock.now < end, !Task.isCancelled else {
                if !Task.isCancelled { say("demo: identity did not become SERVING; no demo data") }
                return
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        var record: Record
        var token: String?
        do {
            if let data = FileManager.default.contents(atPath: recordFile.path) {
                record = try JSONDecoder().decode(Record.self, from: data)
                say(Self.hints(record, fresh: false))
            } else {
                say("demo: seeding the demo practice (hashing passwords at production cost takes a moment)…")
                guard let seeded = try await seed() else { return }
                (record, token) = seeded
                try save(record)
                say(Self.hints(record, fresh: true))
            }
        } catch let error as RPCError {
            say("demo: seeding failed: \(error.code): \(error.message)")
            return
        } catch {
            say("demo: seeding failed: \(error)")
            return
        }
        guard let booking else { return }
        if let seeded = record.booking {
            say(DemoBookingSeeder.hints(seeded, organization: record.organizationId, fresh: false))
        } else {
            guard let seeded = await seedBooking(booking, record: record, token: token, until: end) else {
                return
            }
            (record, token) = seeded
        }
        guard let notes else { return }
        if let seeded = record.notes {
            say(DemoNotesSeeder.hints(seeded, fresh: false))
        } else {
            guard let seeded = await seedNotes(notes, record: record, token: token, until: end) else {
                return
            }
            (record, token) = seeded
        }
        guard let supervision else { return }
        if let seeded = record.supervision {
            say(DemoSupervisionSeeder.hints(seeded, fresh: false))
            return
        }
        _ = await seedSupervision(supervision, record: record, token: token, until: end)
    }

    /// Waits until `target` (`name`) is SERVING and returns where; nil when `end` passes first
    /// (said) or the seeder is cancelled.
    private func serving(_ target: ServiceTarget, _ name: String, until end: ContinuousClock.Instant) async
        -> ServiceAddress?
    {
        while true {
            if let reported = target.address(),
                await HealthProbe.check(reported, timeout: .seconds(2), security: target.security)
                    == .serving
            {
                return reported
            }
            guard ContinuousClock.now < end, !Task.isCancelled else {
                if !Task.isCancelled { say("demo: \(name) did not become SERVING; no \(name) demo data") }
                return nil
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Waits for `target` (`name`) to be SERVING, then runs `body` with Identity's client, the
    /// service's connection and the setup admin's token (signing the setup admin in unless
    /// `token` is still that session's), keeps what it seeded in `record` (`keep`), saves
    /// `demo.json` and prints `hints`. Returns the record and the setup admin's token, or nil
    /// when nothing was seeded (said).
    private func seedStep<Seeded>(
        _ target: ServiceTarget, _ name: String, doing what: String, record: Record, token: String?,
        until end: ContinuousClock.Instant,
        _ body: (Tillit_Identity_V1_Identity.Client, RPCClient, String) async throws -> Seeded,
        keep: (inout Record, Seeded) -> Void, hints: (Seeded) -> String
    ) async -> (Record, String?)? {
        var record = record
        var token = token
        guard let address = await serving(target, name, until: end) else { return nil }
        say("demo: seeding \(name) (\(what))…")
        let identityRPC = RPCClient(
            host: self.address.host, port: self.address.port,
            configuration: RPCClientConfiguration(transportSecurity: security))
        let serviceRPC = RPCClient(
            host: address.host, port: address.port,
            configuration: RPCClientConfiguration(transportSecurity: target.security))
        defer {
            identityRPC.close()
            serviceRPC.close()
        }
        do {
            let identity = Tillit_Identity_V1_Identity.Client(identityRPC)
            let seeded = try await asSetup(identity, record: &record, token: &token) {
                try await body(identity, serviceRPC, $0)
            }
            keep(&record, seeded)
            try save(record)
            say(hints(seeded))
            return (record, token)
        } catch let error as RPCError {
            say("demo: seeding \(name) failed: \(error.code): \(error.message)")
        } catch {
            say("demo: seeding \(name) failed: \(error)")
        }
        return nil
    }

    /// Booking's demo data (`DemoBookingSeeder`).
    private func seedBooking(
        _ booking: ServiceTarget, record: Record, token: String?, until end: ContinuousClock.Instant
    ) async -> (Record, String?)? {
        let organization = record.organizationId
        return await seedStep(
            booking, "booking", doing: "session types, weekly availability, appointments", record: record,
            token: token, until: end
        ) { identity, rpc, token in
            try await DemoBookingSeeder(
                identity: identity, booking: Tillit_Booking_V1_Booking.Client(rpc),
                options: Self.bearer(token)
            ).seed()
        } keep: {
            $0.booking = $1
        } hints: {
            DemoBookingSeeder.hints($0, organization: organization, fresh: true)
        }
    }

    /// Notes' demo data (`DemoNotesSeeder`).
    private func seedNotes(
        _ notes: ServiceTarget, record: Record, token: String?, until end: ContinuousClock.Instant
    ) async -> (Record, String?)? {
        let organization = record.organizationId
        let password = record.password
        return await seedStep(
            notes, "notes", doing: "a session note and a shared note by Björn for Ida", record: record,
            token: token, until: end
        ) { identity, rpc, token in
            try await DemoNotesSeeder(
                identity: identity, notes: Tillit_Notes_V1_Notes.Client(rpc), options: Self.bearer(token),
                organization: organization, password: password
            ).seed()
        } keep: { record, seeded in
            if let seeded { record.notes = seeded }
        } hints: {
            DemoNotesSeeder.hints($0, fresh: true)
        }
    }

    /// Supervision's demo data (`DemoSupervisionSeeder`).
    private func seedSupervision(
        _ supervision: ServiceTarget, record: Record, token: String?, until end: ContinuousClock.Instant
    ) async -> (Record, String?)? {
        await seedStep(
            supervision, "supervision", doing: "Dana supervises Gustav, hour categories", record: record,
            token: token, until: end
        ) { identity, rpc, token in
            try await DemoSupervisionSeeder(
                identity: identity, supervision: Tillit_Supervision_V1_Supervision.Client(rpc),
                options: Self.bearer(token)
            ).seed()
        } keep: {
            $0.supervision = $1
        } hints: {
            DemoSupervisionSeeder.hints($0, fresh: true)
        }
    }

    /// Runs `body` with the setup admin's token: `token` if it still works, else a fresh
    /// sign-in (recorded in `record`, saved, and passed back in `token`).
    private func asSetup<T>(
        _ identity: Tillit_Identity_V1_Identity.Client, record: inout Record, token: inout String?,
        _ body: (String) async throws -> T
    ) async throws -> T {
        if let current = token {
            do {
                return try await body(current)
            } catch let error as RPCError where error.code == .unauthenticated {
                // The token of an earlier step expired while this service came up.
            }
        }
        let fresh = try await signInSetup(identity, record: &record)
        try save(record)
        token = fresh
        return try await body(fresh)
    }

    /// Signs the setup admin in with its password and a TOTP code of a step after the last one
    /// used (waiting for the next 30-second step if need be); records the step used.
    private func signInSetup(_ identity: Tillit_Identity_V1_Identity.Client, record: inout Record)
        async throws
        -> String
    {
        guard let secret = Base32.decode(record.setupTotpSecret) else {
            throw RPCError(code: .internalError, message: "demo.json holds a TOTP secret that is not Base32")
        }
        let totp = TOTP(secret: secret)
        var login = Tillit_Identity_V1_LoginRequest()
        login.organizationID.value = record.organizationId
        login.email = "setup@\(Self.domain)"
        login.password = record.password
        var attempts = 0
        while true {
            attempts += 1
            // A code of the current or the next step is accepted, once, if later than the last used.
            let step = max(TOTP.step(at: Date()), (record.setupTotpLastStep ?? Int64.min + 1) + 1)
            while TOTP.step(at: Date()) + 1 < step {
                try await Task.sleep(for: .seconds(1))
            }
            login.totpCode = totp.code(step: step)
            do {
                let session = try await identity.login(login)
                record.setupTotpLastStep = step
                return session.tokens.accessToken
            } catch let error as RPCError where error.code == .unauthenticated && attempts < 3 {
                // That step was used after all (an older demo.json does not say): take a later one.
                record.setupTotpLastStep = step
            }
        }
    }

    /// Writes `record` to `demo.json` (owner-only) atomically: a temporary file, then a rename.
    private func save(_ record: Record) throws {
        let data = try JSONEncoder().encode(record)
        let temporary = recordFile.path + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else {
            throw CLIError(.internalError, "cannot write \(temporary)")
        }
        guard rename(temporary, recordFile.path) == 0 else {
            throw CLIError(.internalError, "cannot rename \(temporary) to \(recordFile.path)")
        }
    }

    /// The login hints.
    static func hints(_ record: Record, fresh: Bool) -> String {
        var lines = [
            fresh
                ? "demo: seeded \(record.organizationName)."
                : "demo: \(record.organizationName) is already seeded.",
            "  organisation id: \(record.organizationId)",
            "  password of every account: \(record.password)",
        ]
        let width = record.accounts.map { $0[0].count }.max() ?? 0
        lines += record.accounts.map {
            "  " + $0[0].padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0[1]
        }
        lines.append("  log in: tillit login --org \(record.organizationId) --email <e-mail>")
        lines += [
            "  all staff enrol two-factor at first login (tillit mfa enrol, tillit mfa confirm <code>,",
            "  then tillit login … --totp <code>): the demo practice keeps the default that every",
            "  staff account needs it (an admin turns that off: `tillit org update --staff-totp off`).",
        ]
        return lines.joined(separator: "\n")
    }

    /// The e-mail domain of the demo staff.
    static let domain = "demo.tillit.test"

    /// Creates everything; nil when Identity already holds an organisation seeded elsewhere.
    /// Returns the record and the setup admin's access token.
    private func seed() async throws -> (Record, String)? {
        let rpc = RPCClient(
            host: address.host, port: address.port,
            configuration: RPCClientConfiguration(transportSecurity: security))
        defer { rpc.close() }
        let identity = Tillit_Identity_V1_Identity.Client(rpc)

        var bootstrap = Tillit_Identity_V1_BootstrapRequest()
        bootstrap.organizationName = "Demo Practice"
        bootstrap.timeZone = "Europe/Stockholm"
        bootstrap.locations = [
            Self.location("Södermalm", "Götgatan 10\n116 46 Stockholm", "Stockholm"),
            Self.location("Vasastaden", "Kungsportsavenyen 5\n411 36 Göteborg", "Göteborg"),
        ]
        bootstrap.adminEmail = "setup@\(Self.domain)"
        bootstrap.adminDisplayName = "Demo Setup"
        bootstrap.adminPassword = Self.password
        let organization: Tillit_Identity_V1_Organization
        do {
            organization = try await identity.bootstrap(bootstrap).organization
        } catch let error as RPCError where error.code == .permissionDenied {
            say(
                "demo: Identity already holds an organisation that the demo did not create; no demo data added"
            )
            return nil
        }
        let orgID = organization.id.value

        // The setup admin enrols TOTP (it needs a full session to create accounts).
        var login = Tillit_Identity_V1_LoginRequest()
        login.organizationID.value = orgID
        login.email = bootstrap.adminEmail
        login.password = Self.password
        let first = try await identity.login(login)
        let enrolment = try await identity.enrolTotp(.init(), options: Self.bearer(first.tokens.accessToken))
        guard let secret = Base32.decode(enrolment.secret) else {
            throw RPCError(code: .internalError, message: "EnrolTotp returned a secret that is not Base32")
        }
        var confirm = Tillit_Identity_V1_ConfirmTotpRequest()
        let totp = TOTP(secret: secret)
        let step = TOTP.step(at: Date())
        confirm.code = totp.code(step: step)
        _ = try await identity.confirmTotp(confirm, options: Self.bearer(first.tokens.accessToken))
        login.totpCode = totp.code(step: step + 1)  // the current step's code is used up
        let session = try await identity.login(login)
        let options = Self.bearer(session.tokens.accessToken)

        var accounts: [[String]] = []
        func staff(
            _ local: String, _ name: String, _ roles: [Tillit_Identity_V1_Role], _ discipline: String,
            _ languages: [String], licence: Tillit_Identity_V1_LicenceStatus = .unspecified,
            supervisor: String? = nil
        ) async throws -> String {
            var request = Tillit_Identity_V1_CreateStaffAccountRequest()
            request.email = "\(local)@\(Self.domain)"
            request.displayName = name
            request.roles = roles
            request.profile.discipline = discipline
            request.profile.languages = languages
            request.profile.licenceStatus = licence
            if let supervisor { request.profile.supervisorID.value = supervisor }
            request.initialPassword = Self.password
            let account = try await identity.createStaffAccount(request, options: options).account
            var what = Names.words(roles).joined(separator: "+")
            if !discipline.isEmpty { what += ", \(discipline)" }
            if licence == .preLicensed { what += ", pre-licensed" }
            accounts.append([request.email, "\(name) (\(what))"])
            return account.id.value
        }
        _ = try await staff("admin", "Alva Lind", [.admin], "", ["sv", "en"])
        let supervisor = try await staff(
            "dana", "Dana Kowalska", [.practitioner, .supervisor], "psychologist", ["pl", "sv", "en"],
            licence: .licensed)
        let therapist = try await staff(
            "bjorn", "Björn Ek", [.practitioner], "psychotherapist", ["sv", "en"], licence: .licensed)
        _ = try await staff(
            "eino", "Eino Virtanen", [.practitioner], "social worker", ["fi", "sv"], licence: .licensed)
        _ = try await staff(
            "farah", "Farah Said", [.practitioner], "skin therapist", ["sv", "ar"], licence: .licensed)
        _ = try await staff(
            "gustav", "Gustav Holm", [.practitioner], "psychotherapist", ["sv"], licence: .preLicensed,
            supervisor: supervisor)
        _ = try await staff("hanna", "Hanna Berg", [.scheduler], "", ["sv", "en"])

        let clients: [(String, String, String, [String])] = [
            ("ida", "Ida Nilsson", "", ["sv"]), ("jussi", "Jussi Mäkinen", "Europe/Helsinki", ["fi", "sv"]),
            ("kasia", "Katarzyna Nowak", "", ["pl", "en"]),
        ]
        for (index, (local, name, timeZone, languages)) in clients.enumerated() {
            var request = Tillit_Identity_V1_CreateClientAccountRequest()
            request.email = "\(local)@example.net"
            request.displayName = name
            request.profile.timeZone = timeZone
            request.profile.languages = languages
            let client = try await identity.createClientAccount(request, options: options).account
            var kinds: [Tillit_Identity_V1_ConsentKind] = [.treatment]
            if index == 0 { kinds += [.contactByMessage, .shareWithPractitioner] }
            for kind in kinds {
                var consent = Tillit_Identity_V1_RecordConsentRequest()
                consent.clientID = client.id
                consent.kind = kind
                if kind == .shareWithPractitioner { consent.practitionerID.value = therapist }
                consent.howGiven = "demo data: signed form at intake"
                _ = try await identity.recordConsent(consent, options: options)
            }
            accounts.append([request.email, "\(name) (client, no password: `tillit password set <id>`)"])
        }
        let record = Record(
            organizationId: orgID, organizationName: organization.name, password: Self.password,
            accounts: accounts, setupTotpSecret: enrolment.secret, setupTotpLastStep: step + 1)
        return (record, session.tokens.accessToken)
    }

    private static func location(_ name: String, _ address: String, _ city: String)
        -> Tillit_Identity_V1_NewLocation
    {
        var location = Tillit_Identity_V1_NewLocation()
        location.name = name
        location.address = address
        location.city = city
        return location
    }

    /// The account of `kind` with `email`, read with the setup admin's `options`;
    /// FAILED_PRECONDITION when the demo account is missing.
    static func account(
        _ identity: Tillit_Identity_V1_Identity.Client, options: CallOptions,
        kind: Tillit_Identity_V1_AccountKind,
        email: String
    ) async throws -> Tillit_Identity_V1_Account {
        var request = Tillit_Identity_V1_ListAccountsRequest()
        request.kind = kind
        request.page.pageSize = 200
        repeat {
            let response = try await identity.listAccounts(request, options: options)
            if let account = response.accounts.first(where: { $0.email == email }) { return account }
            request.page.pageToken = response.page.nextPageToken
        } while !request.page.pageToken.isEmpty
        throw RPCError(code: .failedPrecondition, message: "the demo account \(email) is missing in Identity")
    }

    /// Call options with `authorization: Bearer <token>`.
    static func bearer(_ token: String) -> CallOptions {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(token)")
        return CallOptions(metadata: metadata)
    }
}
