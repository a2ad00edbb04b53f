import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension SupervisionHandler {
    func raiseConsultation(_ request: Tillit_Supervision_V1_RaiseConsultationRequest, context: ServerContext)
        async throws -> Tillit_Supervision_V1_RaiseConsultationResponse
    {
        let caller = try Caller.current(context)
        let topic = try Self.requiredText(request.topic, field: "topic", max: 200)
        let summary = try Validation.text(request.summary, field: "summary", max: configuration.maximumTextBytes)
        let client = try Self.optionalAccountID(request.clientID, field: "client_id")
        let named = try Self.optionalAccountID(request.supervisorID, field: "supervisor_id")
        let supervisor = try await self.supervisor(of: caller.id, named: named, on: nil, caller: caller)
        let active = try await store.relationships(of: caller.id, includeEnded: false, for: caller)
            .contains { $0.superviseeID == caller.id && $0.supervisorID == supervisor }
        guard active else { throw ServiceError.failedPrecondition("you have no active relationship with that supervisor") }
        if let client {
            // Identity decides, with the supervisee's token: the client must have said yes.
            guard try await dependencies.consentsToConsultation(client) else {
                throw ServiceError.failedPrecondition(
                    "the client has not given case_consultation consent; raise the topic without the client")
            }
        }
        let record = ConsultationRecord(
            id: SupervisionStore.newID(), superviseeID: caller.id, supervisorID: supervisor, topic: topic,
            summary: summary, clientID: client, closed: false, outcome: "", actions: [], createdAt: store.nowMillis,
            replies: [])
        let raised = try await store.raise(record, for: caller)
        return .with { $0.consultation = SupervisionWire.consultation(raised, clientShown: client != nil) }
    }

    func getConsultation(_ request: Tillit_Supervision_V1_GetConsultationRequest, context: ServerContext)
        async throws -> Tillit_Supervision_V1_GetConsultationResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.consultationID, field: "consultation_id")
        let record = try await store.consultation(id, for: caller)
        let shown = try await consentedClients(of: [record])
        return .with { $0.consultation = SupervisionWire.consultation(record, clientShown: shown.contains(id)) }
    }

    func listConsultations(_ request: Tillit_Supervision_V1_ListConsultationsRequest, context: ServerContext)
        async throws -> Tillit_Supervision_V1_ListConsultationsResponse
    {
        let caller = try Caller.current(context)
        let records = try await store.consultations(includeClosed: request.includeClosed, for: caller)
        let shown = try await consentedClients(of: records)
        return .with {
            $0.consultations = records.map { SupervisionWire.consultation($0, clientShown: shown.contains($0.id)) }
        }
    }

    func addReply(_ request: Tillit_Supervision_V1_AddReplyRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_AddReplyResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.consultationID, field: "consultation_id")
        let text = try Self.requiredText(request.text, field: "text", max: configuration.maximumTextBytes)
        let reply = ReplyRecord(id: SupervisionStore.newID(), authorID: caller.id, text: text, createdAt: store.nowMillis)
        let added = try await store.reply(reply, to: id, for: caller)
        return .with { $0.reply = SupervisionWire.reply(added) }
    }

    func closeConsultation(_ request: Tillit_Supervision_V1_CloseConsultationRequest, context: ServerContext)
        async throws -> Tillit_Supervision_V1_CloseConsultationResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.consultationID, field: "consultation_id")
        let outcome = try Self.requiredText(request.outcome, field: "outcome", max: configuration.maximumTextBytes)
        guard request.actions.count <= 20 else { throw ServiceError.invalid("actions", "must be at most 20") }
        let actions = try request.actions.enumerated().map { index, action in
            let text = try Validation.name(action, field: "actions[\(index)]", max: 500)
            guard !text.contains("\n") else { throw ServiceError.invalid("actions[\(index)]", "must be one line") }
            return text
        }
        let closed = try await store.close(id, outcome: outcome, actions: actions, for: caller)
        let shown = try await consentedClients(of: [closed])
        return .with { $0.consultation = SupervisionWire.consultation(closed, clientShown: shown.contains(id)) }
    }

    /// The ids of `records` whose attached client's `case_consultation` consent is in force now
    /// (Identity, asked once per client, concurrently): revoked, the identity is withheld.
    func consentedClients(of records: [ConsultationRecord]) async throws -> Set<String> {
        let clients = Set(records.compactMap(\.clientID))
        guard !clients.isEmpty else { return [] }
        let consenting = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for client in clients {
                group.addTask { (client, try await dependencies.consentsToConsultation(client)) }
            }
            var answer = Set<String>()
            for try await (client, granted) in group where granted { answer.insert(client) }
            return answer
        }
        return Set(records.filter { $0.clientID.map(consenting.contains) ?? false }.map(\.id))
    }
}
