import Foundation
import TillitContracts

/// A session type as `tillit booking` prints it.
struct SessionTypeView: Codable, Sendable {
    /// An amount of money in minor units (öre, cents) of an ISO 4217 currency.
    struct Price: Codable, Sendable {
        var currency: String
        var minorUnits: Int64
    }

    var id: String
    var name: String
    var durationMinutes: UInt32
    var bufferAfterMinutes: UInt32
    var modality: String
    var capacity: UInt32
    var price: Price
    var active: Bool
    var createdAt: Date?

    /// The view of `type`.
    init(_ type: Tillit_Booking_V1_SessionType) {
        id = type.id
        name = type.name
        durationMinutes = type.durationMinutes
        bufferAfterMinutes = type.bufferAfterMinutes
        modality = Names.word(type.modality, in: Names.modalities)
        capacity = type.capacity
        price = Price(currency: type.price.currency, minorUnits: type.price.minorUnits)
        active = type.active
        createdAt = type.hasCreatedAt ? type.createdAt.date : nil
    }

    /// The price as people read it, e.g. `1100.00 SEK`.
    var priceText: String {
        BookingInput.text(
            .with {
                $0.currency = price.currency
                $0.minorUnits = price.minorUnits
            })
    }

    /// The header of `row`.
    static let header = ["ID", "NAME", "MINUTES", "BUFFER", "MODALITY", "PLACES", "PRICE", "STATUS"]

    /// One table row.
    var row: [String] {
        [
            id, name, String(durationMinutes), String(bufferAfterMinutes), modality, String(capacity),
            priceText,
            active ? "active" : "archived",
        ]
    }
}
