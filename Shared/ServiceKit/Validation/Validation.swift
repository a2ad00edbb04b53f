import Foundation

/// Input checks every service shares; each failure is a `ServiceError` with INVALID_ARGUMENT
/// whose message starts with the field name (`field: why`).
public enum Validation {
    /// A display name or other short label: trimmed, 1–`max` characters, no control characters.
    public static func name(_ value: String, field: String, max: Int = 200) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ServiceError.invalid(field, "must not be empty") }
        guard trimmed.count <= max else {
            throw ServiceError.invalid(field, "must be at most \(max) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ServiceError.invalid(field, "must not contain control characters")
        }
        return trimmed
    }

    /// Free text that may be empty (address, discipline, instructions): at most `max` characters,
    /// no control characters except line breaks and tabs.
    public static func text(_ value: String, field: String, max: Int) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= max else {
            throw ServiceError.invalid(field, "must be at most \(max) characters")
        }
        let allowed: Set<Unicode.Scalar> = ["\n", "\t", "\r"]
        guard
            !trimmed.unicodeScalars.contains(where: {
                $0.properties.generalCategory == .control && !allowed.contains($0)
            })
        else {
            throw ServiceError.invalid(field, "must not contain control characters")
        }
        return trimmed
    }

    /// An e-mail address: trimmed, lower-cased, in Unicode NFC, `local@domain` with a dot in the
    /// domain, 3–254 characters, no spaces or control characters.
    public static func email(_ value: String, field: String = "email") throws -> String {
        // NFC, so composed and decomposed spellings of an accented address are one account.
        let email = value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .precomposedStringWithCanonicalMapping
        guard !email.isEmpty else { throw ServiceError.invalid(field, "must not be empty") }
        guard email.utf8.count <= 254 else { throw ServiceError.invalid(field, "is longer than 254 bytes") }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !parts[1].contains(".."),
            !email.unicodeScalars.contains(where: {
                $0.properties.isWhitespace || $0.properties.generalCategory == .control
            })
        else {
            throw ServiceError.invalid(field, "is not a valid e-mail address")
        }
        return email
    }

    /// An IANA time zone name known to this system's time-zone database (abbreviations such as
    /// "CET" or offsets are refused: contact hours need the zone's rules).
    public static func timeZone(_ value: String, field: String = "time_zone") throws -> String {
        let name = value.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw ServiceError.invalid(field, "must not be empty") }
        guard name.count <= 64, name.contains("/") || name == "UTC", knownTimeZones.contains(name) else {
            throw ServiceError.invalid(
                field, "'\(name.prefix(64))' is not an IANA time zone (e.g. Europe/Stockholm)")
        }
        return name
    }

    /// The IANA names this system knows, read once.
    public static let knownTimeZones: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC"])

    /// BCP 47 language tags, lower-cased primary subtag, de-duplicated, at most 20.
    public static func languages(_ values: [String], field: String = "languages") throws -> [String] {
        guard values.count <= 20 else { throw ServiceError.invalid(field, "at most 20 languages") }
        var seen: [String] = []
        for value in values {
            let tag = value.trimmingCharacters(in: .whitespaces)
            let subtags = tag.split(separator: "-", omittingEmptySubsequences: false)
            guard (2...35).contains(tag.count), let first = subtags.first, (2...8).contains(first.count),
                first.allSatisfy({ $0.isASCII && $0.isLetter }),
                subtags.allSatisfy({
                    !$0.isEmpty && $0.count <= 8
                        && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
                })
            else {
                throw ServiceError.invalid(field, "'\(tag.prefix(35))' is not a BCP 47 language tag")
            }
            let normalised = subtags.enumerated().map {
                $0.offset == 0 ? $0.element.lowercased() : String($0.element)
            }
            .joined(separator: "-")
            if !seen.contains(normalised) { seen.append(normalised) }
        }
        return seen
    }

    /// A lower-case UUID id (accounts, locations, consents); anything else is INVALID_ARGUMENT.
    public static func id(_ value: String, field: String) throws -> String {
        let id = value.lowercased()
        guard !id.isEmpty else { throw ServiceError.invalid(field, "must not be empty") }
        guard id.count == 36, UUID(uuidString: id) != nil else {
            throw ServiceError.invalid(field, "is not an id")
        }
        return id
    }

    /// A half-open time range `[start, end)`: end after start, at most `maximum` long, both
    /// within years 1970–9999 (names the fields `<field>.start` and `<field>.end`).
    public static func timeRange(
        start: Date, end: Date, field: String, maximum: Duration? = nil
    ) throws -> Range<Date> {
        try date(start, field: "\(field).start")
        try date(end, field: "\(field).end")
        guard end > start else { throw ServiceError.invalid("\(field).end", "must be after the start") }
        if let maximum, end.timeIntervalSince(start) > TimeInterval(maximum.components.seconds) {
            throw ServiceError.invalid(field, "must span at most \(maximum.components.seconds / 86400) days")
        }
        return start..<end
    }

    /// The dates a service accepts: from 1970-01-01 to 9999-12-31 (UTC).
    public static let dates = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799)

    /// INVALID_ARGUMENT unless `value` lies in `dates`.
    @discardableResult
    public static func date(_ value: Date, field: String) throws -> Date {
        guard dates.contains(value) else {
            throw ServiceError.invalid(field, "must be between 1970-01-01 and 9999-12-31")
        }
        return value
    }
}
