import GRDB
import GRDBSQLite

/// A cursor over a statement's rows that decodes each with a closure over `StatementColumns`.
///
/// It goes through GRDB's stepping (`DatabaseCursor`), so GRDB still sees every statement run;
/// only the `Row` is left out. Resets its statement when it goes away, as GRDB's cursors do.
final class ColumnCursor<Element>: DatabaseCursor {
    let _statement: Statement
    var _isDone = false
    private let decode: (StatementColumns) throws -> Element

    /// A cursor over `statement` run with `arguments` (validated and bound here).
    init(
        _ statement: Statement, arguments: StatementArguments,
        decode: @escaping (StatementColumns) throws -> Element
    ) throws {
        self._statement = statement
        self.decode = decode
        try statement.setArguments(arguments)
    }

    deinit {
        // The result code repeats the last step's error, already thrown from `next()`.
        sqlite3_reset(_statement.sqliteStatement)
    }

    func _element(sqliteStatement: SQLiteStatement) throws -> Element {
        try decode(StatementColumns(sqliteStatement))
    }
}
