import Foundation

/// What a consent is about: a client, a kind and, exactly for `share_with_practitioner`, a
/// practitioner.
struct ConsentTarget: Sendable {
    /// The client's account id.
    var client: String
    /// What the client consents to.
    var kind: ConsentKind
    /// The practitioner's account id, for `share_with_practitioner` only.
    var practitioner: String?
}
