import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// The Identity service's handlers: each decodes and validates its request, authorises the
/// caller, calls one intention-named `IdentityStore` method (which owns every transaction and all
/// SQL) and encodes the answer from the records it returns. Sign-in is `LoginFlow`. The methods
/// are grouped by concern in `IdentityHandler+<Concern>.swift`; the authorisation matrix is in
/// docs/identity.md.
struct IdentityHandler: Tillit_Identity_V1_IdentityService {
    let store: IdentityStore
    let configuration: IdentityConfiguration
    let hasher: PasswordHasher
    let issuer: TokenIssuer
    let keys: SigningKeyRing
    let secrets: SecretBox

    /// The login use case over this handler's store, hasher, TOTP secrets and token issuer.
    var loginFlow: LoginFlow {
        LoginFlow(
            store: store, configuration: configuration, hasher: hasher, issuer: issuer, secrets: secrets)
    }

    /// An account id from a request: INVALID_ARGUMENT if malformed.
    static func accountID(_ id: Tillit_Common_V1_AccountId, field: String = "account_id") throws -> String {
        try Validation.id(id.value, field: field)
    }
}
