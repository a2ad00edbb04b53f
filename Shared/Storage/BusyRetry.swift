import Foundation
import GRDB
import Metrics

/// The writer's busy handler: while another connection (another process, a backup) holds the
/// write lock, SQLite calls it before each retry; it waits as SQLite's own busy timeout does
/// (1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, then 100 ms) until the busy timeout is spent, and
/// counts every retry in `tillit_sqlite_busy_retries_total`. When the timeout is spent the
/// statement fails with SQLITE_BUSY, as with `busy_timeout`.
enum BusyRetry {
    private static let delays: [Int] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100]

    /// The busy mode waiting at most `timeoutMilliseconds` in all.
    static func mode(timeoutMilliseconds: Int) -> Database.BusyMode {
        .callback { tries in
            let delay = delay(beforeRetry: tries, timeoutMilliseconds: timeoutMilliseconds)
            guard delay > 0 else { return false }
            Counter(label: "tillit_sqlite_busy_retries_total").increment()
            Thread.sleep(forTimeInterval: Double(delay) / 1000)
            return true
        }
    }

    /// How long to wait before retry `tries` (0 first), or 0 when the timeout is spent.
    static func delay(beforeRetry tries: Int, timeoutMilliseconds: Int) -> Int {
        let tries = max(0, tries)
        let waited: Int
        let next: Int
        if tries < delays.count {
            waited = delays[..<tries].reduce(0, +)
            next = delays[tries]
        } else {
            waited = delays.reduce(0, +) + (tries - delays.count) * 100
            next = 100
        }
        return max(0, min(next, timeoutMilliseconds - waited))
    }
}
