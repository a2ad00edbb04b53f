import Foundation
import Testing
import TillitCLI
import TillitTesting

extension CLIBookingTests {
    /// Agreements and the waitlist through the real binary: an attended intake, a proposal by
    /// the practitioner, the client's acceptance (signed in through the CLI) booking the series;
    /// a client on the waitlist offered the slot another client's cancellation frees, and booking
    /// it.
    @Test func agreementSeriesAndWaitlistOffer() async throws {
        let practice = try await Self.practice()
        defer { practice.stack.tearDown() }
        let admin = practice.admin
        let type = try await Self.sessionType(practice)
        let set = try await admin.run([
            "booking", "availability", "set", "--practitioner", practice.practitionerID, "--location",
            practice.location, "--rule", "mon-sun 00:00-24:00",
        ])
        try #require(set.status == 0, "\(set)")

        // A client who signs in through the CLI.
        let added = try await admin.run(
            [
                "client", "add", "--email", "stina@test.example", "--name", "Stina Klient", "--with-password",
                "--password-stdin", "--json",
            ], stdin: Self.password + "\n")
        try #require(added.status == 0, "\(added)")
        let stinaID = try #require(added.value("id") as? String)
        let stina = practice.stack.user("stina")
        let login = try await stina.run(
            ["login", "--org", practice.organization, "--email", "stina@test.example", "--password-stdin"],
            stdin: Self.password + "\n")
        try #require(login.status == 0, "\(login)")

        // No intake yet: the practitioner may not propose.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm")!
        let startDay = calendar.startOfDay(for: Date().addingTimeInterval(2 * 86_400))
        let dayFormatter = DateFormatter()
        dayFormatter.locale = Locale(identifier: "en_GB")
        dayFormatter.timeZone = calendar.timeZone
        dayFormatter.dateFormat = "yyyy-MM-dd"
        let weekday = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][
            calendar.component(.weekday, from: startDay) - 1]
        let propose = [
            "booking", "agreements", "propose", "--client", stinaID, "--goal", "Sleep through the night",
            "--every-weeks", "1", "--weekday", weekday, "--time", "10:00", "--session-type", type,
            "--location", practice.location, "--start", dayFormatter.string(from: startDay), "--count", "3",
            "--price", "950.00", "--currency", "SEK", "--payment-terms", "invoice monthly",
            "--cancellation-terms", "24 h, else charged",
        ]
        let tooSoon = try await practice.practitioner.run(propose)
        #expect(tooSoon.status != 0, "\(tooSoon)")

        // The intake: booked by staff outside availability three hours ago, then attended.
        let minute = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
        let intake = try await admin.run([
            "booking", "book", "--session-type", type, "--practitioner", practice.practitionerID,
            "--location",
            practice.location, "--client", stinaID, "--start", Self.iso(minute.addingTimeInterval(-3 * 3600)),
            "--outside-availability", "--json",
        ])
        try #require(intake.status == 0, "\(intake)")
        let intakeID = try #require(intake.value("id") as? String)
        let attended = try await practice.practitioner.run(["booking", "attended", intakeID])
        try #require(attended.status == 0, "\(attended)")

        // Proposed by the practitioner; the client sees and accepts it.
        let proposed = try await practice.practitioner.run(propose + ["--json"])
        try #require(proposed.status == 0, "\(proposed)")
        #expect(proposed.value("status") as? String == "proposed", "\(proposed)")
        #expect(proposed.value("weekday") as? String == weekday, "\(proposed)")
        #expect(proposed.value("startTime") as? String == "10:00", "\(proposed)")
        #expect(proposed.value("price", "minorUnits") as? Int == 95_000, "\(proposed)")
        let agreementID = try #require(proposed.value("id") as? String)
        let badDate = try await practice.practitioner.run(
            propose.dropLast(8) + ["--start", "16/03/2026", "--price", "950.00", "--currency", "SEK"])
        #expect(badDate.status == CLIExitCode.usage.rawValue, "\(badDate)")
        let offers = try await stina.run(["booking", "agreements", "list", "--status", "proposed", "--json"])
        #expect(offers.status == 0, "\(offers)")
        #expect(offers.jsonArray?.map { $0["id"] as? String } == [agreementID], "\(offers)")
        let notTheirs = try await practice.practitioner.run(["booking", "agreements", "accept", agreementID])
        #expect(notTheirs.status == CLIExitCode.auth.rawValue, "the client decides: \(notTheirs)")
        let accepted = try await stina.run(["booking", "agreements", "accept", agreementID])
        #expect(accepted.status == 0, "\(accepted)")
        #expect(
            accepted.stdout.hasPrefix(
                "Accepted agreement \(agreementID) with Stina Klient: active; 3 occurrences booked"),
            "\(accepted)")

        // The series: three occurrences booked at 10:00 Stockholm time, each an appointment.
        let shown = try await practice.practitioner.run([
            "booking", "agreements", "show", agreementID, "--json",
        ])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.value("status") as? String == "active", "\(shown)")
        let occurrences = try #require(shown.value("occurrences") as? [[String: Any]], "\(shown)")
        #expect(occurrences.count == 3, "\(shown)")
        #expect(occurrences.allSatisfy { $0["status"] as? String == "booked" }, "\(shown)")
        #expect(occurrences.map { $0["index"] as? Int } == [0, 1, 2], "\(shown)")
        let appointmentIDs = occurrences.compactMap { $0["appointmentId"] as? String }
        #expect(Set(appointmentIDs).count == 3, "\(shown)")
        let text = try await stina.run(["booking", "agreements", "show", agreementID])
        #expect(text.status == 0, "\(text)")
        #expect(
            text.stdout.contains("Sleep through the night") && text.stdout.contains("invoice monthly"),
            "\(text)")
        #expect(text.stdout.contains("START (Europe/Stockholm)") && text.stdout.contains(" 10:00"), "\(text)")
        let series = try await stina.run(["booking", "appointments", "list", "--days", "30", "--json"])
        #expect(
            Set(series.jsonArray?.compactMap { $0["id"] as? String } ?? []) == Set(appointmentIDs),
            "\(series)")

        // The waitlist: Stina waits for an hour that Eva holds; Eva cancels; the slot is offered.
        let free = try await Self.slotStarts(
            admin,
            [
                "--session-type", type, "--from", Self.iso(Date().addingTimeInterval(5 * 86_400)), "--days",
                "1",
            ])
        let held = try #require(free.first)
        let heldAt = try #require(ISO8601DateFormatter().date(from: held))
        let eva = try await admin.run([
            "booking", "book", "--session-type", type, "--practitioner", practice.practitionerID,
            "--location",
            practice.location, "--client", practice.clients[0], "--start", held, "--json",
        ])
        try #require(eva.status == 0, "\(eva)")
        let evaID = try #require(eva.value("id") as? String)
        let joined = try await stina.run([
            "booking", "waitlist", "join", "--practitioner", practice.practitionerID, "--session-type", type,
            "--from", Self.iso(heldAt.addingTimeInterval(-1800)), "--until",
            Self.iso(heldAt.addingTimeInterval(1800)),
            "--json",
        ])
        #expect(joined.status == 0, "\(joined)")
        #expect(joined.value("status") as? String == "waiting", "\(joined)")
        #expect(joined.value("clientId") as? String == stinaID, "\(joined)")
        let entryID = try #require(joined.value("id") as? String)
        let early = try await stina.run(["booking", "waitlist", "accept", entryID])
        #expect(early.status == CLIExitCode.conflict.rawValue, "nothing offered yet: \(early)")
        let cancelled = try await admin.run(["booking", "cancel", evaID])
        #expect(cancelled.status == 0, "\(cancelled)")
        let offered = try await stina.run(["booking", "waitlist", "list", "--json"])
        #expect(offered.status == 0, "\(offered)")
        let entry = try #require(offered.jsonArray?.first { $0["id"] as? String == entryID }, "\(offered)")
        #expect(entry["status"] as? String == "offered", "\(offered)")
        #expect(entry["offeredStart"] as? String == held, "\(offered)")
        #expect(entry["offeredPractitionerId"] as? String == practice.practitionerID, "\(offered)")
        let table = try await admin.run(["booking", "waitlist", "list", "--status", "offered"])
        #expect(table.status == 0 && table.stdout.contains("Stina Klient"), "\(table)")
        let took = try await stina.run(["booking", "waitlist", "accept", entryID, "--json"])
        #expect(took.status == 0, "\(took)")
        #expect(took.value("entry", "status") as? String == "booked", "\(took)")
        #expect(took.value("appointment", "status") as? String == "booked", "\(took)")
        #expect(took.value("appointment", "start") as? String == held, "\(took)")
        #expect(took.value("appointment", "clientId") as? String == stinaID, "\(took)")
        let booked = try await stina.run(["booking", "waitlist", "list", "--status", "booked", "--json"])
        #expect(
            booked.jsonArray?.first?["appointmentId"] as? String == took.value("appointment", "id")
                as? String, "\(booked)")

        // Pause cancels the series' future appointments; end closes it.
        let paused = try await practice.practitioner.run([
            "booking", "agreements", "pause", agreementID, "--json",
        ])
        #expect(paused.status == 0 && paused.value("status") as? String == "paused", "\(paused)")
        let ended = try await stina.run(["booking", "agreements", "end", agreementID, "--json"])
        #expect(ended.status == 0 && ended.value("status") as? String == "ended", "\(ended)")
        let list = try await practice.practitioner.run(["booking", "agreements", "list"])
        #expect(
            list.status == 0 && list.stdout.contains("ended") && list.stdout.contains("Stina Klient"),
            "\(list)")
    }
}
