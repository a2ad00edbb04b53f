/// A restriction carried by a token: a scoped token does only what its scope names, in every
/// service. A full token has no scope.
public enum Scope: String, Sendable, Hashable, CaseIterable, Codable {
    /// Only TOTP enrolment (`EnrolTotp`, `ConfirmTotp`): given to staff who must enrol a second
    /// factor before they can do anything else.
    case totpEnrolment = "totp_enrolment"
}
