import GRDB

/// The columns of the row a statement is on, read by index straight from SQLite.
///
/// For a store's hot queries: GRDB's `Row` builds a table of lowercased column names for every
/// fetch and `fetchOne`/`fetchAll` copy each row's values, which costs more than the query
/// itself for a lookup by key. Valid only inside the closure it is passed to.
public struct StatementColumns {
    @usableFromInline let statement: SQLiteStatement

    @usableFromInline init(_ statement: SQLiteStatement) {
        self.statement = statement
    }

    /// The value at `index`; NULL there throws `StorageError.corruptValue` (a required column
    /// holding nothing is damage, not an input error).
    @inlinable
    public func value<Value: StatementColumnConvertible>(_ index: Int) throws -> Value {
        guard let value = Value.fromStatement(statement, atUncheckedIndex: CInt(index)) else {
            throw StorageError(
                code: .corruptValue, message: "column \(index) holds NULL where a value must be")
        }
        return value
    }

    /// The value at `index`, or nil when it is NULL.
    @inlinable
    public func nullable<Value: StatementColumnConvertible>(_ index: Int) -> Value? {
        Value.fromStatement(statement, atUncheckedIndex: CInt(index))
    }
}
