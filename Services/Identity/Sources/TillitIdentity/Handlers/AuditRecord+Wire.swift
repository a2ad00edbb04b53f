import Foundation
import TillitContracts
import TillitServiceKit

extension AuditRecord {
    /// The wire form.
    var proto: Tillit_Identity_V1_AuditEvent {
        var proto = Tillit_Identity_V1_AuditEvent()
        proto.sequence = UInt64(sequence)
        proto.at = WireMapping.timestamp(millis: at)
        if let actor = WireMapping.accountID(actor.actor) { proto.actor = actor }
        if let onBehalfOf = WireMapping.accountID(actor.onBehalfOf) { proto.onBehalfOf = onBehalfOf }
        proto.via = actor.via ?? ""
        proto.action = event.action
        proto.outcome = event.outcome.wire
        if let subject = WireMapping.accountID(event.subject) { proto.subject = subject }
        if let client = WireMapping.accountID(event.client) { proto.client = client }
        proto.requestID = actor.requestID
        proto.detail = event.detail
        proto.hash = hash
        proto.previousHash = previousHash
        return proto
    }
}

extension AuditEvent.Outcome {
    /// The wire enum.
    var wire: Tillit_Identity_V1_AuditOutcome {
        switch self {
        case .success: .success
        case .failure: .failure
        case .denied: .denied
        }
    }
}
