import Foundation
import TillitContracts

extension Tillit_Common_V1_Timestamp {
    /// The instant `millis` milliseconds after the Unix epoch (the unit every Tillit database
    /// stores instants in).
    public init(millis: Int64) {
        self.init()
        let (seconds, remainder) = millis.quotientAndRemainder(dividingBy: 1000)
        self.seconds = remainder < 0 ? seconds - 1 : seconds
        self.nanos = Int32((remainder < 0 ? remainder + 1000 : remainder) * 1_000_000)
    }

    /// Milliseconds since the Unix epoch (sub-millisecond nanos dropped; wraps only far outside
    /// `Validation.dates`, which `validMillis` checks first).
    public var millis: Int64 {
        seconds &* 1000 &+ Int64(nanos / 1_000_000)
    }

    /// `millis`, or INVALID_ARGUMENT naming `field` unless the instant is within years
    /// 1970–9999 and `nanos` is in 0..<1e9.
    public func validMillis(field: String) throws -> Int64 {
        guard (0..<1_000_000_000).contains(nanos) else {
            throw ServiceError.invalid(field, "nanos must be from 0 to 999999999")
        }
        guard (0...253_402_300_799).contains(seconds) else {
            throw ServiceError.invalid(field, "must be between 1970-01-01 and 9999-12-31")
        }
        return millis
    }
}

extension Tillit_Common_V1_TimeRange {
    /// `[start, end)` in milliseconds: both present and valid, end after start, at most
    /// `maximumDays` long; INVALID_ARGUMENT naming `field` otherwise.
    public func validMillis(field: String, maximumDays: Int) throws -> Range<Int64> {
        guard hasStart else { throw ServiceError.invalid("\(field).start", "is required") }
        guard hasEnd else { throw ServiceError.invalid("\(field).end", "is required") }
        let from = try start.validMillis(field: "\(field).start")
        let until = try end.validMillis(field: "\(field).end")
        guard until > from else { throw ServiceError.invalid("\(field).end", "must be after the start") }
        guard until - from <= Int64(maximumDays) * 86_400_000 else {
            throw ServiceError.invalid(field, "must span at most \(maximumDays) days")
        }
        return from..<until
    }

    /// The range `[from, until)` in milliseconds.
    public init(millis range: Range<Int64>) {
        self.init()
        start = Tillit_Common_V1_Timestamp(millis: range.lowerBound)
        end = Tillit_Common_V1_Timestamp(millis: range.upperBound)
    }
}

extension Tillit_Common_V1_AccountId {
    /// An account id message holding `value`.
    public init(_ value: String) {
        self.init()
        self.value = value
    }
}
