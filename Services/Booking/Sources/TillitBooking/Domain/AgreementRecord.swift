import TillitServiceKit

/// An agreement, as stored, with the occurrences its series made.
public struct AgreementRecord: Sendable, Equatable {
    /// Lower-case UUID.
    public var id: String
    /// Who proposed it.
    public var practitionerID: String
    /// With whom.
    public var clientID: String
    /// What the work aims at.
    public var goal: String
    /// Every N weeks.
    public var everyWeeks: Int
    /// ISO weekday.
    public var weekday: Int
    /// Local start, minutes after midnight.
    public var startMinute: Int
    /// IANA zone of the start time.
    public var timeZone: String
    /// The session type.
    public var sessionTypeID: String
    /// Where.
    public var locationID: String
    /// The first occurrence's date.
    public var firstDay: CivilDate
    /// No occurrence after this date.
    public var endDay: CivilDate?
    /// At most this many occurrences (0: no limit).
    public var occurrenceCount: Int
    /// ISO 4217 code.
    public var currency: String
    /// Price per session in minor units.
    public var priceMinorUnits: Int64
    /// Payment terms.
    public var paymentTerms: String
    /// Cancellation terms.
    public var cancellationTerms: String
    /// Where it stands.
    public var status: AgreementStatus
    /// When proposed (ms).
    public var proposedAt: Int64
    /// When accepted or declined (ms).
    public var decidedAt: Int64?
    /// When ended (ms).
    public var endedAt: Int64?
    /// The occurrences made, by index.
    public var occurrences: [OccurrenceRecord]

    /// A value with every field.
    public init(
        id: String, practitionerID: String, clientID: String, goal: String, everyWeeks: Int, weekday: Int,
        startMinute: Int, timeZone: String, sessionTypeID: String, locationID: String, firstDay: CivilDate,
        endDay: CivilDate?, occurrenceCount: Int, currency: String, priceMinorUnits: Int64,
        paymentTerms: String,
        cancellationTerms: String, status: AgreementStatus, proposedAt: Int64, decidedAt: Int64?,
        endedAt: Int64?,
        occurrences: [OccurrenceRecord]
    ) {
        self.id = id
        self.practitionerID = practitionerID
        self.clientID = clientID
        self.goal = goal
        self.everyWeeks = everyWeeks
        self.weekday = weekday
        self.startMinute = startMinute
        self.timeZone = timeZone
        self.sessionTypeID = sessionTypeID
        self.locationID = locationID
        self.firstDay = firstDay
        self.endDay = endDay
        self.occurrenceCount = occurrenceCount
        self.currency = currency
        self.priceMinorUnits = priceMinorUnits
        self.paymentTerms = paymentTerms
        self.cancellationTerms = cancellationTerms
        self.status = status
        self.proposedAt = proposedAt
        self.decidedAt = decidedAt
        self.endedAt = endedAt
        self.occurrences = occurrences
    }

    /// The local date of occurrence `index`, or nil past the agreement's end or count.
    public func date(ofOccurrence index: Int) -> CivilDate? {
        if occurrenceCount > 0, index >= occurrenceCount { return nil }
        let date = firstDay.adding(days: Int64(index * everyWeeks * 7))
        if let endDay, date > endDay { return nil }
        return date
    }
}
