import ArgumentParser
import Foundation
import TillitServiceKit

/// Where the services are: `--<service>-addr` flags, else `TILLIT_<SERVICE>_ADDR`, else the
/// config file `<config dir>/config.json` (`{"addresses": {"identity": "host:port", …}}`, the
/// folder of the session file), else the local stack's defaults (127.0.0.1:7101–7104).
public struct ServiceAddressOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("identity-addr"), help: "Identity's host:port.")
    var identity: String?

    @Option(name: .customLong("booking-addr"), help: "Booking's host:port.")
    var booking: String?

    @Option(name: .customLong("notes-addr"), help: "Notes' host:port.")
    var notes: String?

    @Option(name: .customLong("supervision-addr"), help: "Supervision's host:port.")
    var supervision: String?

    /// Options with no flags given.
    public init() {}

    /// The address of every service.
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> [ServiceName: ServiceAddress]
    {
        var environment = try Self.configFileAddresses(environment: environment).merging(environment) { $1 }
        let flags: [(ServiceName, String?)] = [
            (.identity, identity), (.booking, booking), (.notes, notes), (.supervision, supervision),
        ]
        for (service, value) in flags {
            if let value { environment[service.addressVariable] = value }
        }
        do {
            return try ServiceConfiguration(service: .identity, environment: environment).peers
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }

    /// The config file's addresses as `TILLIT_<SERVICE>_ADDR` entries; empty without a file.
    static func configFileAddresses(environment: [String: String]) throws -> [String: String] {
        let path = SessionStore(environment: environment).directory.appendingPathComponent("config.json").path
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        struct ConfigFile: Decodable {
            var addresses: [String: String]?
        }
        guard let file = try? JSONDecoder().decode(ConfigFile.self, from: data) else {
            throw ValidationError(
                "\(path) is not valid JSON of the form {\"addresses\": {\"identity\": \"host:port\"}}")
        }
        var entries: [String: String] = [:]
        for (name, address) in file.addresses ?? [:] {
            guard let service = ServiceName(rawValue: name) else {
                throw ValidationError(
                    "\(path): unknown service \"\(name)\" (identity, booking, notes, supervision)")
            }
            entries[service.addressVariable] = address
        }
        return entries
    }
}
