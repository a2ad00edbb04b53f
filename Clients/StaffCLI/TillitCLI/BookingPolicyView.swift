import Foundation
import TillitContracts

/// The practice's booking policy as `tillit booking policy` prints it.
struct BookingPolicyView: Codable, Sendable {
    var cancellationWindowMinutes: UInt32
    var minimumNoticeMinutes: UInt32
    var careRelationshipDays: UInt32
    var cancellationTerms: String
    var updatedAt: Date?
    var updatedBy: String?

    /// The view of `policy`.
    init(_ policy: Tillit_Booking_V1_BookingPolicy) {
        cancellationWindowMinutes = policy.cancellationWindowMinutes
        minimumNoticeMinutes = policy.minimumNoticeMinutes
        careRelationshipDays = policy.careRelationshipDays
        cancellationTerms = policy.cancellationTerms
        updatedAt = policy.hasUpdatedAt ? policy.updatedAt.date : nil
        updatedBy = policy.hasUpdatedBy && !policy.updatedBy.value.isEmpty ? policy.updatedBy.value : nil
    }

    /// Label/value lines for people.
    func text(_ context: BookingContext) -> String {
        Display.fields([
            ("Late cancellation", "less than \(Self.duration(cancellationWindowMinutes)) before the start"),
            ("Minimum notice", "\(Self.duration(minimumNoticeMinutes)) (clients; staff may book sooner)"),
            ("Care relationship", "\(careRelationshipDays) days after the last attended session"),
            ("Cancellation terms", Display.cell(cancellationTerms)),
            (
                "Updated",
                updatedAt == nil
                    ? "never (defaults)"
                    : "\(context.clock.dateTime(updatedAt)) by \(context.account(updatedBy))"
            ),
        ])
    }

    /// `90 min`, `24 h`, `2 d`.
    static func duration(_ minutes: UInt32) -> String {
        if minutes > 0, minutes % 1440 == 0 { return "\(minutes / 1440) d" }
        if minutes > 0, minutes % 60 == 0 { return "\(minutes / 60) h" }
        return "\(minutes) min"
    }
}
