import Metrics

/// Records how long write transactions take, begin to commit, in
/// `tillit_sqlite_write_duration_seconds{writer}`: `single` for one write per transaction,
/// `group` for a group commit (`GroupCommitWriter`, one record per batch).
public enum WriteTimer {
    /// Which kind of writer.
    public enum Writer: String, Sendable {
        /// One write per transaction.
        case single
        /// A group-commit batch.
        case group
    }

    /// Runs `body` and records its duration (also when it throws).
    public static func timed<T>(_ writer: Writer, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer { record(writer, since: start) }
        return try await body()
    }

    /// Records the duration of a write of `writer` that began at `start` and ends now.
    static func record(_ writer: Writer, since start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        Metrics.Timer(
            label: "tillit_sqlite_write_duration_seconds", dimensions: [("writer", writer.rawValue)]
        )
        .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
