import Synchronization

/// The bytes of incomplete frames buffered by all of a server's connections, against
/// `RPCServerLimits.maximumPartialFrameBytes` (docs/security.md, "RPC layer limits").
///
/// Each connection's `FrameDecoder` charges the bytes of its incomplete frame as they arrive and
/// releases them when the frame completes or the connection closes; a connection whose next
/// bytes would take the total over the limit is refused (`GOAWAY` `RESOURCE_EXHAUSTED`, then
/// closed). Frames that arrive whole in one read are never charged.
final class PartialFrameBudget: Sendable {
    /// The most bytes that may be charged at once.
    let limit: Int
    private let charged = Atomic<Int>(0)

    /// A budget of `limit` bytes.
    init(limit: Int) {
        self.limit = limit
    }

    /// The bytes charged now.
    var bytesInUse: Int { charged.load(ordering: .relaxed) }

    /// Charges `bytes` if the total stays within the limit; false (and nothing charged) otherwise.
    func charge(_ bytes: Int) -> Bool {
        var current = charged.load(ordering: .relaxed)
        while true {
            let (total, overflow) = current.addingReportingOverflow(bytes)
            guard !overflow, total <= limit else { return false }
            let (exchanged, original) = charged.compareExchange(
                expected: current, desired: total, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Releases `bytes` charged before.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        charged.subtract(bytes, ordering: .relaxed)
    }
}
