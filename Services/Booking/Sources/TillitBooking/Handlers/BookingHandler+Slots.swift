import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension BookingHandler {
    func searchSlots(_ request: Tillit_Booking_V1_SearchSlotsRequest, context: ServerContext)
        async throws -> Tillit_Booking_V1_SearchSlotsResponse
    {
        let caller = try Caller.current(context)
        let sessionType = try Validation.id(request.sessionTypeID, field: "session_type_id")
        let during = try request.during.validMillis(field: "during", maximumDays: 62)
        var filter = SlotFilter()
        guard request.practitionerIds.count <= 100, request.locationIds.count <= 100 else {
            throw ServiceError.invalid("practitioner_ids", "at most 100 practitioners and 100 locations")
        }
        filter.practitioners = try request.practitionerIds.enumerated().map {
            try Validation.id($0.element.value, field: "practitioner_ids[\($0.offset)]")
        }
        filter.locations = try request.locationIds.enumerated().map {
            try Validation.id($0.element, field: "location_ids[\($0.offset)]")
        }
        filter.city = try Validation.text(request.city, field: "city", max: 200)
        if !request.language.isEmpty {
            filter.language = try Validation.languages([request.language], field: "language")[0]
        }
        filter.discipline = try Validation.text(request.discipline, field: "discipline", max: 200)
        guard request.minimumNoticeMinutes <= 525_600 else {
            throw ServiceError.invalid("minimum_notice_minutes", "must be at most 525600 (a year)")
        }
        let page = try Page(
            request.page, maximum: configuration.maximumSlotsPerPage,
            defaultSize: configuration.defaultSlotsPerPage)
        var after: SlotKey?
        if let token = page.after {
            guard let key = SlotKey(token: token) else {
                throw ServiceError.invalid("page.page_token", "is not a token this service issued")
            }
            after = key
        }
        var notice = Int64(request.minimumNoticeMinutes) * 60_000
        if caller.isClient {
            let policy = try await store.policy(for: caller)
            notice = max(notice, Int64(policy.minimumNoticeMinutes) * 60_000)
        }
        let zoneName: String
        if request.clientTimeZone.isEmpty {
            zoneName = try await store.practiceZone(for: caller) ?? "UTC"
        } else {
            zoneName = try Validation.timeZone(request.clientTimeZone, field: "client_time_zone")
        }
        let found = try await store.findSlots(
            sessionTypeID: sessionType, filter: filter, range: during, earliestStart: nowMillis + notice,
            after: after,
            limit: page.size + 1, for: caller
        ).slots
        let clientClock = ZoneClock(identifier: zoneName) ?? ZoneClock(identifier: "UTC")!
        let (kept, next) = page.split(found) { $0.key.token }
        return .with {
            $0.slots = kept.map { slot in
                .with {
                    $0.practitionerID = BookingWire.account(slot.key.practitionerID)
                    $0.locationID = slot.key.locationID
                    $0.sessionTypeID = sessionType
                    $0.time = Tillit_Common_V1_TimeRange(millis: slot.key.startsAt..<slot.endsAt)
                    $0.clientUtcOffsetSeconds = Int32(clientClock.offsetSeconds(atMillis: slot.key.startsAt))
                    $0.clientLocalStart = clientClock.rfc3339(millis: slot.key.startsAt)
                    $0.remainingCapacity = UInt32(slot.remaining)
                }
            }
            $0.page = next
        }
    }
}
