import Foundation

/// How a list of language tags is stored: a JSON array of strings in a TEXT column.
enum LanguageColumn {
    /// The tags stored in `json`; empty for NULL or anything that is not a JSON array of strings.
    static func decode(_ json: String?) -> [String] {
        guard let json, let data = json.data(using: .utf8),
            let list = try? JSONDecoder().decode([String].self, from: data)
        else { return [] }
        return list
    }

    /// The column value for `languages`.
    static func encode(_ languages: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(languages), as: UTF8.self)) ?? "[]"
    }
}
