import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func bootstrap(_ request: Tillit_Identity_V1_BootstrapRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_BootstrapResponse
    {
        let name = try Validation.name(request.organizationName, field: "organization_name")
        let timeZone = try Validation.timeZone(request.timeZone)
        guard request.locations.count <= 100 else { throw ServiceError.invalid("locations", "at most 100") }
        let locations = try request.locations.enumerated().map {
            try NewLocationInput($0.element, field: "locations[\($0.offset)]")
        }
        let admin = NewStaffInput(
            email: try Validation.email(request.adminEmail, field: "admin_email"),
            displayName: try Validation.name(request.adminDisplayName, field: "admin_display_name"),
            roles: [.admin])
        try PasswordPolicy.validate(request.adminPassword)
        let secretGiven = !request.bootstrapSecret.isEmpty
        let secretMatches =
            secretGiven
            && configuration.bootstrapSecret.map {
                ConstantTime.equal(Array($0.utf8), Array(request.bootstrapSecret.utf8))
            } ?? false
        if secretGiven && !secretMatches {
            throw ServiceError.denied("bootstrap is not allowed: wrong bootstrap secret")
        }
        // Refuse early (before ~a second of hashing) when the database is not empty; the store
        // checks again in the transaction that creates the organisation.
        if !secretMatches, try await store.hasOrganizations() {
            throw IdentityStore.bootstrapRefused
        }
        let password = try await hasher.hash(request.adminPassword)
        let (organization, account) = try await store.bootstrapOrganization(
            name: name, timeZone: timeZone, locations: locations, admin: admin, password: password,
            secretMatched: secretMatches, requestID: context.requestID)
        var response = Tillit_Identity_V1_BootstrapResponse()
        response.organization = organization.proto
        response.admin = account.proto
        return response
    }

    func getOrganization(_ request: Tillit_Identity_V1_GetOrganizationRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_GetOrganizationResponse
    {
        let caller = try Caller.current(context)
        var response = Tillit_Identity_V1_GetOrganizationResponse()
        response.organization = try await store.organization(of: caller).proto
        return response
    }

    func updateOrganization(_ request: Tillit_Identity_V1_UpdateOrganizationRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_UpdateOrganizationResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "change the organisation")
        let name = try request.hasName ? Validation.name(request.name.value, field: "name") : nil
        let timeZone = try request.hasTimeZone ? Validation.timeZone(request.timeZone.value) : nil
        let staffTotp = request.hasStaffTotpRequired ? request.staffTotpRequired.value : nil
        var response = Tillit_Identity_V1_UpdateOrganizationResponse()
        response.organization = try await store.updateOrganization(
            name: name, timeZone: timeZone, staffTotpRequired: staffTotp, by: caller
        ).proto
        return response
    }

    func addLocation(_ request: Tillit_Identity_V1_AddLocationRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_AddLocationResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "add a location")
        let input = try NewLocationInput(request.location, field: "location")
        var response = Tillit_Identity_V1_AddLocationResponse()
        response.location = try await store.addLocation(input, by: caller).proto
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
        var response = Tillit_Identity_V1_UpdateLocationResponse()
        response.location = try await store.updateLocation(
            id, name: name, address: address, city: city, by: caller
        )
        .proto
        return response
    }

    func deactivateLocation(_ request: Tillit_Identity_V1_DeactivateLocationRequest, context: ServerContext)
        async throws -> Tillit_Identity_V1_DeactivateLocationResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "deactivate a location")
        let id = try Validation.id(request.locationID, field: "location_id")
        var response = Tillit_Identity_V1_DeactivateLocationResponse()
        response.location = try await store.deactivateLocation(id, by: caller).proto
        return response
    }
}
