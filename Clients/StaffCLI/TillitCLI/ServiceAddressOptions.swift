import ArgumentParser
import Foundation
import TillitServiceKit

/// Where the services are: `--<service>-addr` flags, else `TILLIT_<SERVICE>_ADDR`, else the
/// local stack's defaults (127.0.0.1:7101–7104).
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
        var environment = environment
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
}
