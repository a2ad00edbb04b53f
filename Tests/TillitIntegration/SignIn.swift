import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// Signing people in against a real Identity on the real clock: with a password, or enrolling
/// two-factor (TOTP) first, as an admin or supervisor must. A TOTP code is accepted once per
/// 30-second step, so each sign-in with a code uses a step of its own.
public enum SignIn {
    /// A login of `email` with `password`.
    static func request(organization: String, email: String, password: String)
        -> Tillit_Identity_V1_LoginRequest
    {
        .with {
            $0.organizationID.value = organization
            $0.email = email
            $0.password = password
        }
    }

    /// `email` signed in with the practice's password alone.
    public static func password(
        _ identity: Tillit_Identity_V1_Identity.Client, organization: String, email: String,
        password: String = CarePractice.password
    ) async throws -> Person {
        let session = try await identity.login(
            request(organization: organization, email: email, password: password))
        guard !session.totpEnrolmentRequired else {
            throw IntegrationFailure("\(email) must enrol two-factor; sign in with enrollingTOTP")
        }
        return Person(id: session.account.id.value, email: email, token: session.tokens.accessToken)
    }

    /// `email` signed in after enrolling a TOTP secret: the first login allows only enrolment;
    /// the code of the current step confirms it, the next step's code signs in.
    public static func enrollingTOTP(
        _ identity: Tillit_Identity_V1_Identity.Client, organization: String, email: String,
        password: String = CarePractice.password
    ) async throws -> Person {
        var login = request(organization: organization, email: email, password: password)
        let first = try await identity.login(login)
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(first.tokens.accessToken)")
        let scoped = CallOptions(metadata: metadata)
        let enrolment = try await identity.enrolTotp(.init(), options: scoped)
        guard let secret = Base32.decode(enrolment.secret) else {
            throw IntegrationFailure("EnrolTotp answered a secret that is not Base32")
        }
        let totp = TOTP(secret: secret)
        let step = TOTP.step(at: Date())
        _ = try await identity.confirmTotp(.with { $0.code = totp.code(step: step) }, options: scoped)
        login.totpCode = totp.code(step: step + 1)
        let session = try await identity.login(login)
        return Person(
            id: session.account.id.value, email: email, token: session.tokens.accessToken,
            totp: (enrolment.secret, step + 1))
    }

    /// A TOTP code for `person` of a step later than the last one used, waiting (at most about
    /// 30 seconds) until Identity accepts that step (the current one or the next).
    public static func nextCode(for person: Person) async throws -> (code: String, step: Int64) {
        guard let (secret, last) = person.totp, let key = Base32.decode(secret) else {
            throw IntegrationFailure("\(person.email) has no TOTP secret")
        }
        let step = max(TOTP.step(at: Date()), last + 1)
        while TOTP.step(at: Date()) + 1 < step { try await Task.sleep(for: .milliseconds(500)) }
        return (TOTP(secret: key).code(step: step), step)
    }
}
