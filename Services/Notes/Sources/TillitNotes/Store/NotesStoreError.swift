/// A stored value this binary cannot read (an enum text it does not know): INTERNAL at the
/// boundary, never a guess.
struct NotesStoreError: Error, CustomStringConvertible {
    /// The column.
    let column: String

    /// A corrupt value in `column`.
    static func corrupt(_ column: String) -> NotesStoreError {
        NotesStoreError(column: column)
    }

    var description: String { "unreadable value in \(column)" }
}
