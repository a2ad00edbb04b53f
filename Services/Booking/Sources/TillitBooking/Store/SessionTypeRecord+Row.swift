import GRDB

extension SessionTypeRecord {
    /// The columns `init(row:)` reads, in order.
    static let columns =
        "id, name, duration_minutes, buffer_after_minutes, modality, capacity, price_currency, price_minor_units, active, created_at"

    /// A record from a row of `columns`.
    init(row: Row) throws {
        guard let modality = Modality(rawValue: row[4]) else {
            throw BookingStoreError.corrupt("session_types.modality")
        }
        self.init(
            id: row[0], name: row[1], durationMinutes: row[2], bufferAfterMinutes: row[3], modality: modality,
            capacity: row[5], currency: row[6], priceMinorUnits: row[7], active: row[8], createdAt: row[9])
    }
}
