import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension SupervisionHandler {
    func createRelationship(_ request: Tillit_Supervision_V1_CreateRelationshipRequest, context: ServerContext)
        async throws -> Tillit_Supervision_V1_CreateRelationshipResponse
    {
        let caller = try Caller.current(context)
        let supervisorID = try Self.accountID(request.supervisorID, field: "supervisor_id")
        let superviseeID = try Self.accountID(request.superviseeID, field: "supervisee_id")
        try caller.require(caller.isAdmin || supervisorID == caller.id, "start another supervisor's relationship")
        guard supervisorID != superviseeID else {
            throw ServiceError.invalid("supervisee_id", "must not be the supervisor")
        }
        let startsOn = try Self.date(request.startsOn, present: request.hasStartsOn, field: "starts_on")
        let approvedOn = try Self.date(
            request.agreementApprovedOn, present: request.hasAgreementApprovedOn, field: "agreement_approved_on")
        let mode = try SupervisionWire.mode(request.mode)
        // Both staff of the practice (Identity, with the caller's token), active; the supervisor
        // holds the role; a pre-licensed supervisee's supervisor is the one Identity names.
        async let supervisorAnswer = dependencies.account(supervisorID)
        async let superviseeAnswer = dependencies.account(superviseeID)
        let (supervisor, supervisee) = try await (supervisorAnswer, superviseeAnswer)
        guard supervisor.kind == .staff, supervisor.status == .active else { throw ServiceError.notFound("supervisor") }
        guard supervisee.kind == .staff, supervisee.status == .active else { throw ServiceError.notFound("supervisee") }
        guard supervisor.roles.contains(.supervisor) else {
            throw ServiceError.failedPrecondition("the supervisor does not hold the supervisor role")
        }
        if supervisee.staff.licenceStatus == .preLicensed {
            guard supervisee.staff.supervisorID.value == supervisorID else {
                throw ServiceError.failedPrecondition(
                    "Identity names another supervisor for this pre-licensed practitioner (change it there first)")
            }
            guard mode == .cosignAll else {
                throw ServiceError.invalid("mode", "must be COSIGN_ALL for a pre-licensed practitioner")
            }
        }
        let record = RelationshipRecord(
            id: SupervisionStore.newID(), supervisorID: supervisorID, superviseeID: superviseeID, startsOn: startsOn,
            endsOn: nil, mode: mode, agreementApprovedOn: approvedOn, createdAt: store.nowMillis)
        let created = try await store.create(record, for: caller)
        return .with { $0.relationship = SupervisionWire.relationship(created) }
    }

    func endRelationship(_ request: Tillit_Supervision_V1_EndRelationshipRequest, context: ServerContext)
        async throws -> Tillit_Supervision_V1_EndRelationshipResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.relationshipID, field: "relationship_id")
        let endsOn = try Self.date(request.endsOn, present: request.hasEndsOn, field: "ends_on")
        let isAdmin = caller.isAdmin
        let me = caller.id
        let ended = try await store.end(id, on: endsOn, for: caller) { isAdmin || $0.supervisorID == me }
        return .with { $0.relationship = SupervisionWire.relationship(ended) }
    }

    func listRelationships(_ request: Tillit_Supervision_V1_ListRelationshipsRequest, context: ServerContext)
        async throws -> Tillit_Supervision_V1_ListRelationshipsResponse
    {
        let caller = try Caller.current(context)
        let records = try await store.relationships(
            of: caller.isAdmin ? nil : caller.id, includeEnded: request.includeEnded, for: caller)
        return .with { $0.relationships = records.map(SupervisionWire.relationship) }
    }
}
