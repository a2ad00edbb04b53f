import Foundation
import Testing
import TillitCLI
import TillitTesting

/// `tillit booking …` through the real binary against real `tillit-identity` and
/// `tillit-booking` processes (port 0, ready files, fresh data folder, the test PKI).
@Suite(.timeLimit(.minutes(6))) struct CLIBookingTests {
    static let password = "correct horse battery"

    /// A practice with one location, a practitioner (password-only login: the practice does not
    /// require two-factor of all staff) and two clients.
    struct Practice {
        let stack: BookingStack
        let organization: String
        let admin: CLIUser
        let practitioner: CLIUser
        let practitionerID: String
        let location: String
        let clients: [String]
    }

    static func practice() async throws -> Practice {
        let stack = try await BookingStack.start()
        do {
            let (organization, _) = try await stack.identity.bootstrapWithAdmin(password: password)
            let admin = stack.user("admin")
            let show = try await admin.run(["org", "show", "--json"])
            let locations = try #require(show.value("locations") as? [[String: Any]], "\(show)")
            let location = try #require(locations.first?["id"] as? String, "\(show)")
            let staff = try await admin.run(
                [
                    "staff", "add", "--email", "pia@test.example", "--name", "Pia Praktiker", "--role",
                    "practitioner", "--discipline", "psychotherapist", "--language", "sv", "--licence",
                    "licensed",
                    "--password-stdin", "--json",
                ], stdin: password + "\n")
            try #require(staff.status == 0, "\(staff)")
            let practitionerID = try #require(staff.value("id") as? String)
            var clients: [String] = []
            for (email, name) in [("eva@test.example", "Eva Klient"), ("olle@test.example", "Olle Klient")] {
                let client = try await admin.run([
                    "client", "add", "--email", email, "--name", name, "--json",
                ])
                try #require(client.status == 0, "\(client)")
                clients.append(try #require(client.value("id") as? String))
            }
            let practitioner = stack.user("practitioner")
            let login = try await practitioner.run(
                ["login", "--org", organization, "--email", "pia@test.example", "--password-stdin"],
                stdin: password + "\n")
            try #require(login.status == 0, "\(login)")
            return Practice(
                stack: stack, organization: organization, admin: admin, practitioner: practitioner,
                practitionerID: practitionerID, location: location, clients: clients)
        } catch {
            stack.tearDown()
            throw error
        }
    }

    /// Creates a 50-minute session type (10 minutes' buffer) and returns its id.
    static func sessionType(_ practice: Practice, name: String = "Individual session") async throws -> String
    {
        let created = try await practice.admin.run([
            "booking", "session-types", "create", "--name", name, "--duration", "50", "--buffer", "10",
            "--price",
            "1100 SEK", "--json",
        ])
        try #require(created.status == 0, "\(created)")
        return try #require(created.value("id") as? String)
    }

    /// RFC 3339 of `date`.
    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// The slots' starts for `arguments` (after `booking slots --json`).
    static func slotStarts(_ user: CLIUser, _ arguments: [String]) async throws -> [String] {
        let slots = try await user.run(["booking", "slots", "--json"] + arguments)
        try #require(slots.status == 0, "\(slots)")
        let array = try #require(slots.jsonArray, "\(slots)")
        return array.compactMap { $0["start"] as? String }
    }

    @Test func sessionTypesAvailabilitySlotsBookingListAndCancellation() async throws {
        let practice = try await Self.practice()
        defer { practice.stack.tearDown() }
        let admin = practice.admin

        // Session types: create (JSON), a duplicate name (conflict), a bad modality (usage), list.
        let created = try await admin.run([
            "booking", "session-types", "create", "--name", "Individual session", "--duration", "50",
            "--buffer",
            "10", "--price", "1100.00 SEK", "--json",
        ])
        #expect(created.status == 0, "\(created)")
        #expect(created.value("durationMinutes") as? Int == 50, "\(created)")
        #expect(created.value("modality") as? String == "in-person", "\(created)")
        #expect(created.value("price", "minorUnits") as? Int == 110_000, "\(created)")
        #expect(created.value("price", "currency") as? String == "SEK", "\(created)")
        #expect(created.value("active") as? Bool == true, "\(created)")
        let type = try #require(created.value("id") as? String)
        let duplicate = try await admin.run([
            "booking", "session-types", "create", "--name", "individual SESSION", "--duration", "50",
            "--price",
            "1 SEK",
        ])
        #expect(duplicate.status == CLIExitCode.conflict.rawValue, "\(duplicate)")
        let badModality = try await admin.run([
            "booking", "session-types", "create", "--name", "X", "--duration", "50", "--price", "1 SEK",
            "--modality", "telepathy",
        ])
        #expect(badModality.status == CLIExitCode.usage.rawValue, "\(badModality)")
        #expect(badModality.stderr.contains("unknown modality 'telepathy'"), "\(badModality)")
        let notAdmin = try await practice.practitioner.run([
            "booking", "session-types", "create", "--name", "Mine", "--duration", "50", "--price", "1 SEK",
        ])
        #expect(notAdmin.status == CLIExitCode.auth.rawValue, "\(notAdmin)")
        let types = try await practice.practitioner.run(["booking", "session-types", "list"])
        #expect(types.status == 0 && types.stdout.contains("Individual session"), "\(types)")
        #expect(types.stdout.contains("1100.00 SEK"), "\(types)")

        // Availability: every day, all day, set by the practitioner themself (`me`).
        let set = try await practice.practitioner.run([
            "booking", "availability", "set", "--practitioner", "me", "--location", practice.location,
            "--rule",
            "mon-sun 00:00-24:00", "--json",
        ])
        #expect(set.status == 0, "\(set)")
        #expect((set.value("rules") as? [String])?.count == 7, "\(set)")
        #expect(set.value("timeZone") as? String == "Europe/Stockholm", "\(set)")
        let badRule = try await admin.run([
            "booking", "availability", "set", "--practitioner", practice.practitionerID, "--location",
            practice.location, "--rule", "mon 9-17",
        ])
        #expect(badRule.status == CLIExitCode.usage.rawValue, "\(badRule)")
        let listed = try await admin.run(["booking", "availability", "list"])
        #expect(listed.status == 0, "\(listed)")
        #expect(
            listed.stdout.contains("Pia Praktiker") && listed.stdout.contains("mon-sun 00:00-24:00"),
            "\(listed)")

        // The policy: a late cancellation is one less than 48 hours before the start.
        let policy = try await admin.run([
            "booking", "policy", "set", "--cancellation-window", "48h", "--json",
        ])
        #expect(policy.status == 0, "\(policy)")
        #expect(policy.value("cancellationWindowMinutes") as? Int == 2880, "\(policy)")

        // Slots across the team, with filters.
        let soon = try await Self.slotStarts(admin, ["--session-type", type, "--days", "1"])
        try #require(!soon.isEmpty)
        let first = try #require(soon.first.flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(first > Date() && first < Date().addingTimeInterval(86_400), "\(soon)")
        for (filter, found) in [
            (["--language", "sv"], true), (["--language", "fi"], false), (["--city", "Umeå"], true),
            (["--city", "Luleå"], false), (["--discipline", "psychotherapist"], true),
            (["--discipline", "skin therapist"], false), (["--practitioner", practice.practitionerID], true),
        ] {
            let starts = try await Self.slotStarts(admin, ["--session-type", type, "--days", "1"] + filter)
            #expect(starts.isEmpty != found, "\(filter): \(starts.count) slots")
        }
        let table = try await admin.run([
            "booking", "slots", "--session-type", type, "--days", "1", "--limit", "3",
        ])
        #expect(table.status == 0 && table.stdout.contains("START (Europe/Stockholm)"), "\(table)")
        #expect(table.stdout.contains("Pia Praktiker") && table.stdout.contains("Centrum"), "\(table)")

        // Book the first slot (inside the cancellation window) for Eva.
        let bookSoon = [
            "booking", "book", "--session-type", type, "--practitioner", practice.practitionerID,
            "--location",
            practice.location, "--start", soon[0],
        ]
        let booked = try await admin.run(
            bookSoon + ["--client", practice.clients[0], "--key", "test-soon", "--json"])
        #expect(booked.status == 0, "\(booked)")
        #expect(booked.value("status") as? String == "booked", "\(booked)")
        #expect(booked.value("start") as? String == soon[0], "\(booked)")
        let soonID = try #require(booked.value("id") as? String)
        // A retry with the same key and request answers the same appointment.
        let retry = try await admin.run(
            bookSoon + ["--client", practice.clients[0], "--key", "test-soon", "--json"])
        #expect(retry.status == 0 && retry.value("id") as? String == soonID, "\(retry)")
        // The same time for Olle: refused, with the conflict exit code and a clear message.
        let double = try await admin.run(bookSoon + ["--client", practice.clients[1]])
        #expect(double.status == CLIExitCode.conflict.rawValue, "\(double)")
        #expect(double.stderr.hasPrefix("tillit: refused: the practitioner has no free slot"), "\(double)")
        #expect(double.stdout.isEmpty, "\(double)")
        let forced = try await admin.run(
            bookSoon + ["--client", practice.clients[1], "--outside-availability"])
        #expect(forced.status == CLIExitCode.conflict.rawValue, "overlaps are refused regardless: \(forced)")
        #expect(forced.stderr.hasPrefix("tillit: refused:"), "\(forced)")

        // A slot four days ahead (outside the window), for Olle, with text output for people.
        let later = try await Self.slotStarts(
            admin,
            [
                "--session-type", type, "--from", Self.iso(Date().addingTimeInterval(4 * 86_400)), "--days",
                "1",
            ])
        try #require(!later.isEmpty)
        let bookedLater = try await admin.run([
            "booking", "book", "--session-type", type, "--practitioner", practice.practitionerID,
            "--location",
            practice.location, "--client", practice.clients[1], "--start", later[0],
        ])
        #expect(bookedLater.status == 0, "\(bookedLater)")
        #expect(
            bookedLater.stdout.hasPrefix("Booked Individual session with Pia Praktiker for Olle Klient"),
            "\(bookedLater)")
        let laterID = try #require(
            bookedLater.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").last.map(
                String.init))

        // The list, as JSON and for people (the practitioner's own calendar).
        let list = try await admin.run(["booking", "appointments", "list", "--days", "7", "--json"])
        #expect(list.status == 0, "\(list)")
        #expect(list.jsonArray?.map { $0["id"] as? String } == [soonID, laterID], "\(list)")
        #expect(list.jsonArray?.allSatisfy { $0["status"] as? String == "booked" } == true, "\(list)")
        let mine = try await practice.practitioner.run([
            "booking", "appointments", "list", "--practitioner", "me",
        ])
        #expect(mine.status == 0, "\(mine)")
        #expect(mine.stdout.contains("Eva Klient") && mine.stdout.contains("Olle Klient"), "\(mine)")
        #expect(mine.stdout.contains("START (Europe/Stockholm)"), "\(mine)")

        // Cancel: late inside the window (says so), in time outside it.
        let late = try await admin.run(["booking", "cancel", soonID, "--reason", "ill"])
        #expect(late.status == 0, "\(late)")
        #expect(late.stdout.hasPrefix("Cancelled late (less than 2 d before the start)"), "\(late)")
        let inTime = try await admin.run(["booking", "cancel", laterID, "--json"])
        #expect(inTime.status == 0, "\(inTime)")
        #expect(inTime.value("status") as? String == "cancelled", "\(inTime)")
        #expect(inTime.value("late") as? Bool == false, "\(inTime)")
        let cancelled = try await admin.run([
            "booking", "appointments", "list", "--status", "cancelled", "--days", "7", "--json",
        ])
        #expect(cancelled.jsonArray?.map { $0["late"] as? Bool } == [true, false], "\(cancelled)")
        #expect(cancelled.jsonArray?.first?["cancelReason"] as? String == "ill", "\(cancelled)")
        let show = try await admin.run(["booking", "appointments", "show", soonID])
        #expect(show.status == 0 && show.stdout.contains("cancelled (late)"), "\(show)")

        // The freed slot can be booked again.
        let rebooked = try await admin.run(bookSoon + ["--client", practice.clients[1], "--json"])
        #expect(rebooked.status == 0, "\(rebooked)")

        // Documented exit codes.
        let again = try await admin.run(["booking", "cancel", soonID])
        #expect(again.status == CLIExitCode.conflict.rawValue, "\(again)")
        let missing = try await admin.run(["booking", "cancel", UUID().uuidString.lowercased()])
        #expect(missing.status == CLIExitCode.notFound.rawValue, "\(missing)")
        let badTime = try await admin.run(
            bookSoon.dropLast(2) + ["--start", "next tuesday", "--client", "x"])
        #expect(badTime.status == CLIExitCode.usage.rawValue, "\(badTime)")
        let nobody = try await practice.stack.user("nobody").run(["booking", "session-types", "list"])
        #expect(
            nobody.status == CLIExitCode.auth.rawValue && nobody.stderr.contains("not logged in"), "\(nobody)"
        )
        let refusing = try RefusingPort()
        let down = try await admin.run([
            "booking", "session-types", "list", "--booking-addr", "127.0.0.1:\(refusing.port)",
        ])
        #expect(down.status == CLIExitCode.unavailable.rawValue, "\(down)")
        #expect(down.stderr.contains("booking at 127.0.0.1:\(refusing.port) is not reachable"), "\(down)")
    }

    @Test func rescheduleAttendanceNoShowCareContactHoursExceptionsCheckInsAndContactWindow() async throws {
        let practice = try await Self.practice()
        defer { practice.stack.tearDown() }
        let admin = practice.admin
        let type = try await Self.sessionType(practice)
        let set = try await admin.run([
            "booking", "availability", "set", "--practitioner", practice.practitionerID, "--location",
            practice.location, "--rule", "mon-sun 00:00-24:00",
        ])
        #expect(set.status == 0 && set.stdout.contains("mon-sun 00:00-24:00"), "\(set)")
        func book(_ start: String, client: Int, outside: Bool = false) async throws -> TillitRun {
            try await admin.run(
                [
                    "booking", "book", "--session-type", type, "--practitioner", practice.practitionerID,
                    "--location", practice.location, "--client", practice.clients[client], "--start", start,
                    "--json",
                ] + (outside ? ["--outside-availability"] : []))
        }

        // Attended (actual times default to the booked ones), care relationship, contact hours.
        let minute = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
        let past = try await book(Self.iso(minute.addingTimeInterval(-3 * 3600)), client: 0, outside: true)
        #expect(past.status == 0, "\(past)")
        let pastID = try #require(past.value("id") as? String)
        let attended = try await practice.practitioner.run(["booking", "attended", pastID, "--json"])
        #expect(attended.status == 0, "\(attended)")
        #expect(attended.value("status") as? String == "attended", "\(attended)")
        #expect(attended.value("actualStart") as? String == past.value("start") as? String, "\(attended)")
        let care = try await practice.practitioner.run([
            "booking", "care", "--practitioner", "me", "--client", practice.clients[0], "--json",
        ])
        #expect(care.status == 0 && care.value("active") as? Bool == true, "\(care)")
        #expect((care.value("basis") as? [String])?.contains("recent-attendance") == true, "\(care)")
        let noCare = try await admin.run([
            "booking", "care", "--practitioner", practice.practitionerID, "--client", practice.clients[1],
        ])
        #expect(noCare.status == 0 && noCare.stdout.hasPrefix("No care relationship"), "\(noCare)")
        let hours = try await practice.practitioner.run([
            "booking", "contact-hours", "--practitioner", "me", "--json",
        ])
        #expect(hours.status == 0, "\(hours)")
        #expect(
            hours.value("appointments") as? Int == 1 && hours.value("attendedMinutes") as? Int == 50,
            "\(hours)")

        // A no-show.
        let missed = try await book(Self.iso(minute.addingTimeInterval(-6 * 3600)), client: 1, outside: true)
        let missedID = try #require(missed.value("id") as? String, "\(missed)")
        let noShow = try await practice.practitioner.run(["booking", "no-show", missedID, "--json"])
        #expect(noShow.status == 0 && noShow.value("status") as? String == "no-show", "\(noShow)")
        let notStarted = try await book(
            Self.iso(minute.addingTimeInterval(3 * 86_400 + 7200)), client: 1, outside: true)
        let notStartedID = try #require(notStarted.value("id") as? String, "\(notStarted)")
        let tooEarly = try await practice.practitioner.run(["booking", "no-show", notStartedID])
        #expect(tooEarly.status == CLIExitCode.conflict.rawValue, "\(tooEarly)")

        // Reschedule to the next free slot: a new appointment; the old one points to it.
        let from = Self.iso(Date().addingTimeInterval(2 * 86_400))
        let starts = try await Self.slotStarts(
            admin, ["--session-type", type, "--from", from, "--days", "1"])
        try #require(starts.count >= 2)
        let moving = try await book(starts[0], client: 0)
        let movingID = try #require(moving.value("id") as? String, "\(moving)")
        let moved = try await admin.run(["booking", "reschedule", movingID, "--start", starts[1], "--json"])
        #expect(moved.status == 0, "\(moved)")
        #expect(moved.value("previous", "status") as? String == "rescheduled", "\(moved)")
        #expect(moved.value("appointment", "rescheduledFrom") as? String == movingID, "\(moved)")
        #expect(moved.value("appointment", "start") as? String == starts[1], "\(moved)")

        // Exceptions: a blocked day removes its slots until the exception is removed.
        let day = try #require(ISO8601DateFormatter().date(from: starts[0]))
        let blockFrom = Self.iso(day.addingTimeInterval(-3600))
        let blockUntil = Self.iso(day.addingTimeInterval(12 * 3600))
        let blocked = try await practice.practitioner.run([
            "booking", "exceptions", "add", "--practitioner", "me", "--kind", "blocked", "--from", blockFrom,
            "--until", blockUntil, "--reason", "course", "--json",
        ])
        #expect(blocked.status == 0 && blocked.value("kind") as? String == "blocked", "\(blocked)")
        let exceptionID = try #require(blocked.value("id") as? String)
        let exceptions = try await admin.run([
            "booking", "exceptions", "list", "--practitioner", practice.practitionerID, "--days", "30",
        ])
        #expect(exceptions.status == 0 && exceptions.stdout.contains("course"), "\(exceptions)")
        let during = ["--session-type", type, "--from", blockFrom, "--days", "1", "--limit", "5"]
        let whileBlocked = try await Self.slotStarts(admin, during)
        #expect(whileBlocked.allSatisfy { $0 >= blockUntil }, "\(whileBlocked)")
        let removed = try await practice.practitioner.run(["booking", "exceptions", "remove", exceptionID])
        #expect(removed.status == 0, "\(removed)")
        #expect(try await Self.slotStarts(admin, during).contains { $0 < blockUntil })

        // Check-ins: the practitioner marks a client they have a care relationship with.
        let mark = try await practice.practitioner.run([
            "booking", "check-ins", "mark", "--client", practice.clients[0], "--rest", "2w", "--json",
        ])
        #expect(mark.status == 0, "\(mark)")
        #expect(
            mark.value("restUnit") as? String == "weeks" && mark.value("status") as? String == "marked",
            "\(mark)")
        let checkInID = try #require(mark.value("id") as? String)
        let due = try await practice.practitioner.run(["booking", "check-ins", "due"])
        #expect(due.status == 0 && due.stdout.contains("No check-ins due."), "\(due)")
        let closed = try await practice.practitioner.run([
            "booking", "check-ins", "close", checkInID, "--withdraw", "--json",
        ])
        #expect(closed.status == 0 && closed.value("status") as? String == "cancelled", "\(closed)")
        let badRest = try await practice.practitioner.run([
            "booking", "check-ins", "mark", "--client", practice.clients[0], "--rest", "soon",
        ])
        #expect(badRest.status == CLIExitCode.usage.rawValue, "\(badRest)")
        let intake = try await practice.practitioner.run(["booking", "intake", "list"])
        #expect(intake.status == 0 && intake.stdout.contains("No intake requests."), "\(intake)")

        // The contact window, within and outside the practice's hours (Europe/Stockholm).
        let contact = try await admin.run([
            "org", "contact-policy", "set", "--hours", "mon-fri 09:00-17:00", "--weekend-rule",
            "emergency-only",
            "--emergency", "Call 112", "--crisis-line", "Mind|90101|around the clock|https://mind.se",
        ])
        #expect(contact.status == 0, "\(contact)")
        // 2030-01-05 is a Saturday, 2030-01-07 a Monday.
        let outside = try await admin.run([
            "booking", "contact-window", "--practitioner", practice.practitionerID, "--at",
            "2030-01-05 23:00",
        ])
        #expect(outside.status == 0, "\(outside)")
        #expect(outside.stdout.hasPrefix("outside the agreed contact hours"), "\(outside)")
        #expect(
            outside.stdout.contains("emergency-only") && outside.stdout.contains("Call 112"), "\(outside)")
        #expect(outside.stdout.contains("Mind") && outside.stdout.contains("90101"), "\(outside)")
        #expect(outside.stdout.contains("2030-01-07 09:00"), "next window start: \(outside)")
        let within = try await admin.run([
            "booking", "contact-window", "--practitioner", practice.practitionerID, "--at",
            "2030-01-07 10:00",
            "--json",
        ])
        #expect(within.status == 0 && within.value("within") as? Bool == true, "\(within)")
        #expect(within.value("timeZone") as? String == "Europe/Stockholm", "\(within)")
        #expect((within.value("crisisLines") as? [Any])?.isEmpty == true, "\(within)")
        let withinText = try await admin.run([
            "booking", "contact-window", "--practitioner", practice.practitionerID, "--at",
            "2030-01-07 10:00",
        ])
        #expect(withinText.stdout.hasPrefix("within the agreed contact hours"), "\(withinText)")

        let defaults = try await practice.practitioner.run(["booking", "policy", "get", "--json"])
        #expect(defaults.value("cancellationWindowMinutes") as? Int == 1440, "\(defaults)")
        #expect(defaults.value("minimumNoticeMinutes") as? Int == 120, "\(defaults)")
    }
}
