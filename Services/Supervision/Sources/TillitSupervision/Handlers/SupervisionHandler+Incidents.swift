import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension SupervisionHandler {
    func logIncident(_ request: Tillit_Supervision_V1_LogIncidentRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_LogIncidentResponse
    {
        let caller = try Caller.current(context)
        let category = try SupervisionWire.incidentCategory(request.category)
        let date = try Self.date(request.date, present: request.hasDate, field: "date")
        let text = try Self.requiredText(request.text, field: "text", max: configuration.maximumTextBytes)
        let supervisee = try await superviseeInScope(request.superviseeID, field: "supervisee_id", caller: caller)
        try await requireNotFuture(date, field: "date", caller: caller)
        let (incident, flag) = try await store.log(
            IncidentRecord(
                id: SupervisionStore.newID(), superviseeID: supervisee, category: category, date: date, text: text,
                loggedBy: caller.id, createdAt: store.nowMillis),
            for: caller)
        return .with {
            $0.incident = SupervisionWire.incident(incident)
            if let flag { $0.flag = SupervisionWire.flag(flag) }
        }
    }

    func logOutOfHoursContact(_ request: Tillit_Supervision_V1_LogOutOfHoursContactRequest, context: ServerContext)
        async throws -> Tillit_Supervision_V1_LogOutOfHoursContactResponse
    {
        let caller = try Caller.current(context)
        let at = request.hasAt ? try request.at.validMillis(field: "at") : store.nowMillis
        guard at <= store.nowMillis + 60_000 else { throw ServiceError.invalid("at", "must not be in the future") }
        let text = try Self.requiredText(request.text, field: "text", max: configuration.maximumTextBytes)
        // Booking decides whether `at` was outside the agreed window, as the client was told.
        let window = try await dependencies.contactWindow(caller.id, at: at)
        guard !window.within else {
            throw ServiceError.failedPrecondition(
                "that contact was within the agreed contact window (\(window.localTime)); nothing to log")
        }
        let date = try await practiceClock(caller).date(atMillis: at)
        let (incident, flag) = try await store.log(
            IncidentRecord(
                id: SupervisionStore.newID(), superviseeID: caller.id, category: .outOfHoursContact, date: date,
                text: text, loggedBy: caller.id, createdAt: store.nowMillis),
            for: caller)
        return .with {
            $0.incident = SupervisionWire.incident(incident)
            if let flag { $0.flag = SupervisionWire.flag(flag) }
        }
    }

    func listIncidents(_ request: Tillit_Supervision_V1_ListIncidentsRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_ListIncidentsResponse
    {
        let caller = try Caller.current(context)
        let supervisee = try await superviseeInScope(
            request.superviseeID, field: "supervisee_id", caller: caller, includeEnded: true)
        let incidents = try await store.incidents(of: supervisee, for: caller)
        return .with { $0.incidents = incidents.map(SupervisionWire.incident) }
    }

    func setPatternRule(_ request: Tillit_Supervision_V1_SetPatternRuleRequest, context: ServerContext)
        async throws -> Tillit_Supervision_V1_SetPatternRuleResponse
    {
        let caller = try Caller.current(context)
        guard (2...50).contains(request.threshold) else {
            throw ServiceError.invalid("threshold", "must be 2 to 50 incidents")
        }
        guard (1...365).contains(request.windowDays) else {
            throw ServiceError.invalid("window_days", "must be 1 to 365 days")
        }
        let rule = try await store.setPatternRule(
            PatternRule(threshold: Int(request.threshold), windowDays: Int(request.windowDays)), for: caller)
        return .with {
            $0.threshold = UInt32(rule.threshold)
            $0.windowDays = UInt32(rule.windowDays)
        }
    }

    func listFlags(_ request: Tillit_Supervision_V1_ListFlagsRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_ListFlagsResponse
    {
        let caller = try Caller.current(context)
        let supervisees = try await store.relationships(of: caller.id, includeEnded: false, for: caller)
            .filter { $0.supervisorID == caller.id }.map(\.superviseeID)
        let flags = try await store.flags(
            of: Array(Set(supervisees)).sorted(), includeCleared: request.includeCleared, for: caller)
        return .with { $0.flags = flags.map(SupervisionWire.flag) }
    }

    func clearFlag(_ request: Tillit_Supervision_V1_ClearFlagRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_ClearFlagResponse
    {
        let caller = try Caller.current(context)
        let id = try Validation.id(request.flagID, field: "flag_id")
        let session = try Validation.id(request.sessionID, field: "session_id")
        let supervisees = Set(
            try await store.relationships(of: caller.id, includeEnded: false, for: caller)
                .filter { $0.supervisorID == caller.id }.map(\.superviseeID))
        let flag = try await store.clear(id, inSession: session, for: caller) { supervisees.contains($0.superviseeID) }
        return .with { $0.flag = SupervisionWire.flag(flag) }
    }

    func incidentCounts(_ request: Tillit_Supervision_V1_IncidentCountsRequest, context: ServerContext)
        async throws -> Tillit_Supervision_V1_IncidentCountsResponse
    {
        let caller = try Caller.current(context)
        let from = try Self.date(request.from, present: request.hasFrom, field: "from")
        let to = try Self.date(request.to, present: request.hasTo, field: "to")
        guard from <= to else { throw ServiceError.invalid("to", "must not be before from") }
        let counts = try await store.incidentCounts(from: from, to: to, for: caller)
        let byCategory = Dictionary(counts, uniquingKeysWith: +)
        return .with {
            $0.counts = IncidentCategory.allCases.map { category in
                .with {
                    $0.category = SupervisionWire.incidentCategory(category)
                    $0.incidents = UInt64(byCategory[category] ?? 0)
                }
            }
        }
    }
}
