import Logging

extension Logger {
    /// A logger that discards everything, so test output stays readable.
    static let test = Logger(label: "tillit.storage.tests") { _ in SwiftLogNoOpLogHandler() }
}
