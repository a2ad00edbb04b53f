import Foundation
import Testing
import TillitCLI
import TillitTesting

/// The real `tillit` binary against a real `tillit-identity` process.
@Suite(.serialized, .timeLimit(.minutes(5))) struct CLIIdentityTests {
    static let password = "correct horse battery"

    @Test func bootstrapMFAStaffClientsConsentWhoamiLogout() async throws {
        let stack = try await IdentityStack.start()
        defer { stack.tearDown() }
        let (org, admin) = try await stack.bootstrapWithAdmin(password: Self.password)

        // whoami, for people and as JSON.
        let human = try await admin.run(["whoami"])
        #expect(human.status == 0, "\(human)")
        for text in [
            "Ada Admin", "admin@test.example", "Roles:", "admin", "Test Practice", org, "Token expires:",
        ] {
            #expect(human.stdout.contains(text), "\(text) missing: \(human)")
        }
        let whoami = try await admin.run(["whoami", "--json"])
        #expect(whoami.status == 0, "\(whoami)")
        #expect(whoami.value("account", "email") as? String == "admin@test.example")
        #expect(whoami.value("account", "roles") as? [String] == ["admin"])
        #expect(whoami.value("account", "totpEnabled") as? Bool == true)
        #expect(whoami.value("organization", "id") as? String == org)
        #expect(whoami.value("organization", "timeZone") as? String == "Europe/Stockholm")
        let expiry = try #require(whoami.value("accessTokenExpiresAt") as? String)
        #expect(ISO8601DateFormatter().date(from: expiry).map { $0 > Date() } == true)

        // The session file and its folder are private.
        let fileMode =
            try FileManager.default.attributesOfItem(atPath: admin.sessionFile.path)[.posixPermissions]
            as? Int
        #expect(fileMode == 0o600)
        let folderMode =
            try FileManager.default.attributesOfItem(atPath: admin.configDirectory.path)[.posixPermissions]
            as? Int
        #expect(folderMode == 0o700)

        // org show, locations, contact policy.
        let show = try await admin.run(["org", "show"])
        #expect(
            show.status == 0 && show.stdout.contains("Centrum") && show.stdout.contains("Umeå"), "\(show)")
        let location = try await admin.run(
            [
                "org", "location", "add", "--name", "Norr", "--address", "Kungsgatan 2", "--city", "Luleå",
                "--json",
            ])
        #expect(location.status == 0 && location.value("city") as? String == "Luleå", "\(location)")
        let policy = try await admin.run([
            "org", "contact-policy", "set", "--hours", "mon-fri 09:00-17:00", "--night-rule", "no-contact",
            "--weekend-rule", "emergency-only", "--emergency", "Call 112", "--crisis-line",
            "Mind|90101|around the clock|https://mind.se", "--json",
        ])
        #expect(policy.status == 0, "\(policy)")
        #expect((policy.value("hours") as? [Any])?.count == 5)
        #expect(try await admin.run(["org", "contact-policy", "show"]).stdout.contains("emergency-only"))

        // A practitioner and a client.
        let staff = try await admin.run(
            [
                "staff", "add", "--email", "pia@test.example", "--name", "Pia Praktiker", "--role",
                "practitioner",
                "--discipline", "psychotherapist", "--language", "sv", "--licence", "licensed",
                "--password-stdin",
                "--json",
            ], stdin: "practitioner password\n")
        #expect(staff.status == 0, "\(staff)")
        #expect(staff.value("roles") as? [String] == ["practitioner"])
        #expect(staff.value("discipline") as? String == "psychotherapist")
        let list = try await admin.run(["staff", "list"])
        #expect(list.stdout.contains("Pia Praktiker") && list.stdout.contains("psychotherapist"), "\(list)")
        let listJSON = try await admin.run(["staff", "list", "--role", "practitioner", "--json"])
        #expect(listJSON.jsonArray?.map { $0["email"] as? String } == ["pia@test.example"], "\(listJSON)")

        let client = try await admin.run(
            [
                "client", "add", "--email", "eva@test.example", "--name", "Eva Klient", "--language", "fi",
                "--json",
            ])
        #expect(client.status == 0, "\(client)")
        let clientID = try #require(client.value("id") as? String)
        #expect(try await admin.run(["client", "list"]).stdout.contains("Eva Klient"))

        // Consent: on the client's behalf needs --how-given.
        let noHow = try await admin.run(["consent", "grant", clientID, "treatment"])
        #expect(noHow.status == CLIExitCode.usage.rawValue, "\(noHow)")
        #expect(noHow.stderr.contains("--how-given"))
        let grant = try await admin.run([
            "consent", "grant", clientID, "treatment", "--how-given", "orally at intake", "--json",
        ])
        #expect(grant.status == 0, "\(grant)")
        let consentID = try #require(grant.value("id") as? String)
        let consents = try await admin.run(["consent", "list", clientID, "--json"])
        #expect(
            consents.jsonArray?.count == 1 && consents.jsonArray?.first?["inForce"] as? Bool == true,
            "\(consents)")
        #expect(try await admin.run(["consent", "list", clientID]).stdout.contains("orally at intake"))
        let revoke = try await admin.run(["consent", "revoke", consentID, "--how-given", "by phone"])
        #expect(revoke.status == 0, "\(revoke)")
        #expect(try await admin.run(["consent", "list", clientID, "--json"]).jsonArray?.isEmpty == true)
        let all = try await admin.run(["consent", "list", clientID, "--include-revoked", "--json"])
        #expect(all.jsonArray?.first?["inForce"] as? Bool == false, "\(all)")

        // Audit.
        let audit = try await admin.run(["audit", "verify"])
        #expect(audit.status == 0 && audit.stdout.contains("intact"), "\(audit)")
        let events = try await admin.run(["audit", "list", "--action", "login", "--json"])
        #expect((events.jsonArray?.count ?? 0) >= 2, "\(events)")
        let checkpointFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("tillit-\(UUID().uuidString).checkpoint").path
        defer { try? FileManager.default.removeItem(atPath: checkpointFile) }
        let checkpoint = try await admin.run(["audit", "checkpoint", "--out", checkpointFile, "--json"])
        #expect(checkpoint.status == 0 && (checkpoint.value("hash") as? String)?.count == 64, "\(checkpoint)")
        let rewrite = try await admin.run(["audit", "checkpoint", "--out", checkpointFile])
        #expect(rewrite.status == CLIExitCode.conflict.rawValue, "never overwrites a checkpoint: \(rewrite)")
        let checked = try await admin.run(["audit", "verify", "--checkpoint", checkpointFile])
        #expect(checked.status == 0 && checked.stdout.contains("intact"), "\(checked)")
        let missing = try await admin.run(["audit", "verify", "--checkpoint", checkpointFile + ".absent"])
        #expect(missing.status == CLIExitCode.invalidInput.rawValue, "\(missing)")

        // The practitioner logs in without two-factor.
        let pia = stack.user("pia")
        let piaLogin = try await pia.run(
            ["login", "--org", org, "--email", "pia@test.example", "--password-stdin", "--json"],
            stdin: "practitioner password\n")
        #expect(piaLogin.status == 0, "\(piaLogin)")
        #expect(piaLogin.value("totpEnrolmentRequired") as? Bool == false)
        let piaWho = try await pia.run(["whoami", "--json"])
        #expect(piaWho.value("account", "roles") as? [String] == ["practitioner"], "\(piaWho)")
        // Not allowed for a practitioner: 77 and a clear message.
        let denied = try await pia.run(["audit", "verify"])
        #expect(denied.status == CLIExitCode.auth.rawValue, "\(denied)")
        #expect(denied.stderr.contains("not allowed"))

        // Bad input: 65 with the service's reason.
        let badEmail = try await admin.run(
            [
                "staff", "add", "--email", "not-an-email", "--name", "X", "--role", "scheduler",
                "--password-stdin",
            ],
            stdin: "scheduler password\n")
        #expect(badEmail.status == CLIExitCode.invalidInput.rawValue, "\(badEmail)")
        #expect(badEmail.stderr.hasPrefix("tillit: invalid input"), "\(badEmail)")
        // A second bootstrap conflicts.
        let again = try await admin.run(
            [
                "org", "bootstrap", "--name", "Other", "--time-zone", "Europe/Oslo", "--admin-email",
                "o@test.example",
                "--admin-name", "O", "--password-stdin",
            ], stdin: Self.password + "\n")
        #expect(again.status == CLIExitCode.conflict.rawValue, "\(again)")

        // Logout, then whoami asks to log in.
        let logout = try await admin.run(["logout"])
        #expect(logout.status == 0 && logout.stdout.contains("Logged out"), "\(logout)")
        #expect(!FileManager.default.fileExists(atPath: admin.sessionFile.path))
        let after = try await admin.run(["whoami"])
        #expect(after.status == CLIExitCode.auth.rawValue, "\(after)")
        #expect(after.stderr.contains("not logged in: run `tillit login"), "\(after)")
        #expect(after.stdout.isEmpty)
    }

    @Test func enrolmentRequiredIsExplained() async throws {
        let stack = try await IdentityStack.start()
        defer { stack.tearDown() }
        let admin = stack.user("admin")
        let boot = try await admin.run(
            [
                "org", "bootstrap", "--name", "P", "--time-zone", "Europe/Stockholm", "--admin-email",
                "a@test.example",
                "--admin-name", "A", "--password-stdin", "--json",
            ], stdin: Self.password + "\n")
        let org = try #require(boot.value("organization", "id") as? String, "\(boot)")
        let login = try await admin.run(
            ["login", "--org", org, "--email", "a@test.example", "--password-stdin"],
            stdin: Self.password + "\n")
        #expect(login.status == 0, "\(login)")
        #expect(
            login.stdout.contains("tillit mfa enrol") && login.stdout.contains("tillit mfa confirm"),
            "\(login)")
        let whoami = try await admin.run(["whoami"])
        #expect(whoami.status == CLIExitCode.auth.rawValue, "\(whoami)")
        #expect(whoami.stderr.contains("tillit mfa enrol"), "\(whoami)")
    }

    @Test func wrongPasswordThenLockedAccount() async throws {
        let stack = try await IdentityStack.start()
        defer { stack.tearDown() }
        let (org, _) = try await stack.bootstrapWithAdmin(password: Self.password)
        let someone = stack.user("someone")
        let arguments = ["login", "--org", org, "--email", "admin@test.example", "--password-stdin"]
        let wrong = try await someone.run(arguments, stdin: "not the password\n")
        #expect(wrong.status == CLIExitCode.auth.rawValue, "\(wrong)")
        #expect(wrong.stderr.contains("sign-in failed"), "\(wrong)")
        #expect(!wrong.stderr.contains("Error:"))
        for _ in 0..<4 { _ = try await someone.run(arguments, stdin: "not the password\n") }
        let locked = try await someone.run(arguments, stdin: Self.password + "\n")
        #expect(locked.status != 0, "\(locked)")
        #expect(locked.stderr.contains("try again later"), "\(locked)")
        #expect(!FileManager.default.fileExists(atPath: someone.sessionFile.path))
    }

    @Test func expiredAccessTokenIsRefreshedSilently() async throws {
        let stack = try await IdentityStack.start()
        defer { stack.tearDown() }
        let (_, admin) = try await stack.bootstrapWithAdmin(password: Self.password)
        let before = try admin.session()
        try admin.editSession {
            $0["accessTokenExpiresAt"] = "2020-01-01T00:00:00Z"
        }
        let whoami = try await admin.run(["whoami", "--json"])
        #expect(whoami.status == 0, "\(whoami)")
        let after = try admin.session()
        #expect(after["refreshToken"] as? String != before["refreshToken"] as? String)
        #expect(after["accessToken"] as? String != before["accessToken"] as? String)
        // A garbled access token that looks valid: the call answers UNAUTHENTICATED, the CLI
        // refreshes once and retries.
        try admin.editSession { $0["accessToken"] = "garbage" }
        let retried = try await admin.run(["whoami"])
        #expect(retried.status == 0, "\(retried)")
        #expect(try admin.session()["refreshToken"] as? String != after["refreshToken"] as? String)
        let mode =
            try FileManager.default.attributesOfItem(atPath: admin.sessionFile.path)[.posixPermissions]
            as? Int
        #expect(mode == 0o600)
    }

    @Test func revokedRefreshTokenAsksToLogIn() async throws {
        let stack = try await IdentityStack.start()
        defer { stack.tearDown() }
        let (_, admin) = try await stack.bootstrapWithAdmin(password: Self.password)
        // A copy of the session elsewhere; logging out the original ends the session family.
        let copy = stack.user("copy")
        try FileManager.default.createDirectory(at: copy.configDirectory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: admin.sessionFile, to: copy.sessionFile)
        #expect(try await admin.run(["logout"]).status == 0)
        try copy.editSession { $0["accessTokenExpiresAt"] = "2020-01-01T00:00:00Z" }
        let whoami = try await copy.run(["whoami"])
        #expect(whoami.status == CLIExitCode.auth.rawValue, "\(whoami)")
        #expect(
            whoami.stderr.contains("session ended") && whoami.stderr.contains("log in again"), "\(whoami)")
    }

    @Test func serviceDownExitsUnavailable() async throws {
        // The port stays reserved after the kill, so no other test's server can answer on it.
        let reservation = try RefusingPort(reusable: true)
        defer { withExtendedLifetime(reservation) {} }
        let stack = try await IdentityStack.start(environment: [
            "TILLIT_IDENTITY_ADDR": "127.0.0.1:\(reservation.port)"
        ])
        defer { stack.tearDown() }
        let (_, admin) = try await stack.bootstrapWithAdmin(password: Self.password)
        stack.child.signal(SIGKILL)
        #expect(await stack.child.waitForExit() != nil)
        let whoami = try await admin.run(["whoami"])
        #expect(whoami.status == CLIExitCode.unavailable.rawValue, "\(whoami)")
        #expect(
            whoami.stderr.contains("is not reachable") && whoami.stderr.contains("tillit stack up"),
            "\(whoami)")
        #expect(whoami.stderr.split(separator: "\n").count == 1)
    }

    @Test func badTimeZoneIsInvalidInput() async throws {
        let stack = try await IdentityStack.start()
        defer { stack.tearDown() }
        let user = stack.user("u")
        let result = try await user.run(
            [
                "org", "bootstrap", "--name", "P", "--time-zone", "Mars/Olympus", "--admin-email",
                "a@test.example",
                "--admin-name", "A", "--password-stdin",
            ], stdin: Self.password + "\n")
        #expect(result.status == CLIExitCode.invalidInput.rawValue, "\(result)")
        #expect(result.stderr.contains("invalid input"), "\(result)")
    }

    @Test func everyCommandHasHelpWithAnExample() async throws {
        let commands: [[String]] = [
            ["login"], ["logout"], ["whoami"], ["org", "bootstrap"], ["org", "show"],
            ["org", "location", "add"],
            ["org", "contact-policy", "set"], ["staff", "add"], ["staff", "list"], ["staff", "roles"],
            ["staff", "deactivate"], ["client", "add"], ["client", "list"], ["consent", "grant"],
            ["consent", "revoke"], ["consent", "list"], ["mfa", "enrol"], ["mfa", "confirm"],
            ["password", "change"],
            ["password", "set"], ["audit", "verify"], ["audit", "checkpoint"], ["audit", "list"],
            ["stack", "up"], ["health"],
            ["certs", "init"],
            ["booking"], ["booking", "session-types", "list"], ["booking", "session-types", "create"],
            ["booking", "session-types", "archive"], ["booking", "availability", "set"],
            ["booking", "availability", "list"], ["booking", "exceptions", "add"],
            ["booking", "exceptions", "list"],
            ["booking", "exceptions", "remove"], ["booking", "slots"], ["booking", "book"],
            ["booking", "cancel"],
            ["booking", "reschedule"], ["booking", "attended"], ["booking", "no-show"],
            ["booking", "appointments", "list"], ["booking", "appointments", "show"],
            ["booking", "policy", "get"],
            ["booking", "policy", "set"], ["booking", "intake", "list"], ["booking", "intake", "accept"],
            ["booking", "intake", "decline"], ["booking", "check-ins", "mark"],
            ["booking", "check-ins", "due"],
            ["booking", "check-ins", "close"], ["booking", "contact-window"], ["booking", "care"],
            ["booking", "contact-hours"], ["booking", "agreements"], ["booking", "agreements", "propose"],
            ["booking", "agreements", "accept"], ["booking", "agreements", "decline"],
            ["booking", "agreements", "pause"], ["booking", "agreements", "resume"],
            ["booking", "agreements", "end"], ["booking", "agreements", "show"],
            ["booking", "agreements", "list"], ["booking", "waitlist"], ["booking", "waitlist", "join"],
            ["booking", "waitlist", "leave"], ["booking", "waitlist", "accept"],
            ["booking", "waitlist", "list"],
            ["notes"], ["notes", "write"], ["notes", "edit"], ["notes", "sign"], ["notes", "addendum"],
            ["notes", "list"], ["notes", "drafts"], ["notes", "show"], ["notes", "comment"],
            ["notes", "export"],
            ["notes", "access-log"], ["notes", "verify-audit"], ["notes", "rewrap"], ["notes", "queue"],
            ["notes", "cosign"], ["notes", "return"], ["notes", "emergency"],
        ]
        for command in commands {
            let result = try await runTillit(command + ["--help"])
            #expect(result.status == 0, "\(command)")
            #expect(result.output.contains("Example"), "\(command) --help has no example")
        }
        let top = try await runTillit(["--help"])
        #expect(top.output.contains("77") && top.output.contains("69"))
    }
}
