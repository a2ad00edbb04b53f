/// How to open one service's SQLite database.
///
/// The defaults suit a clinical service: `synchronous=FULL`, a five-second busy timeout,
/// read-write, five reader connections.
public struct DatabaseConfiguration: Sendable, Hashable {
    /// SQLite's `PRAGMA synchronous` level; the raw value is what the pragma reports.
    public enum Synchronous: Int, Sendable, Hashable, CaseIterable {
        /// No syncs at all; a power loss can corrupt the database.
        case off = 0
        /// In WAL mode, durable across a crash but not across power loss.
        case normal = 1
        /// The WAL is synced on every commit; durable across power loss.
        case full = 2
        /// Like `full`, plus a sync of the directory after a journal is unlinked.
        case extra = 3

        /// The keyword used in `PRAGMA synchronous = <keyword>`.
        var keyword: String {
            switch self {
            case .off: "OFF"
            case .normal: "NORMAL"
            case .full: "FULL"
            case .extra: "EXTRA"
            }
        }
    }

    /// Path of the SQLite file; it is created if missing (unless `readOnly`).
    public var path: String
    /// How long a connection waits for a lock held by another connection before failing.
    public var busyTimeout: Duration
    /// The `PRAGMA synchronous` level applied to, and verified on, every connection.
    public var synchronous: Synchronous
    /// Opens every connection read-only; migrations are then checked but never run.
    public var readOnly: Bool
    /// The most reader connections the pool opens at once (at least 1).
    public var maximumReaderCount: Int

    /// Creates a configuration with the given path and clinical-grade defaults.
    public init(
        path: String,
        busyTimeout: Duration = .seconds(5),
        synchronous: Synchronous = .full,
        readOnly: Bool = false,
        maximumReaderCount: Int = 5
    ) {
        self.path = path
        self.busyTimeout = busyTimeout
        self.synchronous = synchronous
        self.readOnly = readOnly
        self.maximumReaderCount = maximumReaderCount
    }

    /// The busy timeout in seconds, as GRDB expects it.
    var busyTimeoutSeconds: Double {
        let components = busyTimeout.components
        return Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// Throws `.invalidConfiguration` when a value cannot work (GRDB would trap on some).
    func validate() throws {
        if path.isEmpty || path == ":memory:" || path.hasPrefix("file:") {
            throw StorageError(
                code: .invalidConfiguration,
                message: "database path must be a file path, got '\(path)'")
        }
        if maximumReaderCount < 1 {
            throw StorageError(
                code: .invalidConfiguration,
                message: "maximumReaderCount must be at least 1, got \(maximumReaderCount)")
        }
        if busyTimeout < .zero || busyTimeout > .seconds(86_400) {
            throw StorageError(
                code: .invalidConfiguration,
                message: "busyTimeout must be between 0 and 1 day, got \(busyTimeout)")
        }
    }
}
