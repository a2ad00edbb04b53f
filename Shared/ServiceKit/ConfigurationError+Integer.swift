extension ConfigurationError {
    /// The whole number `variable` holds in `environment`, nil when unset or empty; a
    /// `ConfigurationError` naming it unless it is a whole number in `range`.
    public static func integer(_ variable: String, in environment: [String: String], range: ClosedRange<Int>)
        throws -> Int?
    {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                variable: variable,
                message: "'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
