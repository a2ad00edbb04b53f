import Foundation

/// The zone and the names `tillit booking` prints for people; an id without a known name is
/// printed as it is.
struct BookingContext: Sendable {
    /// The zone times are shown and read in.
    var clock: LocalClock
    /// Account display names by id.
    var accounts: [String: String] = [:]
    /// Location names by id.
    var locations: [String: String] = [:]
    /// Session type names by id.
    var sessionTypes: [String: String] = [:]

    /// The name of account `id`, else the id; `-` when empty.
    func account(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "-" }
        return accounts[id] ?? id
    }

    /// The name of location `id`, else the id; `-` when empty.
    func location(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "-" }
        return locations[id] ?? id
    }

    /// The name of session type `id`, else the id.
    func sessionType(_ id: String) -> String {
        sessionTypes[id] ?? id
    }
}
