import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// Notes' part of the demo practice, once Booking's exists: Björn (the demo psychotherapist, who
/// has a demo appointment with Ida, so the care relationship exists) writes and signs a SOAP
/// session note and a shared note for Ida through Notes' rpcs.
///
/// Notes are written by practitioners only, and every demo staff account must enrol two-factor
/// at its first login: the seeder signs Björn in, enrols a TOTP secret of its own for him,
/// writes the notes, logs him out and has the setup admin reset his TOTP, so that he still
/// enrols his own at his first login, as the hints say. If Björn has two-factor already (he
/// enrolled before Notes was part of the stack), no notes are written.
///
/// Safe to run again after a partial run: each note has a fixed idempotency key, so a second
/// attempt answers the note the first one wrote.
struct DemoNotesSeeder: Sendable {
    /// What the seeder made, as `demo.json` keeps it.
    struct Record: Codable, Sendable {
        /// The demo client the notes are about (Ida).
        var clientId: String
        /// Kind and id of each demo note.
        var notes: [[String]]
    }

    /// Identity (the setup admin's calls and Björn's sign-in).
    let identity: Tillit_Identity_V1_Identity.Client
    /// Notes, as Björn.
    let notes: Tillit_Notes_V1_Notes.Client
    /// The setup admin's bearer token.
    let options: CallOptions
    /// The organisation.
    let organization: String
    /// The demo accounts' password.
    let password: String

    /// A demo note: its kind, template, sections and idempotency key.
    private struct Note {
        var kind: Tillit_Notes_V1_NoteKind
        var template: Tillit_Notes_V1_NoteTemplate
        var sections: [(String, String)]
        var key: String
    }

    private static let demoNotes = [
        Note(
            kind: .session, template: .soap,
            sections: [
                (
                    "subjective",
                    "Ida reports sleeping four to five hours a night since the move; worries at bedtime."
                ),
                ("objective", "Alert, tired; speech normal. PHQ-9 of 11 (moderate)."),
                ("assessment", "Insomnia with worry; no risk to self or others stated."),
                ("plan", "Sleep diary for two weeks; stimulus control explained. Next session in a week."),
            ], key: "demo-ida-session-1"),
        Note(
            kind: .shared, template: .free,
            sections: [
                (
                    "What we agreed",
                    "Keep the sleep diary every morning. Get up if you lie awake for more than 20 minutes, and "
                        + "go back to bed when sleepy."
                )
            ], key: "demo-ida-shared-1"),
    ]

    /// Writes the demo notes (nil when Björn has two-factor already and so cannot be signed in).
    func seed() async throws -> Record? {
        let bjorn = try await DemoSeeder.account(
            identity, options: options, kind: .staff, email: "bjorn@\(DemoSeeder.domain)")
        let ida = try await DemoSeeder.account(
            identity, options: options, kind: .client, email: "ida@example.net")
        if bjorn.totpEnabled { return nil }

        var login = Tillit_Identity_V1_LoginRequest()
        login.organizationID.value = organization
        login.email = bjorn.email
        login.password = password
        var session = try await identity.login(login)
        var enrolled = false
        if session.totpEnrolmentRequired {
            let scoped = DemoSeeder.bearer(session.tokens.accessToken)
            let enrolment = try await identity.enrolTotp(.init(), options: scoped)
            guard let secret = Base32.decode(enrolment.secret) else {
                throw RPCError(
                    code: .internalError, message: "EnrolTotp returned a secret that is not Base32")
            }
            enrolled = true
            let totp = TOTP(secret: secret)
            let step = TOTP.step(at: Date())
            do {
                _ = try await identity.confirmTotp(.with { $0.code = totp.code(step: step) }, options: scoped)
                login.totpCode = totp.code(step: step + 1)  // the current step's code is used up
                session = try await identity.login(login)
            } catch {
                await resetTOTP(bjorn)
                throw error
            }
        }
        let written: [[String]]
        do {
            written = try await write(for: ida.id.value, as: DemoSeeder.bearer(session.tokens.accessToken))
        } catch {
            await endSession(session, of: bjorn, resetting: enrolled)
            throw error
        }
        await endSession(session, of: bjorn, resetting: enrolled)
        return Record(clientId: ida.id.value, notes: written)
    }

    /// Writes (or, on a second attempt, finds) each demo note, signed.
    private func write(for client: String, as author: CallOptions) async throws -> [[String]] {
        var written: [[String]] = []
        for note in Self.demoNotes {
            var request = Tillit_Notes_V1_CreateNoteRequest()
            request.clientID.value = client
            request.kind = note.kind
            request.body.template = note.template
            request.body.sections = note.sections.map { heading, text in
                .with {
                    $0.heading = heading
                    $0.text = text
                }
            }
            request.sign = true
            request.idempotencyKey = note.key
            let created = try await notes.createNote(request, options: author).note
            written.append([Names.word(note.kind, in: Names.noteKinds), created.id])
        }
        return written
    }

    /// Logs Björn's session out and, when the seeder enrolled his TOTP, has the setup admin
    /// reset it (best effort: a failure is not the notes' failure).
    private func endSession(
        _ session: Tillit_Identity_V1_LoginResponse, of account: Tillit_Identity_V1_Account, resetting: Bool
    ) async {
        _ = try? await identity.logout(.with { $0.refreshToken = session.tokens.refreshToken })
        if resetting { await resetTOTP(account) }
    }

    /// The setup admin removes `account`'s TOTP, so that its owner enrols their own.
    private func resetTOTP(_ account: Tillit_Identity_V1_Account) async {
        _ = try? await identity.resetTotp(.with { $0.accountID = account.id }, options: options)
    }

    /// What to tell people about the notes demo data.
    static func hints(_ record: Record?, fresh: Bool) -> String {
        guard let record else {
            return "demo: no demo notes: bjorn@\(DemoSeeder.domain) has two-factor already, so the seeder "
                + "cannot write as him"
        }
        var lines = [
            fresh ? "demo: notes seeded." : "demo: notes demo data is already seeded.",
            "  signed notes by Björn Ek for Ida Nilsson (\(record.clientId)):",
        ]
        let width = record.notes.map { $0[0].count }.max() ?? 0
        lines += record.notes.map {
            "    " + "\($0[0]) note".padding(toLength: width + 7, withPad: " ", startingAt: 0) + $0[1]
        }
        lines.append("  try: tillit notes list --client \(record.clientId)   (as bjorn)")
        return lines.joined(separator: "\n")
    }
}
