import Foundation
import GRDB
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func getOrganization(_ request: Tillit_Identity_V1_GetOrganizationRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_GetOrganizationResponse
    {
        let caller = try Caller.current(context)
        let organization = try await store.read { db in
            try requireActiveCaller(db, caller)
            return try store.organization(db, id: caller.organization)
        }
        guard let organization else { throw IdentityError.notFound("organisation") }
        var response = Tillit_Identity_V1_GetOrganizationResponse()
        response.organization = organization
        return response
    }

    func updateOrganization(_ request: Tillit_Identity_V1_UpdateOrganizationRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_UpdateOrganizationResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "change the organisation")
        let name = try request.hasName ? Validation.name(request.name.value, field: "name") : nil
        let timeZone = try request.hasTimeZone ? Validation.timeZone(request.timeZone.value) : nil
        let organization = try await store.write { db in
            try requireActiveCaller(db, caller)
            if let name {
                try db.execute(
                    sql: "UPDATE organizations SET name = ? WHERE id = ?",
                    arguments: [name, caller.organization])
            }
            if let timeZone {
                try db.execute(
                    sql: "UPDATE organizations SET time_zone = ? WHERE id = ?",
                    arguments: [timeZone, caller.organization])
            }
            var changes: [String] = []
            if let name { changes.append("name: \(name)") }
            if let timeZone { changes.append("time_zone: \(timeZone)") }
            try audit(
                db, organization: caller.organization,
                AuditEntry(
                    actor: caller.id, action: "organization.update", detail: changes.joined(separator: "; ")),
                requestID: caller.requestID)
            return try store.organization(db, id: caller.organization)
        }
        guard let organization else { throw IdentityError.notFound("organisation") }
        var response = Tillit_Identity_V1_UpdateOrganizationResponse()
        response.organization = organization
        return response
    }

    func addLocation(_ request: Tillit_Identity_V1_AddLocationRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_AddLocationResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "add a location")
        let input = try NewLocationInput(request.location, field: "location")
        let at = store.nowMillis
        let location = try await store.write { db in
            try requireActiveCaller(db, caller)
            let count =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM locations WHERE organization_id = ?",
                    arguments: [caller.organization]) ?? 0
            guard count < 1000 else {
                throw IdentityError(.failedPrecondition, "an organisation has at most 1000 locations")
            }
            let id = try store.insertLocation(db, organization: caller.organization, input, at: at)
            try audit(
                db, organization: caller.organization,
                AuditEntry(
                    actor: caller.id, action: "location.add", detail: "\(id): \(input.name), \(input.city)"),
                requestID: caller.requestID)
            return try store.location(db, organization: caller.organization, id: id)
        }
        guard let location else { throw IdentityError(.internalError, "location not stored") }
        var response = Tillit_Identity_V1_AddLocationResponse()
        response.location = location
        return response
    }

    func updateLocation(_ request: Tillit_Identity_V1_UpdateLocationRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_UpdateLocationResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "change a location")
        let id = try Validation.id(request.locationID, field: "location_id")
        let name = try request.hasName ? Validation.name(request.name.value, field: "name") : nil
        let address =
            try request.hasAddress ? Validation.text(request.address.value, field: "address", max: 1000) : nil
        let city = try request.hasCity ? Validation.name(request.city.value, field: "city") : nil
        let location = try await store.write { db in
            try requireActiveCaller(db, caller)
            guard try store.location(db, organization: caller.organization, id: id) != nil else {
                throw IdentityError.notFound("location")
            }
            try db.execute(
                sql: """
                    UPDATE locations SET name = coalesce(?, name), address = coalesce(?, address),
                        city = coalesce(?, city)
                    WHERE organization_id = ? AND id = ?
                    """,
                arguments: [name, address, city, caller.organization, id])
            try audit(
                db, organization: caller.organization,
                AuditEntry(actor: caller.id, action: "location.update", detail: id),
                requestID: caller.requestID)
            return try store.location(db, organization: caller.organization, id: id)
        }
        guard let location else { throw IdentityError.notFound("location") }
        var response = Tillit_Identity_V1_UpdateLocationResponse()
        response.location = location
        return response
    }

    func deactivateLocation(_ request: Tillit_Identity_V1_DeactivateLocationRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_DeactivateLocationResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "deactivate a location")
        let id = try Validation.id(request.locationID, field: "location_id")
        let location = try await store.write { db in
            try requireActiveCaller(db, caller)
            guard try store.location(db, organization: caller.organization, id: id) != nil else {
                throw IdentityError.notFound("location")
            }
            try db.execute(
                sql: "UPDATE locations SET active = 0 WHERE organization_id = ? AND id = ?",
                arguments: [caller.organization, id])
            try audit(
                db, organization: caller.organization,
                AuditEntry(actor: caller.id, action: "location.deactivate", detail: id),
                requestID: caller.requestID)
            return try store.location(db, organization: caller.organization, id: id)
        }
        guard let location else { throw IdentityError.notFound("location") }
        var response = Tillit_Identity_V1_DeactivateLocationResponse()
        response.location = location
        return response
    }
}
