import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension SupervisionHandler {
    func setCategories(_ request: Tillit_Supervision_V1_SetCategoriesRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_SetCategoriesResponse
    {
        let caller = try Caller.current(context)
        guard (1...30).contains(request.categories.count) else {
            throw ServiceError.invalid("categories", "must hold 1 to 30 names")
        }
        var seen = Set<String>()
        let names = try request.categories.enumerated().map { index, raw in
            let name = try Validation.name(raw, field: "categories[\(index)]", max: 100)
            guard seen.insert(name.lowercased()).inserted else {
                throw ServiceError.invalid("categories[\(index)]", "'\(name)' is named twice")
            }
            return name
        }
        let stored = try await store.setCategories(names, for: caller)
        return .with { $0.categories = stored }
    }

    func listCategories(_ request: Tillit_Supervision_V1_ListCategoriesRequest, context: ServerContext)
        async throws -> Tillit_Supervision_V1_ListCategoriesResponse
    {
        let caller = try Caller.current(context)
        let names = try await store.categories(for: caller)
        return .with { $0.categories = names }
    }

    func logSession(_ request: Tillit_Supervision_V1_LogSessionRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_LogSessionResponse
    {
        let caller = try Caller.current(context)
        let kind = try SupervisionWire.sessionKind(request.kind)
        let date = try Self.date(request.date, present: request.hasDate, field: "date")
        let corrects = request.corrects.isEmpty ? nil : try Validation.id(request.corrects, field: "corrects")
        guard request.minutes <= 600, request.minutes > 0 || corrects != nil else {
            throw ServiceError.invalid(
                "minutes", "must be 1 to 600 (0 only for a correction withdrawing an entry)")
        }
        let category = try Validation.name(request.category, field: "category", max: 100)
        let note = try Validation.text(request.note, field: "note", max: 2_000)
        let named = try Self.optionalAccountID(request.supervisorID, field: "supervisor_id")
        let supervisee = try await superviseeInScope(
            request.superviseeID, field: "supervisee_id", caller: caller, includeEnded: true)
        // A supervisor logging names themself; the supervisee names one, or has only one.
        let supervisor: String
        if supervisee != caller.id {
            try caller.require(named == nil || named == caller.id, "log a session for another supervisor")
            supervisor = caller.id
        } else {
            supervisor = try await self.supervisor(of: supervisee, named: named, on: date, caller: caller)
        }
        try await requireNotFuture(date, field: "date", caller: caller)
        let record = SessionRecord(
            id: SupervisionStore.newID(), superviseeID: supervisee, supervisorID: supervisor, kind: kind, date: date,
            minutes: Int(request.minutes), category: category, note: note, corrects: corrects,
            verifiedPeriodID: nil, loggedBy: caller.id, createdAt: store.nowMillis)
        let logged = try await store.log(record, for: caller)
        return .with { $0.session = SupervisionWire.session(logged) }
    }

    func hoursReport(_ request: Tillit_Supervision_V1_HoursReportRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_HoursReportResponse
    {
        let caller = try Caller.current(context)
        let kind = try SupervisionWire.periodKind(request.period)
        let from = try Self.date(request.from, present: request.hasFrom, field: "from")
        let to = try Self.date(request.to, present: request.hasTo, field: "to")
        guard from <= to else { throw ServiceError.invalid("to", "must not be before from") }
        guard to.day - from.day < 366 else { throw ServiceError.invalid("to", "the range must be at most 366 days") }
        let supervisee: String
        if caller.isAdmin, let named = try Self.optionalAccountID(request.superviseeID, field: "supervisee_id") {
            // Staff of the admin's own practice (Identity: another practice's id is NOT_FOUND).
            guard try await dependencies.account(named).kind == .staff else { throw ServiceError.notFound("supervisee") }
            supervisee = named
        } else {
            // Their supervisor, also after the relationship ended (the history stays theirs).
            supervisee = try await superviseeInScope(
                request.superviseeID, field: "supervisee_id", caller: caller, includeEnded: true)
        }
        let clock = try await practiceClock(caller)
        let periods = ReportPeriods.split(from: from, to: to, by: kind)
        // Booking's direct contact (one call for every period) first: when Booking cannot
        // answer, nothing is recorded here.
        let contact = try await dependencies.directContactMinutes(
            supervisee, ranges: ReportPeriods.instants(of: periods, in: clock))
        let data = try await store.hours(of: supervisee, from: from, to: to, for: caller)
        let counted = data.counted
        var index = 0
        let report = periods.enumerated().map { position, period in
            var byCategory: [String: UInt64] = [:]
            while index < counted.count, counted[index].date <= period.upperBound {
                byCategory[counted[index].category, default: 0] += UInt64(counted[index].minutes)
                index += 1
            }
            return SupervisionWire.period(
                period, byCategory: byCategory, directContact: contact[position], verified: data.isVerified(period))
        }
        var all: [String: UInt64] = [:]
        for entry in counted { all[entry.category, default: 0] += UInt64(entry.minutes) }
        return .with {
            $0.periods = report
            $0.total = SupervisionWire.period(
                from...to, byCategory: all, directContact: contact.reduce(0, +), verified: data.isVerified(from...to))
            $0.timeZone = clock.zone.identifier
        }
    }

    func verifyPeriod(_ request: Tillit_Supervision_V1_VerifyPeriodRequest, context: ServerContext) async throws
        -> Tillit_Supervision_V1_VerifyPeriodResponse
    {
        let caller = try Caller.current(context)
        let supervisee = try Self.accountID(request.superviseeID, field: "supervisee_id")
        let from = try Self.date(request.from, present: request.hasFrom, field: "from")
        let to = try Self.date(request.to, present: request.hasTo, field: "to")
        guard from <= to else { throw ServiceError.invalid("to", "must not be before from") }
        guard to.day - from.day < 366 else { throw ServiceError.invalid("to", "the period must be at most 366 days") }
        let supervised = try await supervises(supervisee, caller: caller, includeEnded: true)
        try caller.require(
            supervisee != caller.id && supervised, "verify the hours of a practitioner you do not supervise")
        try await requireNotFuture(to, field: "to", caller: caller)
        let verified = try await store.verify(supervisee: supervisee, from: from, to: to, for: caller)
        return .with {
            $0.periodID = verified.id
            $0.sessions = UInt32(verified.sessions)
            $0.minutes = UInt64(verified.minutes)
        }
    }
}
