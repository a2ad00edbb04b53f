import Foundation
import TillitServiceKit

extension Validation {
    /// A practice's contact hours: at most 100 entries, each on an ISO weekday (1–7) with
    /// 0 ≤ start < end ≤ 1440, no two of one weekday overlapping; returned sorted by weekday and
    /// start. Entries are named `<field>[index]`.
    static func contactHours(_ hours: [ContactPolicyInput.Hours], field: String = "policy.hours") throws
        -> [ContactPolicyInput.Hours]
    {
        guard hours.count <= 100 else { throw ServiceError.invalid(field, "at most 100 entries") }
        for (index, entry) in hours.enumerated() {
            guard (1...7).contains(entry.weekday) else {
                throw ServiceError.invalid("\(field)[\(index)].weekday", "a weekday is required")
            }
            guard entry.start >= 0, entry.start < entry.end, entry.end <= 1440 else {
                throw ServiceError.invalid("\(field)[\(index)]", "needs 0 ≤ start_minute < end_minute ≤ 1440")
            }
        }
        let sorted = hours.sorted { ($0.weekday, $0.start) < ($1.weekday, $1.start) }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.weekday == next.weekday {
            guard previous.end <= next.start else {
                throw ServiceError.invalid(field, "entries of weekday \(next.weekday) overlap")
            }
        }
        return sorted
    }

    /// A crisis line's phone number: at most 50 characters of digits, spaces and `+ - ( )`.
    static func phone(_ value: String, field: String) throws -> String {
        let phone = try text(value, field: field, max: 50)
        guard phone.allSatisfy({ $0.isNumber || " +-()".contains($0) }) else {
            throw ServiceError.invalid(field, "may contain digits, spaces, + - ( ) only")
        }
        return phone
    }

    /// An http(s) address shown to clients, or empty; at most 2,000 characters.
    static func webAddress(_ value: String, field: String) throws -> String {
        let url = try text(value, field: field, max: 2000)
        guard url.isEmpty || url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw ServiceError.invalid(field, "must be an http(s) address")
        }
        return url
    }
}
