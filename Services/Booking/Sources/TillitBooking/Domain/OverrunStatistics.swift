/// How a practitioner's attended sessions kept time.
public struct OverrunStatistics: Sendable, Equatable {
    /// Attended sessions.
    public var attended: Int
    /// Of which ended after the booked end.
    public var overran: Int
    /// Mean overrun of those, in seconds.
    public var meanOverrunSeconds: Int
    /// Largest overrun, in seconds.
    public var maxOverrunSeconds: Int
    /// Sessions that started after the booked start.
    public var startedLate: Int

    /// A value with every field.
    public init(
        attended: Int, overran: Int, meanOverrunSeconds: Int, maxOverrunSeconds: Int, startedLate: Int
    ) {
        self.attended = attended
        self.overran = overran
        self.meanOverrunSeconds = meanOverrunSeconds
        self.maxOverrunSeconds = maxOverrunSeconds
        self.startedLate = startedLate
    }
}
