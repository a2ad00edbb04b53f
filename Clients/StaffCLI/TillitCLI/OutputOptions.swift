import ArgumentParser
import Foundation

/// `--json`: one JSON document on standard output instead of text for people.
struct OutputOptions: ParsableArguments, Sendable {
    @Flag(help: "Print one JSON document (stable keys) instead of text for people.")
    var json = false

    /// Prints `value` as JSON, or `text()` for people.
    func emit(_ value: some Encodable, text: () -> String) throws {
        if json {
            Terminal.say(try Self.encode(value))
        } else {
            Terminal.say(text())
        }
    }

    /// `value` as sorted, indented JSON with ISO 8601 dates.
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
