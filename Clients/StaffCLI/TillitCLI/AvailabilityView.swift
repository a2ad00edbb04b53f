import Foundation
import TillitContracts

/// A practitioner's weekly availability at a location as `tillit booking` prints it.
struct AvailabilityView: Codable, Sendable {
    var practitionerId: String
    var locationId: String
    var timeZone: String
    /// `mon 09:00-17:00`, local time of `timeZone`.
    var rules: [String]
    /// Empty: every active session type.
    var sessionTypeIds: [String]
    /// 0: the session's duration plus its buffer.
    var slotStepMinutes: UInt32
    var updatedAt: Date?

    /// The view of `availability`.
    init(_ availability: Tillit_Booking_V1_Availability) {
        practitionerId = availability.practitionerID.value
        locationId = availability.locationID
        timeZone = availability.timeZone
        rules = availability.rules.map(WeeklyRules.text)
        sessionTypeIds = availability.sessionTypeIds
        slotStepMinutes = availability.slotStepMinutes
        updatedAt = availability.hasUpdatedAt ? availability.updatedAt.date : nil
    }

    /// The rules for people, e.g. `mon-thu 09:00-17:00, fri 09:00-12:00`.
    var summary: String {
        let parsed = (try? rules.flatMap { try WeeklyRules.parse($0, option: "rule") }) ?? []
        return parsed.isEmpty && !rules.isEmpty ? Display.list(rules) : WeeklyRules.summary(parsed)
    }

    /// The header of `row(_:)`.
    static let header = ["PRACTITIONER", "LOCATION", "TIME ZONE", "HOURS", "SESSION TYPES", "STEP"]

    /// One table row, with names from `context`.
    func row(_ context: BookingContext) -> [String] {
        [
            context.account(practitionerId), context.location(locationId), timeZone, summary,
            sessionTypeIds.isEmpty ? "all" : Display.list(sessionTypeIds.map(context.sessionType)),
            slotStepMinutes == 0 ? "session" : "\(slotStepMinutes) min",
        ]
    }
}
