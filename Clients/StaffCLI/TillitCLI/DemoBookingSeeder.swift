import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// Booking's part of the demo practice, seeded through Booking's rpcs as the setup admin once
/// Identity's part exists: the booking policy, session types, the demo practitioners' weekly
/// availability at the demo locations (in the practice's zone), and one appointment for each
/// demo client in the next two weeks, at a free slot that slot search offers. So that `tillit
/// booking contact-window` has something to say, the practice's contact policy in Identity
/// gets contact hours, emergency instructions and a crisis line unless it has hours already.
///
/// Safe to run again after a partial run: session types are found by name, availability that a
/// practitioner already has at a location is kept, and an appointment is booked only for a
/// client who has none with that practitioner ahead (with a fixed idempotency key per client).
struct DemoBookingSeeder: Sendable {
    /// What the seeder made, as `demo.json` keeps it.
    struct Record: Codable, Sendable {
        /// Name and id of each demo session type.
        var sessionTypes: [[String]]
        /// "Name at location: rules" of each weekly availability.
        var availability: [String]
        /// How many appointments are booked.
        var appointments: Int
    }

    /// Identity, as the setup admin.
    let identity: Tillit_Identity_V1_Identity.Client
    /// Booking, as the setup admin.
    let booking: Tillit_Booking_V1_Booking.Client
    /// The setup admin's bearer token.
    let options: CallOptions

    /// A demo session type: name, minutes, buffer, modality, capacity, price in öre.
    private struct SessionType {
        var name: String
        var minutes: UInt32
        var buffer: UInt32
        var modality: Tillit_Booking_V1_Modality
        var capacity: UInt32
        var price: Int64
    }

    private static let sessionTypes = [
        SessionType(
            name: "Individual session", minutes: 50, buffer: 10, modality: .inPerson, capacity: 1,
            price: 110_000),
        SessionType(
            name: "Video session", minutes: 50, buffer: 10, modality: .video, capacity: 1, price: 100_000),
        SessionType(
            name: "Skin consultation", minutes: 45, buffer: 15, modality: .inPerson, capacity: 1,
            price: 75_000),
        SessionType(
            name: "Group session", minutes: 90, buffer: 30, modality: .inPerson, capacity: 6, price: 45_000),
    ]

    /// A demo weekly availability: who (e-mail local part), where (location name), rules, and
    /// the session types offered there.
    private struct Week {
        var practitioner: String
        var location: String
        var rules: [String]
        var sessionTypes: [String]
    }

    private static let weeks = [
        Week(
            practitioner: "dana", location: "Södermalm", rules: ["mon-wed 09:00-16:00"],
            sessionTypes: ["Individual session", "Video session", "Group session"]),
        Week(
            practitioner: "dana", location: "Vasastaden", rules: ["thu 10:00-17:00"],
            sessionTypes: ["Individual session", "Video session"]),
        Week(
            practitioner: "bjorn", location: "Södermalm", rules: ["mon-thu 09:00-17:00", "fri 09:00-12:00"],
            sessionTypes: ["Individual session", "Video session", "Group session"]),
        Week(
            practitioner: "eino", location: "Vasastaden", rules: ["mon-fri 08:00-15:00"],
            sessionTypes: ["Individual session", "Video session"]),
        Week(
            practitioner: "farah", location: "Södermalm", rules: ["tue-fri 10:00-18:00"],
            sessionTypes: ["Skin consultation"]),
        Week(
            practitioner: "gustav", location: "Vasastaden", rules: ["mon 12:00-18:00", "wed 12:00-18:00"],
            sessionTypes: ["Individual session"]),
    ]

    /// A demo appointment: client (e-mail local part), practitioner, session type, location.
    private static let appointments = [
        ("ida", "bjorn", "Individual session", "Södermalm"),
        ("jussi", "eino", "Video session", "Vasastaden"),
        ("kasia", "dana", "Individual session", "Södermalm"),
    ]

    /// Seeds what is missing; returns what the demo has.
    func seed() async throws -> Record {
        let organization = try await identity.getOrganization(.init(), options: options).organization
        var staff: [String: String] = [:]
        var clients: [String: String] = [:]
        for kind in [Tillit_Identity_V1_AccountKind.staff, .client] {
            var request = Tillit_Identity_V1_ListAccountsRequest()
            request.kind = kind
            request.page.pageSize = 200
            repeat {
                let response = try await identity.listAccounts(request, options: options)
                for account in response.accounts {
                    let local = String(account.email.split(separator: "@").first ?? "")
                    if kind == .staff {
                        staff[local] = account.id.value
                    } else {
                        clients[local] = account.id.value
                    }
                }
                request.page.pageToken = response.page.nextPageToken
            } while !request.page.pageToken.isEmpty
        }
        let locations = Dictionary(
            organization.locations.map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
        func required(_ table: [String: String], _ key: String, _ what: String) throws -> String {
            guard let value = table[key] else {
                throw RPCError(
                    code: .failedPrecondition, message: "the demo \(what) \(key) is missing in Identity")
            }
            return value
        }

        let contact = try await identity.getContactPolicy(.init(), options: options).policy
        if contact.hours.isEmpty {
            var request = Tillit_Identity_V1_SetContactPolicyRequest()
            request.policy.hours = try ContactPolicySetCommand.parseHours("mon-fri 08:00-17:00")
            request.policy.nightRule = .noContact
            request.policy.weekendRule = .emergencyOnly
            request.policy.emergencyInstructions =
                "If your life or someone else's is in danger, call 112. Outside contact hours, messages are read the next weekday."
            var line = Tillit_Identity_V1_CrisisLine()
            line.name = "Mind Självmordslinjen"
            line.phone = "90101"
            line.hours = "around the clock"
            line.url = "https://mind.se"
            request.policy.crisisLines = [line]
            _ = try await identity.setContactPolicy(request, options: options)
        }

        var policy = Tillit_Booking_V1_BookingPolicy()
        policy.cancellationWindowMinutes = 1440
        policy.minimumNoticeMinutes = 120
        policy.careRelationshipDays = 365
        policy.cancellationTerms =
            "Cancel at least 24 hours before the session; later cancellations are charged in full."
        var setPolicy = Tillit_Booking_V1_SetBookingPolicyRequest()
        setPolicy.policy = policy
        _ = try await booking.setBookingPolicy(setPolicy, options: options)

        // Session types, by name.
        var types: [String: String] = [:]
        for existing in try await booking.listSessionTypes(.init(), options: options).sessionTypes {
            types[existing.name] = existing.id
        }
        for type in Self.sessionTypes where types[type.name] == nil {
            var request = Tillit_Booking_V1_CreateSessionTypeRequest()
            request.sessionType.name = type.name
            request.sessionType.durationMinutes = type.minutes
            request.sessionType.bufferAfterMinutes = type.buffer
            request.sessionType.modality = type.modality
            request.sessionType.capacity = type.capacity
            request.sessionType.price.currency = "SEK"
            request.sessionType.price.minorUnits = type.price
            types[type.name] = try await booking.createSessionType(request, options: options).sessionType.id
        }

        // Weekly availability, in the practice's zone.
        let existing = try await booking.listAvailability(.init(), options: options).availability
        var availability: [String] = []
        for week in Self.weeks {
            let practitioner = try required(staff, week.practitioner, "practitioner")
            let location = try required(locations, week.location, "location")
            availability.append(
                "\(week.practitioner) at \(week.location): \(week.rules.joined(separator: ", "))")
            if existing.contains(where: {
                $0.practitionerID.value == practitioner && $0.locationID == location
            }) {
                continue
            }
            var request = Tillit_Booking_V1_SetAvailabilityRequest()
            request.availability.practitionerID.value = practitioner
            request.availability.locationID = location
            request.availability.rules = try week.rules.flatMap { try WeeklyRules.parse($0, option: "demo") }
            request.availability.sessionTypeIds = try week.sessionTypes.map {
                try required(types, $0, "session type")
            }
            _ = try await booking.setAvailability(request, options: options)
        }

        // Appointments at the first free slot from tomorrow on.
        let now = Date()
        let from = now.addingTimeInterval(86_400)
        let until = now.addingTimeInterval(15 * 86_400)
        var booked = 0
        for (clientName, practitionerName, typeName, locationName) in Self.appointments {
            let client = try required(clients, clientName, "client")
            let practitioner = try required(staff, practitionerName, "practitioner")
            let type = try required(types, typeName, "session type")
            let location = try required(locations, locationName, "location")
            var list = Tillit_Booking_V1_ListAppointmentsRequest()
            list.clientID.value = client
            list.practitionerID.value = practitioner
            list.status = .booked
            list.during.start = Tillit_Common_V1_Timestamp(now)
            list.during.end = Tillit_Common_V1_Timestamp(now.addingTimeInterval(62 * 86_400))
            if try await !booking.listAppointments(list, options: options).appointments.isEmpty {
                booked += 1
                continue
            }
            var search = Tillit_Booking_V1_SearchSlotsRequest()
            search.sessionTypeID = type
            search.practitionerIds = [Tillit_Common_V1_AccountId(practitioner)]
            search.locationIds = [location]
            search.during.start = Tillit_Common_V1_Timestamp(from)
            search.during.end = Tillit_Common_V1_Timestamp(until)
            search.page.pageSize = 1
            guard let slot = try await booking.searchSlots(search, options: options).slots.first else {
                continue
            }
            var request = Tillit_Booking_V1_BookAppointmentRequest()
            request.idempotencyKey = "demo-\(clientName)-\(practitionerName)"
            request.sessionTypeID = type
            request.practitionerID.value = practitioner
            request.locationID = location
            request.start = slot.time.start
            request.clientID.value = client
            do {
                _ = try await booking.bookAppointment(request, options: options)
                booked += 1
            } catch let error as RPCError where error.code == .alreadyExists {
                // Booked by an earlier run with the same key (at another time since then).
                booked += 1
            }
        }
        return Record(
            sessionTypes: Self.sessionTypes.compactMap { type in types[type.name].map { [type.name, $0] } },
            availability: availability, appointments: booked)
    }

    /// What to tell people about the booking demo data.
    static func hints(_ record: Record, organization: String, fresh: Bool) -> String {
        var lines = [
            fresh ? "demo: booking seeded." : "demo: booking demo data is already seeded.",
            "  session types:",
        ]
        let width = record.sessionTypes.map { $0[0].count }.max() ?? 0
        lines += record.sessionTypes.map {
            "    " + $0[0].padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0[1]
        }
        lines.append("  weekly availability (practice time):")
        lines += record.availability.map { "    " + $0 }
        lines.append(
            "  appointments booked: \(record.appointments) (ida with bjorn, jussi with eino, kasia with dana)"
        )
        if let first = record.sessionTypes.first {
            lines.append("  try: tillit booking slots --session-type \(first[1]) --city Stockholm")
        }
        lines.append("       tillit booking appointments list")
        return lines.joined(separator: "\n")
    }
}
