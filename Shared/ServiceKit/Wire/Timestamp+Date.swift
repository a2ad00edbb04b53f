import Foundation
import TillitContracts

extension Tillit_Common_V1_Timestamp {
    /// As a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1_000_000_000) }

    /// The instant `date`.
    public init(_ date: Date) {
        self.init()
        let seconds = date.timeIntervalSince1970.rounded(.down)
        self.seconds = Int64(seconds)
        nanos = Int32((date.timeIntervalSince1970 - seconds) * 1_000_000_000)
    }
}
