extension Page {
    /// The `(millis, id)` key this page continues after, from its token text `<millis>/<id>`
    /// (a UUID id); nil on the first page, INVALID_ARGUMENT for a token no service issued.
    public func timeKey() throws -> (Int64, String)? {
        guard let after else { return nil }
        let parts = after.split(separator: "/")
        guard parts.count == 2, let millis = Int64(parts[0]), parts[1].count == 36 else {
            throw ServiceError.invalid("page.page_token", "is not a token this service issued")
        }
        return (millis, String(parts[1]))
    }
}
