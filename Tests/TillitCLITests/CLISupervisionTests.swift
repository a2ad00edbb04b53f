import Foundation
import Testing
import TillitCLI
import TillitTesting

/// `tillit supervision …` through the real binary against real `tillit-identity`,
/// `tillit-booking`, `tillit-notes` and `tillit-supervision` processes (port 0, ready files, a
/// fresh data folder, the test PKI).
@Suite(.timeLimit(.minutes(8))) struct CLISupervisionTests {
    static let password = CLINotesTests.password

    /// The Notes practice (admin, licensed practitioner, clients) plus a supervisor (two-factor)
    /// and a pre-licensed trainee Identity names her as supervisor of, every user told where
    /// Supervision is.
    struct Practice {
        let stack: SupervisionStack
        let notes: CLINotesTests.Practice
        let admin: CLIUser
        let supervisor: CLIUser
        let supervisorID: String
        let trainee: CLIUser
        let traineeID: String
        let practitioner: CLIUser
        var organization: String { notes.organization }
        var files: URL { notes.files }
    }

    static func practice() async throws -> Practice {
        let stack = try await SupervisionStack.start()
        do {
            let notes = try await CLINotesTests.practice(on: stack.notes)
            func told(_ user: CLIUser) -> CLIUser {
                var user = user
                user.environment["TILLIT_SUPERVISION_ADDR"] = stack.supervisionAddress
                return user
            }
            let admin = told(notes.admin)
            let supervisorID = try await CLINotesTests.addStaff(
                admin, email: "sam@test.example", name: "Sam Handledare",
                ["--role", "supervisor", "--licence", "licensed"])
            let supervisor = stack.user("supervisor")
            try await supervisor.logInEnrollingTOTP(
                org: notes.organization, email: "sam@test.example", password: password)
            let traineeID = try await CLINotesTests.addStaff(
                admin, email: "pelle@test.example", name: "Pelle Praktikant",
                ["--licence", "pre-licensed", "--supervisor", supervisorID])
            let trainee = told(
                try await CLINotesTests.logIn(
                    stack.notes, "trainee", notes.organization, "pelle@test.example"))
            return Practice(
                stack: stack, notes: notes, admin: admin, supervisor: supervisor, supervisorID: supervisorID,
                trainee: trainee, traineeID: traineeID, practitioner: told(notes.practitioner))
        } catch {
            stack.tearDown()
            throw error
        }
    }

    /// The admin starts the relationship; the queue, return, approve (retried), hours logged,
    /// the report as a table, JSON, CSV and PNG, and a verified period.
    @Test func relationshipQueueApproveHoursReportAndVerify() async throws {
        let practice = try await Self.practice()
        defer { practice.stack.tearDown() }
        let (admin, supervisor, trainee) = (practice.admin, practice.supervisor, practice.trainee)

        let categories = try await admin.run([
            "supervision", "categories", "--set", "individual, case review",
        ])
        #expect(categories.status == 0 && categories.stdout == "individual\ncase review\n", "\(categories)")
        // Identity names Sam as Pelle's supervisor; review mode is refused for a pre-licensed one.
        let review = try await admin.run([
            "supervision", "relationships", "add", "--supervisor", practice.supervisorID, "--supervisee",
            practice.traineeID, "--mode", "review", "--starts-on", "2026-01-01", "--agreement-approved-on",
            "2026-01-01",
        ])
        #expect(review.status == CLIExitCode.invalidInput.rawValue, "\(review)")
        let added = try await admin.run([
            "supervision", "relationships", "add", "--supervisor", practice.supervisorID, "--supervisee",
            practice.traineeID, "--mode", "cosign-all", "--starts-on", "2026-01-01",
            "--agreement-approved-on",
            "2026-01-05", "--json",
        ])
        #expect(added.status == 0, "\(added)")
        #expect(added.value("mode") as? String == "cosign-all", "\(added)")
        #expect(added.value("agreementApprovedOn") as? String == "2026-01-05", "\(added)")
        let mine = try await trainee.run(["supervision", "relationships"])
        #expect(mine.status == 0, "\(mine)")
        #expect(mine.stdout.contains("Sam Handledare") && mine.stdout.contains("Pelle Praktikant"), "\(mine)")
        let others = try await practice.practitioner.run(["supervision", "relationships", "list", "--json"])
        #expect(others.status == 0 && others.jsonArray?.isEmpty == true, "\(others)")

        // The trainee's signed note waits in the supervisor's queue; returned; fixed; approved.
        _ = try await CLINotesTests.appointment(
            admin, practitioner: practice.traineeID, client: practice.notes.clientID, hoursAhead: 30)
        let first = try CLINotesTests.file(practice.files, "first.md", "We talked about sleep.\n")
        let written = try await trainee.run([
            "notes", "write", "--client", practice.notes.clientID, "--file", first, "--sign",
        ])
        #expect(written.status == 0, "\(written)")
        let noteID = CLINotesTests.printedID(written)
        let queue = try await supervisor.run(["supervision", "queue", "--json"])
        #expect(queue.jsonArray?.compactMap { $0["id"] as? String } == [noteID], "\(queue)")
        let table = try await supervisor.run(["supervision", "queue"])
        #expect(table.stdout.contains("Pelle Praktikant") && table.stdout.contains(noteID), "\(table)")
        let notHers = try await practice.practitioner.run(["supervision", "approve", noteID])
        #expect(notHers.status != 0, "\(notHers)")
        let returned = try await supervisor.run([
            "supervision", "return", noteID, "--comment", "Add the plan.",
        ])
        #expect(returned.status == 0, "\(returned)")
        #expect(
            returned.stdout == "Returned session note to Pelle Praktikant as a draft: \(noteID)\n",
            "\(returned)")
        let second = try CLINotesTests.file(
            practice.files, "second.md", "We talked about sleep.\n## Plan\nA sleep diary.\n")
        let edited = try await trainee.run(["notes", "edit", noteID, "--version", "1", "--file", second])
        #expect(edited.status == 0, "\(edited)")
        let signed = try await trainee.run(["notes", "sign", noteID, "--version", "2"])
        #expect(signed.status == 0, "\(signed)")
        let approve = ["supervision", "approve", noteID, "--request-key", "review-1", "--json"]
        let approved = try await supervisor.run(approve)
        #expect(approved.status == 0, "\(approved)")
        #expect(approved.value("status") as? String == "cosigned", "\(approved)")
        #expect(approved.value("cosignedBy") as? String == practice.supervisorID, "\(approved)")
        let retried = try await supervisor.run(approve)
        #expect(retried.status == 0 && retried.value("status") as? String == "cosigned", "\(retried)")
        let empty = try await supervisor.run(["supervision", "queue"])
        #expect(empty.stdout == "No notes await your co-signature.\n", "\(empty)")

        // Hours: one session in February, two in March; an unknown category is refused.
        let unknown = try await trainee.run([
            "supervision", "hours", "log", "--supervisee", "me", "--date", "2026-02-10", "--minutes", "60",
            "--category", "yoga",
        ])
        #expect(unknown.status == CLIExitCode.invalidInput.rawValue, "\(unknown)")
        let logged = try await trainee.run([
            "supervision", "hours", "log", "--supervisee", "me", "--date", "2026-02-10", "--minutes", "60",
            "--category", "individual", "--json",
        ])
        #expect(logged.status == 0 && logged.value("minutes") as? Int == 60, "\(logged)")
        #expect(logged.value("supervisorId") as? String == practice.supervisorID, "\(logged)")
        for (date, minutes, category) in [
            ("2026-03-03", "45", "case review"), ("2026-03-24", "45", "individual"),
        ] {
            let more = try await supervisor.run([
                "supervision", "hours", "log", "--supervisee", practice.traineeID, "--date", date,
                "--minutes",
                minutes, "--category", category, "--kind", "group",
            ])
            #expect(
                more.status == 0 && more.stdout.hasPrefix("Logged 45 min of group supervision"), "\(more)")
        }
        let verified = try await supervisor.run([
            "supervision", "hours", "verify", "--supervisee", practice.traineeID, "--from", "2026-02-01",
            "--to",
            "2026-02-28", "--json",
        ])
        #expect(verified.status == 0 && verified.value("sessions") as? Int == 1, "\(verified)")
        #expect(verified.value("minutes") as? Int == 60, "\(verified)")
        let traineeVerifies = try await trainee.run([
            "supervision", "hours", "verify", "--supervisee", "me", "--from", "2026-03-01", "--to",
            "2026-03-31",
        ])
        #expect(traineeVerifies.status == CLIExitCode.auth.rawValue, "\(traineeVerifies)")

        let csv = practice.files.appendingPathComponent("hours.csv")
        let png = practice.files.appendingPathComponent("hours.png")
        let report = try await supervisor.run([
            "supervision", "hours", "report", "--supervisee", practice.traineeID, "--from", "2026-02-01",
            "--to",
            "2026-03-31", "--csv", csv.path, "--png", png.path,
        ])
        #expect(report.status == 0, "\(report)")
        let lines = report.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Supervision hours of Pelle Praktikant (h:mm, Europe/Stockholm)", "\(report)")
        let february = try #require(lines.first { $0.hasPrefix("2026-02-01 – 2026-02-28") }, "\(report)")
        #expect(february.contains("1:00") && february.contains("verified"), "\(february)")
        let march = try #require(lines.first { $0.hasPrefix("2026-03-01 – 2026-03-31") }, "\(report)")
        #expect(march.contains("1:30") && !march.contains("verified"), "\(march)")
        #expect(lines.contains { $0.hasPrefix("total") && $0.contains("2:30") }, "\(report)")
        let csvText = try String(contentsOf: csv, encoding: .utf8)
        #expect(
            csvText
                == "period_start,period_end,supervision_minutes,category:case review,category:individual,"
                + "direct_contact_minutes,ratio,verified\r\n"
                + "2026-02-01,2026-02-28,60,0,60,0,0.000000,true\r\n"
                + "2026-03-01,2026-03-31,90,45,45,0,0.000000,false\r\n", "\(csvText)")
        let image = try Data(contentsOf: png)
        #expect(Array(image.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG file")
        let json = try await supervisor.run([
            "supervision", "hours", "report", "--supervisee", practice.traineeID, "--period", "custom",
            "--from",
            "2026-02-01", "--to", "2026-03-31", "--json",
        ])
        #expect(json.status == 0, "\(json)")
        #expect((json.value("periods") as? [Any])?.count == 1, "\(json)")
        #expect(json.value("total", "supervisionMinutes") as? Int == 150, "\(json)")
        // Another supervisee's report is not the practitioner's to read.
        let nosy = try await practice.practitioner.run([
            "supervision", "hours", "report", "--supervisee", practice.traineeID,
        ])
        #expect(nosy.status != 0, "\(nosy)")
    }

    /// Incidents flag the trainee at the third gift; the supervisor lists and clears the flag;
    /// the admin sees counts only; a consultation with a consenting client, the client withheld
    /// once consent is revoked; the audit chain verifies; Supervision down exits 69.
    @Test func incidentsFlagsConsultationsAuditAndSupervisionDown() async throws {
        let practice = try await Self.practice()
        defer { practice.stack.tearDown() }
        let (admin, supervisor, trainee) = (practice.admin, practice.supervisor, practice.trainee)
        let added = try await admin.run([
            "supervision", "relationships", "add", "--supervisor", practice.supervisorID, "--supervisee",
            practice.traineeID, "--mode", "cosign-all", "--starts-on", "2026-01-01",
            "--agreement-approved-on",
            "2026-01-05",
        ])
        #expect(added.status == 0, "\(added)")
        let categories = try await admin.run(["supervision", "categories", "--set", "individual"])
        #expect(categories.status == 0, "\(categories)")

        var flagged: TillitRun?
        for (index, date) in ["2026-11-01", "2026-11-05", "2026-11-10"].enumerated() {
            let logged = try await trainee.run([
                "supervision", "incidents", "log", "--category", "gift", "--date", date, "--text",
                "Flowers from a client, number \(index + 1).",
            ])
            #expect(logged.status == 0, "\(logged)")
            #expect(logged.stdout.contains("flagged for supervision") == (index == 2), "\(logged)")
            flagged = logged
        }
        #expect(flagged?.stdout.contains("3 gift incidents") == true, "\(String(describing: flagged))")
        let flags = try await supervisor.run(["supervision", "flags", "--json"])
        #expect(flags.status == 0 && flags.jsonArray?.count == 1, "\(flags)")
        let flagID = try #require(flags.jsonArray?.first?["id"] as? String, "\(flags)")
        #expect(flags.jsonArray?.first?["category"] as? String == "gift", "\(flags)")
        let flagTable = try await supervisor.run(["supervision", "flags"])
        #expect(
            flagTable.stdout.contains("Pelle Praktikant") && flagTable.stdout.contains(flagID), "\(flagTable)"
        )
        let incidents = try await supervisor.run([
            "supervision", "incidents", "list", "--supervisee", practice.traineeID, "--json",
        ])
        #expect(incidents.jsonArray?.count == 3, "\(incidents)")
        let counts = try await admin.run([
            "supervision", "incidents", "counts", "--from", "2026-11-01", "--to", "2026-11-30", "--json",
        ])
        #expect(counts.status == 0 && counts.value("gift") as? Int == 3, "\(counts)")
        #expect(!counts.stdout.contains("Flowers"), "counts only, never texts: \(counts)")
        let adminReads = try await admin.run([
            "supervision", "incidents", "list", "--supervisee", practice.traineeID,
        ])
        #expect(adminReads.status != 0 && !adminReads.stdout.contains("Flowers"), "\(adminReads)")
        // Cleared in a supervision session of the trainee's.
        let session = try await supervisor.run([
            "supervision", "hours", "log", "--supervisee", practice.traineeID, "--date", "2026-11-12",
            "--minutes", "60", "--category", "individual", "--json",
        ])
        let sessionID = try #require(session.value("id") as? String, "\(session)")
        let cleared = try await supervisor.run([
            "supervision", "flags", "--clear", flagID, "--session", sessionID,
        ])
        #expect(cleared.status == 0 && cleared.stdout.contains(sessionID), "\(cleared)")
        let open = try await supervisor.run(["supervision", "flags"])
        #expect(open.stdout == "No supervisee is flagged.\n", "\(open)")
        let lonely = try await supervisor.run(["supervision", "flags", "--clear", flagID])
        #expect(lonely.status == CLIExitCode.usage.rawValue, "\(lonely)")

        // A consultation: the client attached with case-consultation consent, withheld once revoked.
        let withoutConsent = try await trainee.run([
            "supervision", "consultations", "raise", "--topic", "Gifts", "--summary",
            "A client brings gifts.",
            "--client", practice.notes.clientID,
        ])
        #expect(withoutConsent.status == CLIExitCode.conflict.rawValue, "\(withoutConsent)")
        let consent = try await admin.run([
            "consent", "grant", practice.notes.clientID, "case-consultation", "--how-given", "signed form",
            "--json",
        ])
        #expect(consent.status == 0, "\(consent)")
        let consentID = try #require(consent.value("id") as? String, "\(consent)")
        let raised = try await trainee.run([
            "supervision", "consultations", "raise", "--topic", "Gifts", "--summary",
            "A client brings gifts.",
            "--client", practice.notes.clientID, "--json",
        ])
        #expect(
            raised.status == 0 && raised.value("clientId") as? String == practice.notes.clientID, "\(raised)")
        let consultationID = try #require(raised.value("id") as? String, "\(raised)")
        let reply = try await supervisor.run([
            "supervision", "consultations", "reply", consultationID, "--text",
            "Let us look at what a gift means here.",
        ])
        #expect(reply.status == 0, "\(reply)")
        let closed = try await trainee.run([
            "supervision", "consultations", "close", consultationID, "--outcome", "Name the boundary kindly.",
            "--action", "Talk about gifts next session",
        ])
        #expect(closed.status == 0, "\(closed)")
        let revoked = try await admin.run(["consent", "revoke", consentID, "--how-given", "by phone"])
        #expect(revoked.status == 0, "\(revoked)")
        let shown = try await supervisor.run(["supervision", "consultations", "show", consultationID])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout.contains("withheld") && !shown.stdout.contains("Stina Klient"), "\(shown)")
        #expect(shown.stdout.contains("Let us look at what a gift means here."), "\(shown)")
        #expect(shown.stdout.contains("Outcome: Name the boundary kindly."), "\(shown)")
        let listed = try await trainee.run([
            "supervision", "consultations", "list", "--include-closed", "--json",
        ])
        #expect(listed.jsonArray?.count == 1 && listed.jsonArray?.first?["clientWithheld"] as? Bool == true)
        let outsider = try await practice.practitioner.run([
            "supervision", "consultations", "show", consultationID,
        ])
        #expect(outsider.status == CLIExitCode.notFound.rawValue, "\(outsider)")

        let audit = try await admin.run(["supervision", "verify-audit"])
        #expect(audit.status == 0 && audit.stdout.hasPrefix("Supervision's audit chain intact:"), "\(audit)")

        // Supervision down: a clear message naming it and exit 69.
        await practice.stack.supervisionChild.stop()
        let down = try await supervisor.run(["supervision", "queue"])
        #expect(down.status == CLIExitCode.unavailable.rawValue, "\(down)")
        #expect(
            down.stderr.hasPrefix(
                "tillit: supervision at \(practice.stack.supervisionAddress) is not reachable"),
            "\(down)")
    }

    /// Across the real processes: with Notes stopped, approving exits 69 and Supervision records
    /// nothing (its audit chain does not grow) and Notes still has the note awaiting
    /// co-signature once it is back; a note the supervisor co-signed in Notes directly is
    /// approved through Supervision with the same request key (the answer that was lost), and a
    /// new key is told it is co-signed already (exit 67).
    @Test func notesDownAlreadyCosignedAndRetriedApproveAcrossProcesses() async throws {
        let practice = try await Self.practice()
        defer { practice.stack.tearDown() }
        let (admin, trainee) = (practice.admin, practice.trainee)
        let added = try await admin.run([
            "supervision", "relationships", "add", "--supervisor", practice.supervisorID, "--supervisee",
            practice.traineeID, "--mode", "cosign-all", "--starts-on", "2026-01-01",
            "--agreement-approved-on",
            "2026-01-01",
        ])
        #expect(added.status == 0, "\(added)")
        _ = try await CLINotesTests.appointment(
            admin, practitioner: practice.traineeID, client: practice.notes.clientID, hoursAhead: 30)
        var noteIDs: [String] = []
        for name in ["first", "second"] {
            let body = try CLINotesTests.file(practice.files, "\(name).md", "The \(name) session.\n")
            let written = try await trainee.run([
                "notes", "write", "--client", practice.notes.clientID, "--file", body, "--sign",
            ])
            #expect(written.status == 0, "\(written)")
            noteIDs.append(CLINotesTests.printedID(written))
        }
        func eventsChecked() async throws -> Int? {
            let audit = try await admin.run(["supervision", "verify-audit", "--json"])
            return audit.value("eventsChecked") as? Int
        }
        let eventsBefore = try #require(try await eventsChecked())

        await practice.stack.notes.notesChild.stop()
        let down = try await practice.supervisor.run([
            "supervision", "approve", noteIDs[0], "--request-key", "k1",
        ])
        #expect(down.status == CLIExitCode.unavailable.rawValue, "\(down)")
        let eventsWhileDown = try await eventsChecked()
        #expect(eventsWhileDown == eventsBefore, "nothing recorded while Notes is down")

        try await practice.stack.notes.restartNotes()
        try await practice.stack.restartSupervision()
        let supervisor = practice.stack.user("supervisor")
        let shown = try await supervisor.run(["notes", "show", noteIDs[0], "--json"])
        #expect(shown.value("note", "status") as? String == "awaiting-cosignature", "\(shown)")
        let approved = try await supervisor.run([
            "supervision", "approve", noteIDs[0], "--request-key", "k1", "--json",
        ])
        #expect(approved.status == 0 && approved.value("status") as? String == "cosigned", "\(approved)")

        // Co-signed in Notes directly; the same approval through Supervision answers the same.
        let direct = try await supervisor.run(["notes", "cosign", noteIDs[1], "--request-key", "lost"])
        #expect(direct.status == 0, "\(direct)")
        let same = try await supervisor.run([
            "supervision", "approve", noteIDs[1], "--request-key", "lost", "--json",
        ])
        #expect(same.status == 0 && same.value("status") as? String == "cosigned", "\(same)")
        let other = try await supervisor.run([
            "supervision", "approve", noteIDs[1], "--request-key", "another",
        ])
        #expect(other.status == CLIExitCode.conflict.rawValue, "\(other)")
        #expect(other.stderr.contains("co-signed"), "\(other)")
        let queue = try await supervisor.run(["supervision", "queue"])
        #expect(queue.stdout == "No notes await your co-signature.\n", "\(queue)")
    }
}
