/// The lines `PRAGMA integrity_check` reported for a damaged database.
struct IntegrityProblems: Error, CustomStringConvertible {
    /// The reported problems, one per line, as SQLite wrote them.
    let lines: [String]

    /// The problems, one per line.
    var description: String {
        lines.joined(separator: "\n")
    }
}
