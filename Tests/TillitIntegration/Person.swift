import Foundation
import TillitContracts
import TillitRPC

/// Someone of a journey, signed in: their account id and access token.
public struct Person: Sendable {
    /// Their account id.
    public let id: String
    /// Their e-mail (to sign in again).
    public let email: String
    /// A current access token.
    public let token: String
    /// The TOTP secret (Base32) of an account that enrolled two-factor, and the last step whose
    /// code was used (a code is accepted once): for signing in again, e.g. with `tillit login`.
    public var totp: (secret: String, lastStep: Int64)? = nil

    /// Call options with `authorization: Bearer <token>`.
    public var options: CallOptions {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(token)")
        return CallOptions(metadata: metadata)
    }

    /// `id` in its wire form.
    public var accountID: Tillit_Common_V1_AccountId { .with { $0.value = id } }
}
