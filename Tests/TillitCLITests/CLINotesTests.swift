import Foundation
import Testing
import TillitCLI
import TillitTesting

/// `tillit notes …` through the real binary against real `tillit-identity`, `tillit-booking`
/// and `tillit-notes` processes (port 0, ready files, fresh data folder, the test PKI).
@Suite(.timeLimit(.minutes(8))) struct CLINotesTests {
    static let password = "correct horse battery"

    /// A practice with one location, a licensed practitioner (password-only login), a client
    /// who signs in through the CLI and has an appointment with the practitioner tomorrow (so
    /// there is a care relationship), and a client without one.
    struct Practice {
        let stack: NotesStack
        let organization: String
        let admin: CLIUser
        let practitioner: CLIUser
        let practitionerID: String
        let client: CLIUser
        let clientID: String
        let otherClientID: String
        let appointmentID: String
        /// A folder for the test's files.
        var files: URL { stack.identity.folder }
    }

    /// The practice on a new stack (Notes started with `environment`), or on `running`.
    static func practice(environment: [String: String] = [:], on running: NotesStack? = nil) async throws
        -> Practice
    {
        let stack: NotesStack
        if let running {
            stack = running
        } else {
            stack = try await NotesStack.start(environment: environment)
        }
        do {
            let (organization, _) = try await stack.identity.bootstrapWithAdmin(password: password)
            let admin = stack.user("admin")
            let practitionerID = try await Self.addStaff(
                admin, email: "pia@test.example", name: "Pia Praktiker", ["--licence", "licensed"])
            let added = try await admin.run(
                [
                    "client", "add", "--email", "stina@test.example", "--name", "Stina Klient",
                    "--with-password", "--password-stdin", "--json",
                ], stdin: password + "\n")
            try #require(added.status == 0, "\(added)")
            let clientID = try #require(added.value("id") as? String)
            let other = try await admin.run([
                "client", "add", "--email", "olle@test.example", "--name", "Olle Klient", "--json",
            ])
            try #require(other.status == 0, "\(other)")
            let practitioner = try await Self.logIn(stack, "practitioner", organization, "pia@test.example")
            let client = try await Self.logIn(stack, "stina", organization, "stina@test.example")
            let appointment = try await Self.appointment(
                admin, practitioner: practitionerID, client: clientID)
            return Practice(
                stack: stack, organization: organization, admin: admin, practitioner: practitioner,
                practitionerID: practitionerID, client: client, clientID: clientID,
                otherClientID: try #require(other.value("id") as? String), appointmentID: appointment)
        } catch {
            stack.tearDown()
            throw error
        }
    }

    /// Adds a practitioner (and `extra` options) and returns the account id.
    static func addStaff(_ admin: CLIUser, email: String, name: String, _ extra: [String]) async throws
        -> String
    {
        let staff = try await admin.run(
            [
                "staff", "add", "--email", email, "--name", name, "--role", "practitioner", "--discipline",
                "psychotherapist", "--language", "sv", "--password-stdin", "--json",
            ] + extra, stdin: password + "\n")
        try #require(staff.status == 0, "\(staff)")
        return try #require(staff.value("id") as? String)
    }

    /// `name` logged in with the password alone.
    static func logIn(_ stack: NotesStack, _ name: String, _ organization: String, _ email: String)
        async throws
        -> CLIUser
    {
        let user = stack.user(name)
        let login = try await user.run(
            ["login", "--org", organization, "--email", email, "--password-stdin"], stdin: password + "\n")
        try #require(login.status == 0, "\(login)")
        return user
    }

    /// Books `client` with `practitioner` `hoursAhead` from now (a session type, outside
    /// availability) and returns the appointment id: the care relationship Notes asks Booking
    /// about.
    static func appointment(_ admin: CLIUser, practitioner: String, client: String, hoursAhead: Double = 24)
        async throws -> String
    {
        let show = try await admin.run(["org", "show", "--json"])
        let locations = try #require(show.value("locations") as? [[String: Any]], "\(show)")
        let location = try #require(locations.first?["id"] as? String, "\(show)")
        var type = try await admin.run([
            "booking", "session-types", "list", "--json",
        ])
        if type.jsonArray?.isEmpty != false {
            type = try await admin.run([
                "booking", "session-types", "create", "--name", "Individual session", "--duration", "50",
                "--price", "1100 SEK", "--json",
            ])
            try #require(type.status == 0, "\(type)")
        }
        let typeID = try #require(
            (type.value("id") ?? type.jsonArray?.first?["id"]) as? String, "\(type)")
        let minute = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
        let start = Date(timeIntervalSince1970: minute + hoursAhead * 3600)
        let booked = try await admin.run([
            "booking", "book", "--session-type", typeID, "--practitioner", practitioner, "--location",
            location,
            "--client", client, "--start", ISO8601DateFormatter().string(from: start),
            "--outside-availability",
            "--json",
        ])
        try #require(booked.status == 0, "\(booked)")
        return try #require(booked.value("id") as? String)
    }

    /// Writes `text` to a file in `folder` and returns its path.
    static func file(_ folder: URL, _ name: String, _ text: String, executable: Bool = false) throws -> String
    {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        return url.path
    }

    /// `count` random key-encryption keys as `TILLIT_NOTES_KEKS` takes them (`version:base64`).
    static func keys(_ versions: [Int]) -> [Int: String] {
        Dictionary(
            uniqueKeysWithValues: versions.map { version in
                (
                    version,
                    "\(version):"
                        + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
                )
            })
    }

    /// The last word of the first line of standard output (the id a command printed).
    static func printedID(_ run: TillitRun) -> String {
        String(run.stdout.split(separator: "\n").first?.split(separator: " ").last ?? "")
    }

    /// Write (a signed SOAP note from a file, a shared note in $EDITOR, an edit, a signature, an
    /// addendum), list, show, the client's comment, export and access log, the admin's export
    /// and emergency read, verify-audit, and rewrap after a new key-encryption key.
    @Test func writeReadExportAuditAndRewrap() async throws {
        let clinical = Self.keys([1, 2])
        let process = Self.keys([1, 2])
        let practice = try await Self.practice(environment: [
            "TILLIT_NOTES_KEKS": clinical[1]!, "TILLIT_NOTES_PROCESS_KEKS": process[1]!,
        ])
        defer { practice.stack.tearDown() }
        let pia = practice.practitioner
        let stina = practice.client
        let admin = practice.admin
        let files = practice.files

        // A SOAP note from a file, signed at once, about the appointment, with an idempotency key.
        let soap = try Self.file(
            files, "soap.md",
            """
            ## Subjective
            Sleeps badly since the move.

            ## objective
            Tired, alert.
            ## assessment
            Insomnia with worry.
            ## plan
            Sleep diary for two weeks.
            """)
        let write = [
            "notes", "write", "--client", practice.clientID, "--template", "soap", "--file", soap, "--sign",
            "--appointment", practice.appointmentID, "--idempotency-key", "visit-1", "--json",
        ]
        let signed = try await pia.run(write)
        try #require(signed.status == 0, "\(signed)")
        #expect(signed.value("status") as? String == "signed", "\(signed)")
        #expect(signed.value("kind") as? String == "session", "\(signed)")
        #expect(signed.value("template") as? String == "soap", "\(signed)")
        #expect(signed.value("appointmentId") as? String == practice.appointmentID, "\(signed)")
        #expect(signed.value("authorId") as? String == practice.practitionerID, "\(signed)")
        let sections = try #require(signed.value("sections") as? [[String: Any]], "\(signed)")
        #expect(
            sections.map { $0["heading"] as? String } == ["subjective", "objective", "assessment", "plan"])
        #expect(sections.first?["text"] as? String == "Sleeps badly since the move.", "\(signed)")
        let sessionID = try #require(signed.value("id") as? String)
        let retry = try await pia.run(write)
        #expect(
            retry.status == 0 && retry.value("id") as? String == sessionID, "same key, same note: \(retry)")

        // Refused before anything is sent: a section SOAP does not have; no $EDITOR and no --file.
        let feelings = try Self.file(files, "feelings.md", "## feelings\nSad.\n")
        let badSection = try await pia.run([
            "notes", "write", "--client", practice.clientID, "--template", "soap", "--file", feelings,
        ])
        #expect(badSection.status == CLIExitCode.usage.rawValue, "\(badSection)")
        #expect(badSection.stderr.contains("'## feelings' is not a section of SOAP"), "\(badSection)")
        let noEditor = try await pia.run(
            ["notes", "write", "--client", practice.clientID], environment: ["EDITOR": ""])
        #expect(noEditor.status == CLIExitCode.usage.rawValue, "\(noEditor)")
        #expect(noEditor.stderr.contains("$EDITOR is not set"), "\(noEditor)")
        // No care relationship with Olle: not allowed.
        let plain = try Self.file(files, "plain.md", "We talked.\n")
        let noCare = try await pia.run([
            "notes", "write", "--client", practice.otherClientID, "--file", plain,
        ])
        #expect(noCare.status == CLIExitCode.auth.rawValue, "\(noCare)")
        #expect(noCare.stderr.contains("care relationship"), "\(noCare)")

        // A shared note written in $EDITOR, a draft; edited in $EDITOR (starting from its text);
        // an edit of a stale version refused; signed.
        let agreed = try Self.file(files, "agreed.md", "## What we agreed\nA sleep diary every morning.\n")
        let writer = try Self.file(
            files, "writer.sh", "#!/bin/sh\ncat '\(agreed)' > \"$1\"\n", executable: true)
        let appender = try Self.file(
            files, "appender.sh", "#!/bin/sh\nprintf 'And a walk every day.\\n' >> \"$1\"\n", executable: true
        )
        let draft = try await pia.run(
            ["notes", "write", "--client", practice.clientID, "--kind", "shared"],
            environment: ["EDITOR": writer])
        try #require(draft.status == 0, "\(draft)")
        #expect(draft.stdout.hasPrefix("Wrote draft shared note for Stina Klient (version 1): "), "\(draft)")
        let sharedID = Self.printedID(draft)
        let edited = try await pia.run(
            ["notes", "edit", sharedID, "--version", "1"], environment: ["EDITOR": appender])
        #expect(edited.status == 0, "\(edited)")
        #expect(edited.stdout == "Saved draft \(sharedID): version 2\n", "\(edited)")
        let stale = try await pia.run(["notes", "edit", sharedID, "--version", "1", "--file", agreed])
        #expect(stale.status == CLIExitCode.conflict.rawValue, "\(stale)")
        let staleSign = try await pia.run(["notes", "sign", sharedID, "--version", "1"])
        #expect(staleSign.status == CLIExitCode.conflict.rawValue, "\(staleSign)")
        let sign = try await pia.run(["notes", "sign", sharedID, "--version", "2"])
        #expect(sign.status == 0, "\(sign)")
        #expect(sign.stdout == "Signed shared note for Stina Klient (version 2): \(sharedID)\n", "\(sign)")
        let locked = try await pia.run(["notes", "edit", sharedID, "--version", "2", "--file", agreed])
        #expect(locked.status == CLIExitCode.conflict.rawValue, "a signed note is locked: \(locked)")

        // An addendum to the session note; a process note.
        let correction = try Self.file(files, "correction.md", "Correction: the move was in March.\n")
        let addendum = try await pia.run(["notes", "addendum", sessionID, "--file", correction, "--json"])
        #expect(addendum.status == 0, "\(addendum)")
        #expect(addendum.value("addendumOf") as? String == sessionID, "\(addendum)")
        #expect(addendum.value("status") as? String == "signed", "\(addendum)")
        let addendumID = try #require(addendum.value("id") as? String)
        let thoughts = try Self.file(files, "thoughts.md", "My countertransference: impatience.\n")
        let processNote = try await pia.run([
            "notes", "write", "--client", practice.clientID, "--kind", "process", "--file", thoughts,
            "--sign",
            "--json",
        ])
        #expect(
            processNote.status == 0 && processNote.value("kind") as? String == "process", "\(processNote)")
        let processID = try #require(processNote.value("id") as? String)

        // Lists: the author sees all four (without text), a table for people; no stale drafts.
        let list = try await pia.run(["notes", "list", "--client", practice.clientID, "--json"])
        #expect(list.status == 0, "\(list)")
        let listed = list.jsonArray ?? []
        #expect(
            Set(listed.compactMap { $0["id"] as? String }) == [sessionID, sharedID, addendumID, processID],
            "\(list)")
        #expect(listed.allSatisfy { $0["sections"] == nil }, "lists carry no text: \(list)")
        let mine = try await pia.run(["notes", "list", "--client", practice.clientID, "--mine", "--json"])
        #expect(mine.jsonArray?.count == 4, "\(mine)")
        let table = try await pia.run(["notes", "list", "--client", practice.clientID])
        #expect(table.status == 0 && table.stdout.hasPrefix("CREATED"), "\(table)")
        #expect(table.stdout.contains("Stina Klient") && table.stdout.contains("Pia Praktiker"), "\(table)")
        #expect(table.stdout.contains(sessionID) && table.stdout.contains("awaiting") == false, "\(table)")
        let drafts = try await pia.run(["notes", "drafts", "--older-than-days", "1"])
        #expect(drafts.status == 0 && drafts.stdout == "No drafts older than 1 day.\n", "\(drafts)")

        // Show: the note, its addendum, the basis.
        let show = try await pia.run(["notes", "show", sessionID])
        #expect(show.status == 0, "\(show)")
        for expected in [
            "Note:", sessionID, "Status:", "signed", "Template:", "soap", "## subjective",
            "Sleeps badly since the move.", "## plan", "Read as: author", "--- Addendum \(addendumID)",
            "Correction: the move was in March.",
        ] {
            #expect(show.stdout.contains(expected), "\(expected): \(show)")
        }
        let shown = try await pia.run(["notes", "show", sessionID, "--json"])
        #expect(shown.value("basis") as? String == "author", "\(shown)")
        #expect(shown.value("note", "status") as? String == "signed", "\(shown)")
        #expect((shown.value("addenda") as? [[String: Any]])?.count == 1, "\(shown)")

        // The client reads the shared note (both edits), comments beside it; never the process note.
        let read = try await stina.run(["notes", "show", sharedID])
        #expect(read.status == 0, "\(read)")
        #expect(read.stdout.contains("Read as: client"), "\(read)")
        #expect(
            read.stdout.contains("A sleep diary every morning.\nAnd a walk every day."),
            "edited from its text: \(read)")
        let hidden = try await stina.run(["notes", "show", processID])
        #expect(hidden.status == CLIExitCode.notFound.rawValue, "\(hidden)")
        let comment = try await stina.run(["notes", "comment", sharedID, "--text", "Thank you; I will try."])
        #expect(comment.status == 0 && comment.stdout.hasPrefix("Commented on \(sharedID): "), "\(comment)")
        let withComment = try await pia.run(["notes", "show", sharedID])
        #expect(withComment.stdout.contains("--- Comment by Stina Klient"), "\(withComment)")
        #expect(withComment.stdout.contains("Thank you; I will try."), "\(withComment)")
        let ownList = try await stina.run(["notes", "list", "--json"])
        #expect(
            Set(ownList.jsonArray?.compactMap { $0["id"] as? String } ?? []) == [
                sessionID, sharedID, addendumID,
            ],
            "\(ownList)")

        // The client's export as JSON on standard output: decrypted, with addenda and comments,
        // no process note.
        let export = try await stina.run(["notes", "export", "--format", "json"])
        #expect(export.status == 0, "\(export)")
        #expect(export.value("clientId") as? String == practice.clientID, "\(export)")
        let exported = try #require(export.value("notes") as? [[String: Any]], "\(export)")
        let byID = Dictionary(
            exported.compactMap { reading -> (String, [String: Any])? in
                guard let note = reading["note"] as? [String: Any], let id = note["id"] as? String else {
                    return nil
                }
                return (id, reading)
            }, uniquingKeysWith: { first, _ in first })
        #expect(Set(byID.keys) == [sessionID, sharedID], "\(export)")
        let exportedSession = try #require(byID[sessionID]?["note"] as? [String: Any])
        let exportedSections = try #require(exportedSession["sections"] as? [[String: Any]])
        #expect(exportedSections.first?["text"] as? String == "Sleeps badly since the move.", "\(export)")
        #expect((byID[sessionID]?["addenda"] as? [[String: Any]])?.count == 1, "\(export)")
        let comments = try #require(byID[sharedID]?["comments"] as? [[String: Any]])
        #expect(comments.first?["text"] as? String == "Thank you; I will try.", "\(export)")
        // As readable text to a new owner-only file, never overwritten.
        let textFile = files.appendingPathComponent("record.txt").path
        let toFile = try await stina.run(["notes", "export", "--output", textFile])
        #expect(toFile.status == 0, "\(toFile)")
        #expect(toFile.stdout == "Exported 2 notes of Stina Klient to \(textFile) (text)\n", "\(toFile)")
        let record = (try? String(contentsOfFile: textFile, encoding: .utf8)) ?? ""
        #expect(record.hasPrefix("Record of Stina Klient (\(practice.clientID))"), "\(record)")
        #expect(record.contains("Sleeps badly since the move.") && record.contains("Thank you; I will try."))
        #expect(!record.contains("countertransference"), "\(record)")
        let mode = try FileManager.default.attributesOfItem(atPath: textFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try await stina.run(["notes", "export", "--output", textFile])
        #expect(again.status == CLIExitCode.conflict.rawValue, "\(again)")

        // The client's access log: Pia's reads are there.
        let log = try await stina.run(["notes", "access-log", "--json"])
        #expect(log.status == 0, "\(log)")
        let entries = log.jsonArray ?? []
        #expect(
            entries.contains {
                $0["actorId"] as? String == practice.practitionerID && $0["action"] as? String == "notes.read"
                    && $0["outcome"] as? String == "success"
            }, "\(log)")

        // The admin: no note text without emergency access; an export with a reason; an
        // emergency read, flagged in the client's access log.
        let refused = try await admin.run(["notes", "show", sessionID])
        #expect(refused.status == CLIExitCode.auth.rawValue, "\(refused)")
        let noReason = try await admin.run(["notes", "export", "--client", practice.clientID])
        #expect(noReason.status == CLIExitCode.invalidInput.rawValue, "\(noReason)")
        let jsonFile = files.appendingPathComponent("record.json").path
        let adminExport = try await admin.run([
            "notes", "export", "--client", practice.clientID, "--reason", "the client asked by letter",
            "--format", "json", "--output", jsonFile, "--json",
        ])
        #expect(adminExport.status == 0, "\(adminExport)")
        #expect(adminExport.value("notes") as? Int == 2 && adminExport.value("format") as? String == "json")
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: jsonFile)))
        #expect(((saved as? [String: Any])?["notes"] as? [Any])?.count == 2, "\(saved)")
        let emergency = try await admin.run([
            "notes", "emergency", sessionID, "--reason", "client missing; police asked", "--json",
        ])
        #expect(emergency.status == 0, "\(emergency)")
        #expect(emergency.value("basis") as? String == "emergency", "\(emergency)")
        let adminLog = try await admin.run(["notes", "access-log", "--client", practice.clientID])
        #expect(adminLog.status == 0 && adminLog.stdout.contains("EMERGENCY"), "\(adminLog)")
        let adminLogJSON = try await admin.run([
            "notes", "access-log", "--client", practice.clientID, "--json",
        ])
        #expect(
            adminLogJSON.jsonArray?.contains {
                $0["emergency"] as? Bool == true && $0["noteId"] as? String == sessionID
            }
                == true, "\(adminLogJSON)")

        // The audit chain.
        let verify = try await admin.run(["notes", "verify-audit", "--json"])
        #expect(verify.status == 0 && verify.value("intact") as? Bool == true, "\(verify)")
        #expect((verify.value("eventsChecked") as? Int ?? 0) > 10, "\(verify)")
        let verifyText = try await admin.run(["notes", "verify-audit"])
        #expect(verifyText.stdout.hasPrefix("Notes' audit chain intact: "), "\(verifyText)")
        let notAdmin = try await pia.run(["notes", "verify-audit"])
        #expect(notAdmin.status == CLIExitCode.auth.rawValue, "\(notAdmin)")

        // Rewrap: nothing under an older key yet.
        let nothing = try await admin.run(["notes", "rewrap"])
        #expect(nothing.status == 0, "\(nothing)")
        #expect(
            nothing.stdout == "All data keys are under key version 1 (process notes: 1); 0 rewrapped now.\n",
            "\(nothing)")
        // New key-encryption keys (version 2 of each class): rewrap batch by batch to the end.
        try await practice.stack.restartNotes(environment: [
            "TILLIT_NOTES_KEKS": "\(clinical[1]!),\(clinical[2]!)",
            "TILLIT_NOTES_PROCESS_KEKS": "\(process[1]!),\(process[2]!)",
        ])
        let rotated = practice.stack.user("admin")
        let rewrap = try await rotated.run(["notes", "rewrap", "--batch-size", "1"])
        #expect(rewrap.status == 0, "\(rewrap)")
        let lines = rewrap.stdout.split(separator: "\n").map(String.init)
        // Four notes and the addendum each have a data key.
        #expect(
            lines == [
                "batch 1: rewrapped 1 (1 in all), 3 remain", "batch 2: rewrapped 1 (2 in all), 2 remain",
                "batch 3: rewrapped 1 (3 in all), 1 remain", "batch 4: rewrapped 1 (4 in all), 0 remain",
                "All data keys are under key version 2 (process notes: 2); 4 rewrapped now.",
            ], "\(rewrap)")
        let done = try await rotated.run(["notes", "rewrap", "--json"])
        #expect(done.status == 0, "\(done)")
        #expect(done.value("rewrapped") as? Int == 0 && done.value("remaining") as? Int == 0, "\(done)")
        #expect(
            done.value("keyVersion") as? Int == 2 && done.value("processKeyVersion") as? Int == 2, "\(done)")
        // Version 1 is retired: every note still reads under version 2 alone.
        try await practice.stack.restartNotes(environment: [
            "TILLIT_NOTES_KEKS": clinical[2]!, "TILLIT_NOTES_PROCESS_KEKS": process[2]!,
        ])
        let author = practice.stack.user("practitioner")
        for (id, text) in [
            (sessionID, "Sleeps badly since the move."), (sharedID, "Thank you; I will try."),
            (processID, "countertransference"), (addendumID, "the move was in March"),
        ] {
            let after = try await author.run(["notes", "show", id])
            #expect(after.status == 0 && after.stdout.contains(text), "\(id): \(after)")
        }

        // Notes down: the CLI says so, with the exit code of an unavailable service.
        await practice.stack.notesChild.stop()
        let down = try await author.run(["notes", "list", "--client", practice.clientID])
        #expect(down.status == CLIExitCode.unavailable.rawValue, "\(down)")
        #expect(
            down.stderr.hasPrefix("tillit: notes at \(practice.stack.notesAddress) is not reachable"),
            "\(down)")
    }

    /// A pre-licensed practitioner's signed note waits for the supervisor, who reads it from the
    /// queue, returns it with a comment, and co-signs the corrected version (idempotently).
    @Test func coSignatureQueueReturnAndCosign() async throws {
        let practice = try await Self.practice()
        defer { practice.stack.tearDown() }
        let admin = practice.admin
        let supervisorID = try await Self.addStaff(
            admin, email: "sam@test.example", name: "Sam Handledare",
            ["--role", "supervisor", "--licence", "licensed"])
        let supervisor = practice.stack.user("supervisor")
        try await supervisor.logInEnrollingTOTP(
            org: practice.organization, email: "sam@test.example", password: Self.password)
        let traineeID = try await Self.addStaff(
            admin, email: "pelle@test.example", name: "Pelle Praktikant",
            ["--licence", "pre-licensed", "--supervisor", supervisorID])
        let trainee = try await Self.logIn(
            practice.stack, "trainee", practice.organization, "pelle@test.example")
        _ = try await Self.appointment(
            admin, practitioner: traineeID, client: practice.clientID, hoursAhead: 27)

        let first = try Self.file(practice.files, "first.md", "We talked about sleep.\n")
        let written = try await trainee.run([
            "notes", "write", "--client", practice.clientID, "--file", first, "--sign",
        ])
        #expect(written.status == 0, "\(written)")
        #expect(
            written.stdout.hasPrefix(
                "Wrote and signed session note for Stina Klient (awaiting co-signature by Sam Handledare): "),
            "\(written)")
        let noteID = Self.printedID(written)

        let queue = try await supervisor.run(["notes", "queue", "--json"])
        #expect(queue.status == 0, "\(queue)")
        #expect(queue.jsonArray?.compactMap { $0["id"] as? String } == [noteID], "\(queue)")
        #expect(queue.jsonArray?.first?["status"] as? String == "awaiting-cosignature", "\(queue)")
        let table = try await supervisor.run(["notes", "queue"])
        #expect(table.stdout.contains("Pelle Praktikant") && table.stdout.contains(noteID), "\(table)")
        let read = try await supervisor.run(["notes", "show", noteID, "--json"])
        #expect(read.value("basis") as? String == "supervisor", "\(read)")

        let returned = try await supervisor.run(["notes", "return", noteID, "--comment", "Add the plan."])
        #expect(returned.status == 0, "\(returned)")
        #expect(
            returned.stdout
                == "Returned session note to Pelle Praktikant as a draft (version 1): \(noteID)\n",
            "\(returned)")
        // The author reads the returned draft and the supervisor's comment.
        // (A return keeps the body and its version; the next edit makes version 2.)
        let seen = try await trainee.run(["notes", "show", noteID])
        #expect(seen.status == 0, "\(seen)")
        #expect(seen.stdout.contains("Return comment: Add the plan."), "\(seen)")
        #expect(seen.stdout.contains("Status:") && seen.stdout.contains("draft"), "\(seen)")
        let second = try Self.file(
            practice.files, "second.md", "We talked about sleep.\n## Plan\nA sleep diary.\n")
        // The edit reads the draft's template from Notes.
        let edited = try await trainee.run(["notes", "edit", noteID, "--version", "1", "--file", second])
        #expect(edited.status == 0 && edited.stdout.hasSuffix("version 2\n"), "\(edited)")
        let resigned = try await trainee.run(["notes", "sign", noteID, "--version", "2", "--json"])
        #expect(resigned.value("status") as? String == "awaiting-cosignature", "\(resigned)")

        let notTheirs = try await trainee.run(["notes", "cosign", noteID])
        #expect(notTheirs.status == CLIExitCode.auth.rawValue, "\(notTheirs)")
        let cosign = ["notes", "cosign", noteID, "--request-key", "review-1", "--json"]
        let cosigned = try await supervisor.run(cosign)
        #expect(cosigned.status == 0, "\(cosigned)")
        #expect(cosigned.value("status") as? String == "cosigned", "\(cosigned)")
        #expect(cosigned.value("cosignedBy") as? String == supervisorID, "\(cosigned)")
        let repeated = try await supervisor.run(cosign)
        #expect(repeated.status == 0 && repeated.value("status") as? String == "cosigned", "\(repeated)")
        let empty = try await supervisor.run(["notes", "queue"])
        #expect(empty.stdout == "No notes await your co-signature.\n", "\(empty)")
    }
}
