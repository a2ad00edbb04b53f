import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking care`: whether a practitioner has a care relationship with a client now.
struct BookingCareCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "care",
        abstract: "Whether a practitioner has a care relationship with a client now, and why (staff).",
        discussion: """
            A care relationship holds while there is a booked appointment ahead, or an attended one \
            within the practice's care-relationship period (`tillit booking policy get`).

            Example:
              tillit booking care --practitioner me --client 9e0b…
            """)

    @Option(help: "The practitioner's account id (or me).") var practitioner: String
    @Option(help: "The client's account id.") var client: String
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var practitionerId: String
        var clientId: String
        var active: Bool
        var basis: [String]
        var holdsUntil: Date?
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let (result, context) = try await withBooking { call in
                var request = Tillit_Booking_V1_VerifyCareRelationshipRequest()
                request.practitionerID.value = call.account(practitioner)
                request.clientID.value = client
                let response = try await call.client.verifyCareRelationship(request, options: call.options)
                let result = Result(
                    practitionerId: request.practitionerID.value, clientId: client, active: response.active,
                    basis: response.basis.map { Names.word($0, in: Names.careBases) },
                    holdsUntil: response.hasHoldsUntil ? response.holdsUntil.date : nil)
                return (result, try await call.context(zone: zone.zone, names: !output.json))
            }
            try output.emit(result) {
                let who = "\(context.account(result.practitionerId)) and \(context.account(result.clientId))"
                guard result.active else { return "No care relationship between \(who)." }
                let until =
                    result.holdsUntil.map { ", holds at least until \(context.clock.dateTime($0))" } ?? ""
                return "Care relationship between \(who): active (\(Display.list(result.basis)))\(until)."
            }
        }
    }
}
