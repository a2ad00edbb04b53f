import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension BookingHandler {
    func createSessionType(_ request: Tillit_Booking_V1_CreateSessionTypeRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_CreateSessionTypeResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "create session types")
        let record = try Self.sessionType(request.sessionType, id: "")
        let stored = try await store.createSessionType(record, by: caller)
        return .with { $0.sessionType = stored.proto }
    }

    func updateSessionType(_ request: Tillit_Booking_V1_UpdateSessionTypeRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_UpdateSessionTypeResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "change session types")
        let id = try Validation.id(request.sessionType.id, field: "session_type.id")
        let record = try Self.sessionType(request.sessionType, id: id)
        let stored = try await store.updateSessionType(record, by: caller)
        return .with { $0.sessionType = stored.proto }
    }

    func archiveSessionType(_ request: Tillit_Booking_V1_ArchiveSessionTypeRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_ArchiveSessionTypeResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "archive session types")
        let id = try Validation.id(request.sessionTypeID, field: "session_type_id")
        let stored = try await store.archiveSessionType(id, by: caller)
        return .with { $0.sessionType = stored.proto }
    }

    func listSessionTypes(_ request: Tillit_Booking_V1_ListSessionTypesRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_ListSessionTypesResponse
    {
        let caller = try Caller.current(context)
        // Archived types are for staff (history); clients see what they can book.
        let types = try await store.sessionTypes(
            includeArchived: request.includeArchived && caller.isStaff, for: caller)
        return .with { $0.sessionTypes = types.map(\.proto) }
    }

    /// A validated session type from the wire (INVALID_ARGUMENT naming the field).
    static func sessionType(_ wire: Tillit_Booking_V1_SessionType, id: String) throws -> SessionTypeRecord {
        let name = try Validation.name(wire.name, field: "session_type.name")
        guard (5...480).contains(wire.durationMinutes) else {
            throw ServiceError.invalid("session_type.duration_minutes", "must be from 5 to 480")
        }
        guard wire.bufferAfterMinutes <= 240 else {
            throw ServiceError.invalid("session_type.buffer_after_minutes", "must be from 0 to 240")
        }
        guard (1...100).contains(wire.capacity) else {
            throw ServiceError.invalid("session_type.capacity", "must be from 1 to 100")
        }
        let price = try BookingWire.price(wire.price, field: "session_type.price")
        return SessionTypeRecord(
            id: id, name: name, durationMinutes: Int(wire.durationMinutes),
            bufferAfterMinutes: Int(wire.bufferAfterMinutes),
            modality: try BookingWire.modality(wire.modality, field: "session_type.modality"),
            capacity: Int(wire.capacity), currency: price.currency, priceMinorUnits: price.minorUnits,
            active: true,
            createdAt: 0)
    }
}
