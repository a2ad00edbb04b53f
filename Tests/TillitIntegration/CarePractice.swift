import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// Journey 1: a practice bootstrapped through the API, as a practice starts: locations in two
/// cities (Stockholm and Göteborg), an admin (two-factor), practitioners of several disciplines
/// in both cities, a supervisor (two-factor) and a pre-licensed practitioner she supervises, a
/// scheduler, clients in other zones who sign in themselves; a session type, every
/// practitioner's weekly availability, the booking policy (24-hour cancellation window) and the
/// contact policy with a crisis line. Each practice has a name of its own, so journeys can share
/// a stack.
public struct CarePractice: Sendable {
    /// The password of every account of the practice.
    public static let password = "journey password 2026"

    public let organization: String
    /// Location ids by city.
    public let locations: [String: String]
    public let admin: Person
    public let scheduler: Person
    /// Licensed practitioners by first name: björn (psychotherapist, Stockholm), amira
    /// (psychologist, Göteborg), sara (skin therapist, Stockholm).
    public let practitioners: [String: Person]
    /// Dana: practitioner and supervisor (psychologist, Göteborg).
    public let supervisor: Person
    /// Gustav: pre-licensed psychotherapist in Stockholm, supervised by Dana.
    public let trainee: Person
    /// Clients by first name: ida (America/New_York), kenji (Asia/Tokyo), lena (the practice's zone).
    public let clients: [String: Person]
    /// The 50-minute individual session (10-minute buffer).
    public let sessionType: String
    /// The practice's zone.
    public static let timeZone = "Europe/Stockholm"

    /// A practitioner (or the supervisor or trainee) by first name.
    public func practitioner(_ name: String) -> Person {
        switch name {
        case "dana": supervisor
        case "gustav": trainee
        default: practitioners[name]!
        }
    }

    /// Bootstraps the practice named `name` on `stack`.
    public static func bootstrap(_ name: String, on stack: IntegrationStack) async throws -> CarePractice {
        let identity = stack.identity
        let domain = name.lowercased().filter { $0.isLetter || $0.isNumber } + ".test"
        var bootstrap = Tillit_Identity_V1_BootstrapRequest()
        bootstrap.organizationName = name
        bootstrap.timeZone = timeZone
        bootstrap.locations = [
            location("Södermalm", "Götgatan 10\n116 46 Stockholm", "Stockholm"),
            location("Vasastaden", "Vasagatan 5\n411 24 Göteborg", "Göteborg"),
        ]
        bootstrap.adminEmail = "admin@\(domain)"
        bootstrap.adminDisplayName = "Alva Admin"
        bootstrap.adminPassword = password
        bootstrap.bootstrapSecret = stack.bootstrapSecret
        let organization = try await identity.bootstrap(bootstrap).organization
        let orgID = organization.id.value
        let locations = Dictionary(
            organization.locations.map { ($0.city, $0.id) }, uniquingKeysWith: { a, _ in a })
        let admin = try await SignIn.enrollingTOTP(identity, organization: orgID, email: bootstrap.adminEmail)
        // Practitioners sign in with a password alone; admins and supervisors keep two-factor.
        var relax = Tillit_Identity_V1_UpdateOrganizationRequest()
        relax.staffTotpRequired.value = false
        _ = try await identity.updateOrganization(relax, options: admin.options)

        func staff(
            _ first: String, _ name: String, _ roles: [Tillit_Identity_V1_Role], _ discipline: String,
            _ languages: [String], licence: Tillit_Identity_V1_LicenceStatus = .licensed,
            supervisor: String? = nil
        ) async throws -> String {
            var request = Tillit_Identity_V1_CreateStaffAccountRequest()
            request.email = "\(first)@\(domain)"
            request.displayName = name
            request.roles = roles
            request.profile.discipline = discipline
            request.profile.languages = languages
            if roles.contains(.practitioner) || roles.contains(.supervisor) {
                request.profile.licenceStatus = licence
            }
            if let supervisor { request.profile.supervisorID.value = supervisor }
            request.initialPassword = password
            return try await identity.createStaffAccount(request, options: admin.options).account.id.value
        }
        _ = try await staff("bjorn", "Björn Ek", [.practitioner], "psychotherapist", ["sv", "en"])
        _ = try await staff("amira", "Amira Haddad", [.practitioner], "psychologist", ["sv", "ar", "en"])
        _ = try await staff("sara", "Sara Lind", [.practitioner], "skin therapist", ["sv"])
        let danaID = try await staff(
            "dana", "Dana Kowalska", [.practitioner, .supervisor], "psychologist", ["pl", "sv", "en"])
        _ = try await staff(
            "gustav", "Gustav Holm", [.practitioner], "psychotherapist", ["sv"], licence: .preLicensed,
            supervisor: danaID)
        _ = try await staff("hanna", "Hanna Berg", [.scheduler], "", ["sv"])
        var clients: [String: Person] = [:]
        for (first, name, zone) in [
            ("ida", "Ida Nilsson", "America/New_York"), ("kenji", "Kenji Sato", "Asia/Tokyo"),
            ("lena", "Lena Ström", ""),
        ] {
            var request = Tillit_Identity_V1_CreateClientAccountRequest()
            request.email = "\(first)@clients.\(domain)"
            request.displayName = name
            request.profile.timeZone = zone
            request.profile.languages = ["sv", "en"]
            request.initialPassword = password
            _ = try await identity.createClientAccount(request, options: admin.options)
            clients[first] = try await SignIn.password(identity, organization: orgID, email: request.email)
        }
        var practitioners: [String: Person] = [:]
        for first in ["bjorn", "amira", "sara"] {
            practitioners[first] = try await SignIn.password(
                identity, organization: orgID, email: "\(first)@\(domain)")
        }
        let supervisor = try await SignIn.enrollingTOTP(
            identity, organization: orgID, email: "dana@\(domain)")
        let trainee = try await SignIn.password(identity, organization: orgID, email: "gustav@\(domain)")
        let scheduler = try await SignIn.password(identity, organization: orgID, email: "hanna@\(domain)")

        // Contact hours with a crisis line; the booking policy; the session type; availability.
        var contact = Tillit_Identity_V1_SetContactPolicyRequest()
        contact.policy.hours = (1...5).map { day in
            .with {
                $0.weekday = Tillit_Identity_V1_Weekday(rawValue: day) ?? .monday
                $0.startMinute = 8 * 60
                $0.endMinute = 17 * 60
            }
        }
        contact.policy.nightRule = .noContact
        contact.policy.weekendRule = .emergencyOnly
        contact.policy.emergencyInstructions = "If your life or someone else's is in danger, call 112."
        contact.policy.crisisLines = [
            .with {
                $0.name = "Mind Självmordslinjen"
                $0.phone = "90101"
                $0.hours = "around the clock"
                $0.url = "https://mind.se"
            }
        ]
        _ = try await identity.setContactPolicy(contact, options: admin.options)
        let booking = stack.booking
        var policy = Tillit_Booking_V1_SetBookingPolicyRequest()
        policy.policy.cancellationWindowMinutes = 24 * 60
        policy.policy.minimumNoticeMinutes = 60
        policy.policy.careRelationshipDays = 365
        policy.policy.cancellationTerms = "Cancel at least 24 hours before; later cancellations are charged."
        _ = try await booking.setBookingPolicy(policy, options: admin.options)
        var type = Tillit_Booking_V1_CreateSessionTypeRequest()
        type.sessionType.name = "Individual session"
        type.sessionType.durationMinutes = 50
        type.sessionType.bufferAfterMinutes = 10
        type.sessionType.modality = .inPerson
        type.sessionType.capacity = 1
        type.sessionType.price.currency = "SEK"
        type.sessionType.price.minorUnits = 110_000
        let sessionType = try await booking.createSessionType(type, options: admin.options).sessionType.id
        let weeks: [(Person, String)] = [
            (practitioners["bjorn"]!, "Stockholm"), (practitioners["amira"]!, "Göteborg"),
            (practitioners["sara"]!, "Stockholm"), (supervisor, "Göteborg"), (trainee, "Stockholm"),
        ]
        for (person, city) in weeks {
            var request = Tillit_Booking_V1_SetAvailabilityRequest()
            request.availability.practitionerID = person.accountID
            request.availability.locationID = locations[city]!
            request.availability.timeZone = timeZone
            // Every day 08:00–20:00, so a search finds slots whatever day the journey runs.
            request.availability.rules = (1...7).map { day in
                .with {
                    $0.weekday = Tillit_Identity_V1_Weekday(rawValue: day) ?? .monday
                    $0.startMinute = 8 * 60
                    $0.endMinute = 20 * 60
                }
            }
            _ = try await booking.setAvailability(request, options: admin.options)
        }
        return CarePractice(
            organization: orgID, locations: locations, admin: admin, scheduler: scheduler,
            practitioners: practitioners, supervisor: supervisor, trainee: trainee, clients: clients,
            sessionType: sessionType)
    }

    private static func location(_ name: String, _ address: String, _ city: String)
        -> Tillit_Identity_V1_NewLocation
    {
        .with {
            $0.name = name
            $0.address = address
            $0.city = city
        }
    }
}
