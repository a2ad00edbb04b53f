/// A stored value this binary cannot read (an enum text it does not know): INTERNAL at the
/// boundary, never a guess.
struct BookingStoreError: Error, CustomStringConvertible {
    /// The column.
    let column: String

    /// A corrupt value in `column`.
    static func corrupt(_ column: String) -> BookingStoreError {
        BookingStoreError(column: column)
    }

    var description: String { "unreadable value in \(column)" }
}
