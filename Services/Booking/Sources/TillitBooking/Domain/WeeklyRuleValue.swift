/// One weekly window: an ISO weekday and minutes after local midnight, `[start, end)`.
public struct WeeklyRuleValue: Sendable, Equatable, Hashable {
    /// 1 (Monday) – 7 (Sunday).
    public var weekday: Int
    /// 0–1439.
    public var startMinute: Int
    /// 1–1440, after `startMinute`.
    public var endMinute: Int

    /// A window.
    public init(weekday: Int, startMinute: Int, endMinute: Int) {
        self.weekday = weekday
        self.startMinute = startMinute
        self.endMinute = endMinute
    }
}
