/// Where an agreement stands (stored as its raw value).
public enum AgreementStatus: String, Sendable, CaseIterable, Codable {
    /// Proposed; the client decides.
    case proposed = "proposed"
    /// Accepted; the series books ahead.
    case active = "active"
    /// Paused; no occurrences are made.
    case paused = "paused"
    /// Declined by the client.
    case declined = "declined"
    /// Ended.
    case ended = "ended"
}
