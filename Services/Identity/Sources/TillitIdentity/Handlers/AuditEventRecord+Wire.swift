import Foundation
import TillitContracts

extension AuditEventRecord {
    /// The wire form.
    var proto: Tillit_Identity_V1_AuditEvent {
        var event = Tillit_Identity_V1_AuditEvent()
        event.sequence = UInt64(sequence)
        event.at = WireMapping.timestamp(millis: at)
        if let actor = WireMapping.accountID(actor) { event.actor = actor }
        if let onBehalfOf = WireMapping.accountID(onBehalfOf) { event.onBehalfOf = onBehalfOf }
        event.action = action
        event.outcome = WireMapping.outcome(outcome)
        if let subject = WireMapping.accountID(subject) { event.subject = subject }
        if let client = WireMapping.accountID(client) { event.client = client }
        event.requestID = requestID
        event.detail = detail
        event.hash = hash
        event.previousHash = previousHash
        return event
    }
}
