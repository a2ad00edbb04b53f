import TillitServiceKit

/// What an hours report is computed from: a supervisee's entries in the range, the entries a
/// correction replaced, and the verified periods touching the range.
public struct HoursData: Sendable, Equatable {
    /// The entries in the range, by date.
    public var sessions: [SessionRecord]
    /// Ids of entries replaced by a correction (they no longer count).
    public var corrected: Set<String>
    /// Verified periods touching the range, by start.
    public var verified: [ClosedRange<CivilDate>]

    /// The entries that count: those no correction replaced.
    public var counted: [SessionRecord] {
        sessions.filter { !corrected.contains($0.id) }
    }

    /// Whether every day of `period` lies in a verified period.
    public func isVerified(_ period: ClosedRange<CivilDate>) -> Bool {
        var next = period.lowerBound
        for range in verified where range.lowerBound <= next && range.upperBound >= next {
            next = range.upperBound.adding(days: 1)
            if next > period.upperBound { return true }
        }
        return false
    }
}
