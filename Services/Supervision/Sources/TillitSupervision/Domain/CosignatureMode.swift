/// What a supervisor does with the supervisee's notes.
public enum CosignatureMode: String, Sendable, CaseIterable {
    /// No review.
    case none
    /// Review without co-signing.
    case review
    /// Every note co-signed.
    case cosignAll = "cosign_all"
}
