import Foundation
import Testing
import TillitCLI
import TillitTesting

/// `tillit stack up --demo` with the real `tillit-identity`, `tillit-booking`, `tillit-notes` and
/// `tillit-supervision` (all on ports they pick, port 0): seeds Identity's, then Booking's, then
/// Notes', then Supervision's demo data once, prints how to log in, and on a second start only prints the hints again; a demo
/// practitioner who logs in as the hints say (two-factor enrolment first, even though the seeder
/// wrote notes as him) finds the booking demo data and his demo notes.
@Suite(.timeLimit(.minutes(6))) struct CLIDemoTests {
    /// Starts `tillit stack up --demo` on the data in `folder` and waits for every marker.
    private func stackUp(folder: URL, until markers: [String]) async throws -> StackUpProcess {
        let stack = try StackUpProcess([
            "--demo", "--bin-dir", try StackUpProcess.binaries(in: folder).path, "--data-dir",
            folder.appendingPathComponent("data").path, "--identity-addr", "127.0.0.1:0", "--booking-addr",
            "127.0.0.1:0", "--notes-addr", "127.0.0.1:0", "--supervision-addr", "127.0.0.1:0",
        ])
        for marker in markers {
            guard await stack.waitFor(marker, timeout: .seconds(150)) else {
                try await stack.stop()
                Issue.record("no '\(marker)' in: \(stack.output)")
                throw CancellationError()
            }
        }
        return stack
    }

    /// Björn, the demo psychotherapist, using `tillit` against this run of the stack.
    private func demoUser(_ folder: URL, _ stack: StackUpProcess) throws -> CLIUser {
        let identity = try #require(stack.serving("identity"), "\(stack.output)")
        let booking = try #require(stack.serving("booking"), "\(stack.output)")
        let notes = try #require(stack.serving("notes"), "\(stack.output)")
        let supervision = try #require(stack.serving("supervision"), "\(stack.output)")
        return CLIUser(
            configDirectory: folder.appendingPathComponent("config-bjorn"),
            identityAddress: identity.address.description,
            environment: [
                "TILLIT_BOOKING_ADDR": booking.address.description,
                "TILLIT_NOTES_ADDR": notes.address.description,
                "TILLIT_SUPERVISION_ADDR": supervision.address.description,
                "TILLIT_TLS_CA": folder.appendingPathComponent("data/tls/ca.pem").path,
            ])
    }

    @Test func seedsADemoPracticeAndItsBookingsOnceAndPrintsHowToLogIn() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-demo-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let first = try await stackUp(
            folder: folder,
            until: [
                "all staff enrol two-factor at first login", "demo: booking seeded.", "demo: notes seeded.",
                "demo: supervision seeded.",
            ])
        let text = first.output
        #expect(text.contains("demo: seeded Demo Practice"), "\(text)")
        #expect(text.contains("admin@demo.tillit.test") && text.contains(DemoSeederPassword.value))
        #expect(text.contains("tillit org update --staff-totp off"), "says how the demo staff log in")
        #expect(text.contains("appointments booked: 3"), "\(text)")
        let line = try #require(text.split(separator: "\n").first { $0.contains("organisation id:") })
        let org = String(line.split(separator: " ").last!)
        let hint = try #require(
            text.split(separator: "\n").first { $0.contains("try: tillit notes list --client ") }, "\(text)")
        let words = hint.split(separator: " ").map(String.init)
        let ida = try #require(words.firstIndex(of: "--client").map { words[$0 + 1] }, "\(hint)")

        // Björn logs in as the hints say (two-factor enrolment first) and finds the demo data.
        let bjorn = try demoUser(folder, first)
        let bjornID = try await bjorn.logInEnrollingTOTP(
            org: org, email: "bjorn@demo.tillit.test", password: DemoSeederPassword.value)
        let types = try await bjorn.run(["booking", "session-types", "list", "--json"])
        #expect(types.status == 0, "\(types)")
        let names = Set(types.jsonArray?.compactMap { $0["name"] as? String } ?? [])
        #expect(
            names == ["Individual session", "Video session", "Skin consultation", "Group session"], "\(types)"
        )
        let individual = try #require(
            types.jsonArray?.first { $0["name"] as? String == "Individual session" }?["id"] as? String)
        let week = try await bjorn.run(["booking", "availability", "list", "--practitioner", "me", "--json"])
        #expect(week.status == 0 && week.jsonArray?.count == 1, "\(week)")
        #expect((week.jsonArray?.first?["rules"] as? [String])?.count == 5, "mon-thu and fri: \(week)")
        let mine = try await bjorn.run(["booking", "appointments", "list", "--practitioner", "me", "--json"])
        #expect(mine.status == 0, "\(mine)")
        let appointments = mine.jsonArray ?? []
        #expect(!appointments.isEmpty, "Ida's appointment with Björn: \(mine)")
        #expect(appointments.allSatisfy { $0["practitionerId"] as? String == bjornID }, "\(mine)")
        let table = try await bjorn.run(["booking", "appointments", "list", "--practitioner", "me"])
        #expect(table.stdout.contains("Ida Nilsson") && table.stdout.contains("Södermalm"), "\(table)")
        let slots = try await bjorn.run([
            "booking", "slots", "--session-type", individual, "--city", "Stockholm", "--days", "14", "--json",
        ])
        #expect(slots.status == 0 && slots.jsonArray?.isEmpty == false, "\(slots)")
        // The demo practice has contact hours: a Saturday night is outside, with a crisis line.
        let window = try await bjorn.run([
            "booking", "contact-window", "--practitioner", "me", "--at", "2030-01-05 23:00",
        ])
        #expect(window.status == 0 && window.stdout.hasPrefix("outside"), "\(window)")
        #expect(window.stdout.contains("112") && window.stdout.contains("90101"), "\(window)")
        // His demo notes for Ida: a signed SOAP session note and a signed shared note.
        let notes = try await bjorn.run(["notes", "list", "--client", ida, "--json"])
        #expect(notes.status == 0, "\(notes)")
        let listed = notes.jsonArray ?? []
        #expect(Set(listed.compactMap { $0["kind"] as? String }) == ["session", "shared"], "\(notes)")
        #expect(
            listed.allSatisfy { $0["status"] as? String == "signed" && $0["authorId"] as? String == bjornID })
        let session = try #require(listed.first { $0["kind"] as? String == "session" }?["id"] as? String)
        let shown = try await bjorn.run(["notes", "show", session])
        #expect(shown.status == 0 && shown.stdout.contains("## subjective"), "\(shown)")
        #expect(shown.stdout.contains("Björn Ek") && shown.stdout.contains("Ida Nilsson"), "\(shown)")
        // Supervision's demo data: the practice's categories (any staff member reads them), and
        // Dana's supervision of the pre-licensed Gustav, which Björn, in neither role, does not see.
        let categories = try await bjorn.run(["supervision", "categories", "--json"])
        #expect(categories.status == 0, "\(categories)")
        #expect(categories.stdout.contains("\"case review\"") && categories.stdout.contains("\"ethics\""))
        let relationships = try await bjorn.run(["supervision", "relationships", "list", "--json"])
        #expect(relationships.status == 0 && relationships.jsonArray?.isEmpty == true, "\(relationships)")
        let record = try #require(
            FileManager.default.contents(atPath: folder.appendingPathComponent("data/demo.json").path))
        let seeded = try JSONSerialization.jsonObject(with: record) as? [String: Any]
        let supervision = try #require(
            seeded?["supervision"] as? [String: Any], "demo.json: \(String(decoding: record, as: UTF8.self))")
        #expect((supervision["relationshipId"] as? String)?.isEmpty == false)
        #expect(try await first.stop() == 0, "\(first.output)")

        // A second start: nothing is seeded again (Identity's or Booking's).
        let second = try await stackUp(
            folder: folder,
            until: [
                "demo: booking demo data is already seeded.", "demo: notes demo data is already seeded.",
                "demo: supervision demo data is already seeded.", "booking     SERVING",
                "notes       SERVING",
                "supervision SERVING", "supervision METRICS",
            ])
        #expect(second.output.contains("already seeded") && second.output.contains(org), "\(second.output)")
        // The launcher prints each service's metrics URL; Booking's answers with its calls so far.
        let metricsLine = try #require(
            second.output.split(separator: "\n").first { $0.hasPrefix("booking") && $0.contains("METRICS") },
            "\(second.output)")
        let url = try #require(metricsLine.split(separator: " ").last.map(String.init))
        let port = try #require(
            url.split(separator: ":").last?.split(separator: "/").first.flatMap { Int($0) }, "\(url)")
        #expect(url == "http://127.0.0.1:\(port)/metrics")
        let scraped = try PrometheusText(try await HTTPScrape.get(port: port).body)
        #expect(
            (scraped.value(
                "tillit_rpc_calls_total", ["method": "/tillit.health.v1.Health/Check", "code": "OK"]) ?? 0)
                >= 1, "\(scraped.samples.prefix(20))")
        #expect(!second.output.contains("demo: seeded") && !second.output.contains("demo: booking seeded."))
        #expect(!second.output.contains("demo: notes seeded."), "\(second.output)")
        #expect(!second.output.contains("demo: supervision seeded."), "\(second.output)")
        let again = try demoUser(folder, second)
        let after = try await again.run(["booking", "appointments", "list", "--practitioner", "me", "--json"])
        #expect(after.status == 0 && after.jsonArray?.count == appointments.count, "\(after)")
        let typesAfter = try await again.run(["booking", "session-types", "list", "--json"])
        #expect(typesAfter.jsonArray?.count == 4, "\(typesAfter)")
        let notesAfter = try await again.run(["notes", "list", "--client", ida, "--json"])
        #expect(notesAfter.status == 0 && notesAfter.jsonArray?.count == 2, "\(notesAfter)")
        #expect(try await second.stop() == 0, "\(second.output)")
    }
}

/// The demo password, as the seeder prints it.
enum DemoSeederPassword {
    static let value = "tillit-demo-password"
}
