import Foundation

/// The answer to a consent check of an existing client.
struct ConsentCheck: Sendable {
    /// The consent in force.
    struct InForce: Sendable {
        var id: String
        var grantedAt: Int64
    }

    /// Whether the caller's account is active.
    var callerActive: Bool
    /// Whether the client is a client account of the caller's organisation.
    var clientExists: Bool
    /// The consent in force, if any.
    var inForce: InForce?
}
