/// What an availability exception does (stored as its raw value).
public enum ExceptionKind: String, Sendable, CaseIterable, Codable {
    /// No slots inside the range.
    case blocked = "blocked"
    /// Extra working hours inside the range.
    case extraHours = "extra_hours"
}
