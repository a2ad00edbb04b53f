import ArgumentParser
import Foundation
import TillitContracts

/// `tillit org location`: add, change and deactivate locations.
struct LocationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "location",
        abstract: "Add, change or deactivate a location (admin).",
        discussion: """
            Example:
              tillit org location add --name Centrum --address "Drottninggatan 1" --city Stockholm
            """,
        subcommands: [LocationAddCommand.self, LocationUpdateCommand.self, LocationDeactivateCommand.self])
}

/// `tillit org location add`.
struct LocationAddCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a location.",
        discussion: """
            Example:
              tillit org location add --name Centrum --address "Drottninggatan 1" --city Stockholm
            """)

    @Option(help: "Its name.") var name: String
    @Option(help: "Its street address (\\n separates lines).") var address: String
    @Option(help: "Its city.") var city: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_AddLocationRequest()
            request.location = try parseLocation("\(name)|\(address)|\(city)")
            let location = try await withIdentity { call in
                try await call.client.addLocation(request, options: call.options).location
            }
            let view = OrganizationView.LocationView(location)
            try output.emit(view) { "Added location \(view.name) in \(view.city): \(view.id)" }
        }
    }
}

/// `tillit org location update`.
struct LocationUpdateCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a location's name, address or city (others stay).",
        discussion: """
            Example:
              tillit org location update 1b6e… --address "Sveavägen 2"
            """)

    @Argument(help: "The location id.") var locationID: String
    @Option(help: "New name.") var name: String?
    @Option(help: "New street address.") var address: String?
    @Option(help: "New city.") var city: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard name != nil || address != nil || city != nil else {
            throw ValidationError("give at least one of --name, --address, --city")
        }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_UpdateLocationRequest()
            request.locationID = locationID
            if let name { request.name.value = name }
            if let address { request.address.value = address.replacingOccurrences(of: "\\n", with: "\n") }
            if let city { request.city.value = city }
            let location = try await withIdentity { call in
                try await call.client.updateLocation(request, options: call.options).location
            }
            let view = OrganizationView.LocationView(location)
            try output.emit(view) { "Updated location \(view.id): \(view.name), \(view.city)" }
        }
    }
}

/// `tillit org location deactivate`.
struct LocationDeactivateCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "deactivate",
        abstract: "Deactivate a location (it is kept for existing records).",
        discussion: """
            Example:
              tillit org location deactivate 1b6e…
            """)

    @Argument(help: "The location id.") var locationID: String
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            var request = Tillit_Identity_V1_DeactivateLocationRequest()
            request.locationID = locationID
            let location = try await withIdentity { call in
                try await call.client.deactivateLocation(request, options: call.options).location
            }
            let view = OrganizationView.LocationView(location)
            try output.emit(view) { "Deactivated location \(view.name) (\(view.id))." }
        }
    }
}
