/// Where an intake request stands (stored as its raw value).
public enum IntakeStatus: String, Sendable, CaseIterable, Codable {
    /// Waiting for a practitioner.
    case open = "open"
    /// A practitioner took it on.
    case accepted = "accepted"
    /// A practitioner declined it.
    case declined = "declined"
    /// The client withdrew it.
    case withdrawn = "withdrawn"
}
