import TillitContracts

extension Tillit_Common_V1_Date {
    /// The wire form of `date`.
    public init(_ date: CivilDate) {
        self.init()
        let (year, month, day) = date.components
        self.year = Int32(year)
        self.month = Int32(month)
        self.day = Int32(day)
    }

    /// The calendar date it names, or INVALID_ARGUMENT naming `field` unless it is a real date
    /// of the years 1970–9999.
    public func civil(field: String) throws -> CivilDate {
        guard (1970...9999).contains(Int(year)),
            let date = CivilDate(year: Int(year), month: Int(month), day: Int(day))
        else { throw ServiceError.invalid(field, "must be a calendar date of the years 1970–9999") }
        return date
    }
}
