import Foundation
import TillitRPC
import TillitServiceKit

/// The authenticated caller of an Identity method, with the questions authorisation asks.
struct Caller: Sendable {
    /// The verified token's principal.
    let principal: Principal
    /// The request id, for the audit trail.
    let requestID: String
    /// `x-on-behalf-of`: the account a service acts for, if any.
    let onBehalfOf: String?

    /// The caller's account id.
    var id: String { principal.subject }
    /// The caller's organisation: every call acts on it.
    var organization: String { principal.organization }
    /// The session (refresh-token family) the caller's token was issued for.
    var sessionID: String? { principal.sessionID }
    var isClient: Bool { principal.kind == .client }
    var isService: Bool { principal.kind == .service }
    var isStaff: Bool { principal.kind == .staff }
    var isAdmin: Bool { isStaff && principal.has(role: .admin) }

    /// Whether the caller is staff holding any of `roles`.
    func isStaff(anyOf roles: Set<String>) -> Bool {
        isStaff && principal.roles.contains { roles.contains($0.rawValue) }
    }

    /// PERMISSION_DENIED unless `allowed`.
    func require(_ allowed: Bool, _ what: String) throws {
        guard allowed else { throw IdentityError.denied("not allowed to \(what)") }
    }

    /// The caller of the current call. A token limited to TOTP enrolment is refused everywhere
    /// except EnrolTotp and ConfirmTotp.
    static func current(_ context: ServerContext, allowEnrolmentScope: Bool = false) throws -> Caller {
        let principal = try context.requirePrincipal()
        if principal.scope == .totpEnrolment && !allowEnrolmentScope {
            throw IdentityError.denied("enrol TOTP first (EnrolTotp, ConfirmTotp), then sign in again")
        }
        var onBehalfOf: String?
        if let value = context.metadata["x-on-behalf-of"], !value.isEmpty {
            onBehalfOf = try Validation.id(value, field: "x-on-behalf-of")
        }
        return Caller(principal: principal, requestID: context.requestID, onBehalfOf: onBehalfOf)
    }
}
