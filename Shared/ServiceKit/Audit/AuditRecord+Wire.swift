import Foundation
import TillitContracts

extension AuditRecord {
    /// The wire form (every service's audit rpcs answer `tillit.identity.v1.AuditEvent`).
    public var proto: Tillit_Identity_V1_AuditEvent {
        var proto = Tillit_Identity_V1_AuditEvent()
        proto.sequence = UInt64(sequence)
        proto.at = Tillit_Common_V1_Timestamp(millis: at)
        if let actor = actor.actor { proto.actor = Tillit_Common_V1_AccountId(actor) }
        if let onBehalfOf = actor.onBehalfOf { proto.onBehalfOf = Tillit_Common_V1_AccountId(onBehalfOf) }
        proto.via = actor.via ?? ""
        proto.action = event.action
        proto.outcome = event.outcome.wire
        if let subject = event.subject { proto.subject = Tillit_Common_V1_AccountId(subject) }
        if let client = event.client { proto.client = Tillit_Common_V1_AccountId(client) }
        proto.requestID = actor.requestID
        proto.detail = event.detail
        proto.hash = hash
        proto.previousHash = previousHash
        return proto
    }
}

extension AuditEvent.Outcome {
    /// The wire enum.
    public var wire: Tillit_Identity_V1_AuditOutcome {
        switch self {
        case .success: .success
        case .failure: .failure
        case .denied: .denied
        }
    }
}
