import ArgumentParser
import Foundation
import TillitContracts

/// `tillit booking policy`: the practice's booking rules.
struct BookingPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show or change the booking policy (set: admin).",
        discussion: """
            Example:
              tillit booking policy set --cancellation-window 48h --minimum-notice 2h
            """,
        subcommands: [BookingPolicyGetCommand.self, BookingPolicySetCommand.self])
}

/// `tillit booking policy get`.
struct BookingPolicyGetCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show the booking policy (the defaults until an admin sets one).",
        discussion: """
            Example:
              tillit booking policy get --json
            """)

    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            let (policy, context) = try await withBooking { call in
                let policy = try await call.client.getBookingPolicy(.init(), options: call.options).policy
                return (policy, try await call.context(zone: zone.zone, names: !output.json))
            }
            let view = BookingPolicyView(policy)
            try output.emit(view) { view.text(context) }
        }
    }
}

/// `tillit booking policy set`: changes the given rules, keeps the others.
struct BookingPolicySetCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change the booking policy (admin); rules not given stay as they are.",
        discussion: """
            Durations are minutes, or with a unit: 90m, 24h, 2d.

            Example:
              tillit booking policy set --cancellation-window 24h --minimum-notice 2h \\
                --care-days 365 --terms "Cancel at least 24 hours ahead; later cancellations are charged."
            """)

    @Option(help: "A cancellation less than this before the start is late (0–14d).")
    var cancellationWindow: String?
    @Option(help: "Clients cannot book a slot starting sooner than this (0–14d).") var minimumNotice: String?
    @Option(help: "Days an attended session keeps the care relationship (1–3660).") var careDays: UInt32?
    @Option(help: "What clients are told about cancellation.") var terms: String?
    @OptionGroup var zone: ZoneOptions
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard cancellationWindow != nil || minimumNotice != nil || careDays != nil || terms != nil else {
            throw ValidationError(
                "give at least one of --cancellation-window, --minimum-notice, --care-days, --terms")
        }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let window = try cancellationWindow.map {
                try BookingInput.minutes($0, option: "--cancellation-window")
            }
            let notice = try minimumNotice.map { try BookingInput.minutes($0, option: "--minimum-notice") }
            let (policy, context) = try await withBooking { call in
                var policy = try await call.client.getBookingPolicy(.init(), options: call.options).policy
                if let window { policy.cancellationWindowMinutes = window }
                if let notice { policy.minimumNoticeMinutes = notice }
                if let careDays { policy.careRelationshipDays = careDays }
                if let terms { policy.cancellationTerms = terms }
                var request = Tillit_Booking_V1_SetBookingPolicyRequest()
                request.policy = policy
                let stored = try await call.client.setBookingPolicy(request, options: call.options).policy
                return (stored, try await call.context(zone: zone.zone, names: !output.json))
            }
            let view = BookingPolicyView(policy)
            try output.emit(view) { "Booking policy set.\n\n" + view.text(context) }
        }
    }
}
