/// Where a check-in stands (stored as its raw value).
public enum CheckInStatus: String, Sendable, CaseIterable, Codable {
    /// Marked; due after the rest period.
    case marked = "marked"
    /// The practitioner checked in.
    case done = "done"
    /// The mark was withdrawn.
    case cancelled = "cancelled"
}
