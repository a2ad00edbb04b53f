import Synchronization

/// Decides, once, who answers a call: the handler finishing, its deadline passing, the client
/// cancelling, or the connection going away. Whoever claims it first sends the response (if any)
/// and reports the call to observers; the others do nothing.
final class CallState: Sendable {
    private let claimed = Atomic<Bool>(false)

    /// True for exactly one caller.
    func claim() -> Bool {
        claimed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
