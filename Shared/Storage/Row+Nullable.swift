import GRDB

extension Row {
    /// The value at `index`, or nil when it is NULL — through GRDB's direct column decoding,
    /// which `row[index] as Value?` bypasses for the generic `Optional` path (a runtime metadata
    /// lookup per column). For hot row decoders; like `row[index]`, a column of another type
    /// is a programming error (the tables are STRICT).
    @inlinable
    public func nullable<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) -> Value?
    {
        hasNull(atIndex: index) ? nil : (self[index] as Value)
    }
}
