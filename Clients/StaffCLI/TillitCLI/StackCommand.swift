import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TillitRPC
import TillitServiceKit

/// `tillit stack`: the local stack.
struct StackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stack",
        abstract: "Run the whole system locally.",
        subcommands: [StackUpCommand.self])
}

/// `tillit stack up`: starts every service executable that is built, supervises them and stops
/// them all on Ctrl-C / SIGTERM.
struct StackUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start every Tillit service found next to `tillit`, with local defaults.",
        discussion: """
            On first start a development CA and a certificate per service are made in \
            <data dir>/tls (kept on later starts; see `tillit certs init`); services speak TLS 1.3 \
            with them, to each other with mutual TLS. \
            Each service gets its SQLite file under the data folder and a loopback port \
            (identity 7101, booking 7102, notes 7103, supervision 7104, or TILLIT_<SERVICE>_ADDR; \
            port 0 picks a free one). A service is SERVING once it has written the address it \
            bound to <data dir>/logs/<service>.ready and answers Health there; that address is \
            printed. A service that crashes is restarted with backoff. Ctrl-C or SIGTERM stops \
            them all. Each service's output goes to <data dir>/logs/<service>.log.

            With --demo, once Identity is SERVING and its database is empty, a demo practice is \
            created through the API and the way to log in is printed (again on later runs).

            Examples:
              tillit stack up --data-dir ./.tillit-data
              tillit stack up --demo
              tillit stack up --identity-addr 127.0.0.1:0   # any free port; see the SERVING line
            """)

    @Option(help: "The folder for databases, keys and logs.")
    var dataDir = "./.tillit-data"

    @Option(help: "Where the service executables are (default: next to this `tillit`).")
    var binDir: String?

    @Flag(help: "Seed a demo practice (once) and print how to log in.")
    var demo = false

    @OptionGroup var addresses: ServiceAddressOptions

    func run() async throws {
        let resolved = try addresses.resolve()
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL
        let logDirectory = dataDirectory.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let binaries = binDir.map { URL(fileURLWithPath: $0) } ?? Self.ownDirectory()

        var environment = ProcessInfo.processInfo.environment
        environment["TILLIT_DATA_DIR"] = dataDirectory.path
        for (name, address) in resolved { environment[name.addressVariable] = address.description }
        // The development PKI, made once; services find it under the data folder by default.
        let tlsFolder = TLSSettings.developmentFolder(dataDirectory: dataDirectory.path)
        let usesDevelopmentPKI = ServiceName.allCases.contains { name in
            let settings = try? TLSSettings.read(
                name: name.rawValue, dataDirectory: dataDirectory.path, environment: environment)
            return settings?.developmentFolder != nil
        }
        if usesDevelopmentPKI {
            try DevelopmentPKI.ensure(in: tlsFolder, names: ServiceName.allCases.map(\.rawValue))
        }
        func security(_ name: ServiceName) throws -> TransportSecurity {
            do {
                return try TLSSettings.clientSecurity(for: name, environment: environment)
            } catch let error as ConfigurationError {
                throw ValidationError(error.description)
            }
        }

        let specs = try ServiceName.allCases.compactMap { name throws -> StackServiceSpec? in
            let executable = binaries.appendingPathComponent("tillit-\(name.rawValue)").path
            guard FileManager.default.isExecutableFile(atPath: executable) else { return nil }
            return StackServiceSpec(
                name: name.rawValue, executable: executable, environment: environment,
                address: resolved[name]!, transportSecurity: try security(name))
        }
        guard !specs.isEmpty else {
            Terminal.say(
                "No service executables (tillit-identity, …) in \(binaries.path); build them with `swift build`."
            )
            throw CLIExitCode.unavailable.exitCode
        }
        Terminal.say(
            "Starting \(specs.map(\.name).joined(separator: ", ")); data in \(dataDirectory.path). Ctrl-C stops."
        )
        // The demo seeder talks to Identity at the address it reported (its port may be 0 here).
        let seeding =
            demo ? DemoSeeding(dataDirectory: dataDirectory, security: try security(.identity)) : nil
        let launcher = StackLauncher(services: specs, logDirectory: logDirectory) { event in
            Terminal.say(Self.describe(event))
            if let seeding, case .serving(ServiceName.identity.rawValue, _, let address) = event {
                seeding.start(identity: address)
            }
        }
        var logger = Logger(label: "tillit.stack")
        logger.logLevel = .warning
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: launcher)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        seeding?.cancel()
        Terminal.say("All services stopped.")
    }

    static func describe(_ event: StackEvent) -> String {
        func line(_ service: String, _ status: String, _ detail: String) -> String {
            service.padding(toLength: 12, withPad: " ", startingAt: 0)
                + status.padding(toLength: 14, withPad: " ", startingAt: 0) + detail
        }
        switch event {
        case .started(let service, let pid): return line(service, "STARTING", "pid \(pid)")
        case .serving(let service, let pid, let address):
            return line(service, Terminal.colour("SERVING", ok: true), "\(address) pid \(pid)")
        case .crashed(let service, let status, let retryIn):
            return line(
                service, Terminal.colour("CRASHED", ok: false), "exit \(status); restarting in \(retryIn)")
        case .failedToStart(let service, let reason):
            return line(service, Terminal.colour("FAILED", ok: false), reason)
        case .stopped(let service): return line(service, "STOPPED", "")
        }
    }

    private static func ownDirectory() -> URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }
}
