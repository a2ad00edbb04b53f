import TillitServiceKit

extension ServiceError {
    /// The answer while an account or address is locked after repeated failures.
    static let throttled = ServiceError(
        .resourceExhausted, "too many failed sign-in attempts; try again later")

    /// The one answer for every failed login, so it never reveals whether the account exists.
    static let loginFailed = ServiceError(.unauthenticated, "invalid credentials")
}
