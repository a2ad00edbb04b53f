/// The practice's booking rules, as stored (or the defaults).
public struct BookingPolicyRecord: Sendable, Equatable {
    /// A cancellation less than this before the start is late.
    public var cancellationWindowMinutes: Int
    /// Clients cannot book sooner than this.
    public var minimumNoticeMinutes: Int
    /// An attended appointment keeps the care relationship this long.
    public var careRelationshipDays: Int
    /// Told to clients.
    public var cancellationTerms: String
    /// Milliseconds since the epoch; nil for the defaults.
    public var updatedAt: Int64?
    /// Who set it; nil for the defaults.
    public var updatedBy: String?

    /// A value with every field.
    public init(
        cancellationWindowMinutes: Int, minimumNoticeMinutes: Int, careRelationshipDays: Int,
        cancellationTerms: String, updatedAt: Int64?, updatedBy: String?
    ) {
        self.cancellationWindowMinutes = cancellationWindowMinutes
        self.minimumNoticeMinutes = minimumNoticeMinutes
        self.careRelationshipDays = careRelationshipDays
        self.cancellationTerms = cancellationTerms
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    /// The defaults until an admin sets a policy: 24 h cancellation window, 2 h notice, a year
    /// of care relationship after the last attendance.
    public static let defaults = BookingPolicyRecord(
        cancellationWindowMinutes: 1440, minimumNoticeMinutes: 120, careRelationshipDays: 365,
        cancellationTerms: "", updatedAt: nil, updatedBy: nil)
}
