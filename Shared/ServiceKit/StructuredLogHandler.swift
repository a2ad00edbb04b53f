import Foundation
import Logging
import Synchronization

/// Writes one line per log event to standard error, as logfmt (`key=value`) or JSON, with a
/// timestamp, level, the logger's label and all metadata. Secrets must never be put in metadata.
public struct StructuredLogHandler: LogHandler {
    /// The minimum level logged.
    public var logLevel: Logger.Level
    /// Metadata attached to every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Contextual metadata providers.
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: ServiceConfiguration.LogFormat
    private let sink: LogSink

    /// A handler for `label` writing `format` lines to `sink` (standard error by default).
    public init(
        label: String, level: Logger.Level, format: ServiceConfiguration.LogFormat,
        sink: LogSink = .standardError
    ) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("ts", Self.timestamp()), ("level", event.level.rawValue), ("logger", label),
            ("msg", "\(event.message)"),
        ]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        if let error = event.error { merged["error"] = .string("\(error)") }
        for key in merged.keys.sorted() {
            fields.append((key, Self.flatten(merged[key]!)))
        }
        sink.write(format == .json ? Self.json(fields) : Self.logfmt(fields))
    }

    static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { key, value in
            let needsQuotes =
                value.isEmpty
                || value.unicodeScalars.contains {
                    $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || Self.mustEscape($0)
                }
            guard needsQuotes else { return "\(key)=\(value)" }
            var escaped = ""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                case "\t": escaped += "\\t"
                case _ where Self.mustEscape(scalar): escaped += String(format: "\\u{%04X}", scalar.value)
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return "\(key)=\"\(escaped)\""
        }.joined(separator: " ")
    }

    /// Control characters (C0, DEL, C1 — CR, VT, FF, ESC among them) and the Unicode line and
    /// paragraph separators: written escaped, so no value can end a log line, start a forged
    /// one or steer a terminal.
    static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}"
            || scalar == "\u{2029}"
    }

    static func json(_ fields: [(String, String)]) -> String {
        let members = fields.map { key, value in "\(jsonString(key)):\(jsonString(value))" }
        return "{" + members.joined(separator: ",") + "}"
    }

    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where mustEscape(scalar): out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let array): "[" + array.map(flatten).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            "{" + dictionary.keys.sorted().map { "\($0):\(flatten(dictionary[$0]!))" }.joined(separator: ",")
                + "}"
        }
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var time = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &time)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", time.tm_year + 1900, time.tm_mon + 1, time.tm_mday,
            time.tm_hour, time.tm_min, time.tm_sec, now.tv_nsec / 1_000_000)
    }
}

/// Where log lines go: standard error, or (for tests) memory.
public final class LogSink: Sendable {
    private let lines = Mutex<[String]>([])
    private let toStandardError: Bool

    private init(toStandardError: Bool) {
        self.toStandardError = toStandardError
    }

    /// Lines go to standard error, each written whole.
    public static let standardError = LogSink(toStandardError: true)

    /// A sink that keeps lines in memory.
    public static func memory() -> LogSink { LogSink(toStandardError: false) }

    /// The lines kept (memory sinks only).
    public var captured: [String] { lines.withLock { $0 } }

    func write(_ line: String) {
        if toStandardError {
            let bytes = Array((line + "\n").utf8)
            // One write per line under a lock, so lines from different threads never interleave.
            lines.withLock { _ in
                bytes.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let written = Foundation.write(2, raw.baseAddress! + offset, raw.count - offset)
                        if written < 0, errno == EINTR { continue }
                        guard written > 0 else { return }
                        offset += written
                    }
                }
            }
        } else {
            lines.withLock { $0.append(line) }
        }
    }
}

/// Sets up logging for a service process, once.
public enum TillitLogging {
    private static let bootstrapped = Mutex(false)

    /// Bootstraps swift-log with `StructuredLogHandler` at the configured level and format;
    /// later calls do nothing.
    public static func bootstrap(_ configuration: ServiceConfiguration) {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            StructuredLogHandler(label: label, level: configuration.logLevel, format: configuration.logFormat)
        }
    }
}
