import GRDB

extension Database {
    /// The rows of `sql` through this connection's statement cache (prepared once per distinct
    /// SQL text, not on every call: a store's hot queries are the same few texts).
    public func cachedRows(sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row]
    {
        try Row.fetchAll(cachedStatement(sql: sql), arguments: arguments)
    }

    /// The first row of `sql`, through the statement cache.
    public func cachedRow(sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try Row.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    /// The first row of `sql`, through the statement cache, decoded by `decode` straight from
    /// the statement (no `Row` is made: see `StatementColumns`).
    public func cachedFirst<T>(
        sql: String, arguments: StatementArguments = StatementArguments(),
        _ decode: @escaping (StatementColumns) throws -> T
    ) throws -> T? {
        try ColumnCursor(cachedStatement(sql: sql), arguments: arguments, decode: decode).next()
    }

    /// Every row of `sql`, through the statement cache, each decoded by `decode` straight from
    /// the statement (no `Row` is made: see `StatementColumns`).
    public func cachedAll<T>(
        sql: String, arguments: StatementArguments = StatementArguments(),
        _ decode: @escaping (StatementColumns) throws -> T
    ) throws -> [T] {
        try Array(ColumnCursor(cachedStatement(sql: sql), arguments: arguments, decode: decode))
    }

    /// The first value of `sql`, through the statement cache.
    public func cachedValue<Value: DatabaseValueConvertible & StatementColumnConvertible>(
        _ type: Value.Type, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> Value? {
        try Value.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    /// Runs one statement of `sql` through the statement cache.
    public func cachedExecute(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
