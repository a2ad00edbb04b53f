import Foundation
import Testing
import TillitServiceKit

@testable import TillitCLI

/// `org update`, `mfa reset` and `sessions revoke` through the real binary against a real Identity.
@Suite(.timeLimit(.minutes(5))) struct CLIAdminCommandsTests {
    static let password = "correct horse battery"

    /// A new practice requires two-factor of every staff account: a practitioner's first login
    /// only enrols; `org update --staff-totp off` lifts that for non-admins.
    @Test func staffTwoFactorIsRequiredUntilAnAdminTurnsItOff() async throws {
        let stack = try await IdentityStack.start()
        defer { stack.tearDown() }
        let (org, admin) = try await stack.bootstrapWithAdmin(password: Self.password, staffTotp: true)
        let shown = try await admin.run(["org", "show", "--json"])
        #expect(shown.value("staffTotpRequired") as? Bool == true, "\(shown)")
        let add = try await admin.run(
            [
                "staff", "add", "--email", "s@test.example", "--name", "Sam", "--role", "scheduler",
                "--password-stdin", "--json",
            ], stdin: Self.password + "\n")
        try #require(add.status == 0, "\(add)")
        let scheduler = stack.user("scheduler")
        let arguments = ["login", "--org", org, "--email", "s@test.example", "--password-stdin", "--json"]
        let first = try await scheduler.run(arguments, stdin: Self.password + "\n")
        #expect(first.value("totpEnrolmentRequired") as? Bool == true, "\(first)")

        let bad = try await admin.run(["org", "update", "--staff-totp", "maybe"])
        #expect(bad.status == CLIExitCode.usage.rawValue, "\(bad)")
        let off = try await admin.run(["org", "update", "--staff-totp", "off"])
        #expect(off.status == 0, "\(off)")
        #expect(off.stdout.contains("required of admins and supervisors"), "\(off)")
        let second = try await scheduler.run(arguments, stdin: Self.password + "\n")
        #expect(second.value("totpEnrolmentRequired") as? Bool == false, "\(second)")
    }

    @Test func orgUpdateMFAResetAndSessionsRevoke() async throws {
        let stack = try await IdentityStack.start()
        defer { stack.tearDown() }
        let (org, admin) = try await stack.bootstrapWithAdmin(password: Self.password)

        let update = try await admin.run(["org", "update", "--time-zone", "Europe/Helsinki", "--json"])
        #expect(update.status == 0, "\(update)")
        #expect(update.value("timeZone") as? String == "Europe/Helsinki", "\(update)")
        let nothing = try await admin.run(["org", "update"])
        #expect(nothing.status == CLIExitCode.usage.rawValue, "\(nothing)")
        let badZone = try await admin.run(["org", "update", "--time-zone", "Mars/Olympus"])
        #expect(badZone.status == CLIExitCode.invalidInput.rawValue, "\(badZone)")

        // A practitioner with a session; the admin ends it.
        let add = try await admin.run(
            [
                "staff", "add", "--email", "p@test.example", "--name", "Pia", "--role", "practitioner",
                "--licence", "licensed", "--password-stdin", "--json",
            ], stdin: Self.password + "\n")
        try #require(add.status == 0, "\(add)")
        let practitionerID = try #require(add.value("id") as? String)
        let practitioner = stack.user("practitioner")
        let login = try await practitioner.run(
            ["login", "--org", org, "--email", "p@test.example", "--password-stdin"],
            stdin: Self.password + "\n")
        try #require(login.status == 0, "\(login)")
        let revoke = try await admin.run(["sessions", "revoke", practitionerID, "--json"])
        #expect(revoke.status == 0, "\(revoke)")
        #expect((revoke.value("revokedSessions") as? Int) == 1, "\(revoke)")
        try practitioner.editSession { $0["accessTokenExpiresAt"] = "2020-01-01T00:00:00Z" }
        let after = try await practitioner.run(["whoami"])
        #expect(after.status == CLIExitCode.auth.rawValue, "\(after)")

        // Not an admin: refused.
        let login2 = try await practitioner.run(
            ["login", "--org", org, "--email", "p@test.example", "--password-stdin"],
            stdin: Self.password + "\n")
        try #require(login2.status == 0, "\(login2)")
        let refused = try await practitioner.run([
            "mfa", "reset", try #require(admin.session()["accountID"] as? String),
        ])
        #expect(refused.status == CLIExitCode.auth.rawValue, "\(refused)")

        // The admin resets the practitioner's (absent) TOTP: fine, and says so.
        let reset = try await admin.run(["mfa", "reset", practitionerID])
        #expect(reset.status == 0, "\(reset)")
        #expect(reset.stdout.contains("Two-factor removed"), "\(reset)")
    }
}
