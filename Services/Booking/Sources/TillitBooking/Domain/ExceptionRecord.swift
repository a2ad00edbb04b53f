/// An availability exception, as stored.
public struct ExceptionRecord: Sendable, Equatable {
    /// Lower-case UUID.
    public var id: String
    /// The practitioner's account id.
    public var practitionerID: String
    /// Blocked or extra hours.
    public var kind: ExceptionKind
    /// `[start, end)` in milliseconds.
    public var during: Range<Int64>
    /// Where the extra hours are (nil for blocked).
    public var locationID: String?
    /// Why.
    public var reason: String
    /// Milliseconds since the epoch.
    public var createdAt: Int64

    /// A value with every field.
    public init(
        id: String, practitionerID: String, kind: ExceptionKind, during: Range<Int64>, locationID: String?,
        reason: String, createdAt: Int64
    ) {
        self.id = id
        self.practitionerID = practitionerID
        self.kind = kind
        self.during = during
        self.locationID = locationID
        self.reason = reason
        self.createdAt = createdAt
    }
}
