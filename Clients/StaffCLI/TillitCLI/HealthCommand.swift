import ArgumentParser
import Foundation
import TillitServiceKit

/// `tillit health`: probes one service or all; exit 0 only if every probed service is SERVING,
/// so it works as a container health check. A SERVING service that reports itself degraded
/// (e.g. a stale list of ended sessions while Identity is unreachable) still exits 0; the
/// reason is shown (DETAIL, or `degraded` in JSON).
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check whether services are SERVING (exit 0) or not (exit 69).",
        discussion: """
            Examples:
              tillit health                       # all four services of the local stack
              tillit health identity --json       # one service, machine-readable
              tillit health booking --booking-addr booking:7102   # in a container health check
            """)

    @Argument(help: "identity, booking, notes, supervision or all.")
    var service: String = "all"

    @Option(help: "Seconds to wait for each answer.")
    var timeout: Double = 2

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var addresses: ServiceAddressOptions

    func validate() throws {
        guard service == "all" || ServiceName(rawValue: service) != nil else {
            throw ValidationError(
                "unknown service '\(service)'; use identity, booking, notes, supervision or all")
        }
        guard timeout > 0, timeout <= 60 else {
            throw ValidationError("--timeout must be between 0 and 60 seconds")
        }
    }

    func run() async throws {
        let resolved = try addresses.resolve()
        let names = service == "all" ? ServiceName.allCases : [ServiceName(rawValue: service)!]
        var results: [(ServiceName, ServiceAddress, HealthProbe.Result)] = []
        var degraded: [ServiceName: String] = [:]
        for name in names {
            let address = resolved[name]!
            let probe: (result: HealthProbe.Result, degraded: String?)
            do {
                // TLS trusting TILLIT_TLS_CA (or the local stack's CA), expecting the service's name.
                let security = try TLSSettings.clientSecurity(for: name)
                probe = await HealthProbe.probe(
                    address, timeout: .milliseconds(Int(timeout * 1000)), security: security)
            } catch {
                probe = (.unreachable("TLS is not set up: \(error)"), nil)
            }
            results.append((name, address, probe.result))
            degraded[name] = probe.degraded
        }
        if json {
            let objects = results.map { name, address, result -> [String: String] in
                var object = [
                    "service": name.rawValue, "address": address.description, "status": result.label,
                ]
                if case .unreachable(let reason) = result { object["reason"] = reason }
                if let why = degraded[name] { object["degraded"] = why }
                return object
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])
            Terminal.say(String(decoding: data, as: UTF8.self))
        } else {
            let rows = results.map { name, address, result -> [String] in
                var reason = degraded[name].map { "degraded: \($0)" } ?? ""
                if case .unreachable(let text) = result { reason = text }
                return [
                    name.rawValue, address.description, Terminal.colour(result.label, ok: result == .serving),
                    reason,
                ]
            }
            Terminal.say(Terminal.table(header: ["SERVICE", "ADDRESS", "STATUS", "DETAIL"], rows: rows))
        }
        if !results.allSatisfy({ $0.2 == .serving }) {
            throw CLIExitCode.unavailable.exitCode
        }
    }
}
