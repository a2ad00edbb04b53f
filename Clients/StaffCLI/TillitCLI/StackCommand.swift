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

            Booking (and every service but Identity) starts once Identity is SERVING, with the \
            address Identity reported in TILLIT_IDENTITY_ADDR, and is restarted if Identity comes \
            back at another address. Notes also waits for Booking (TILLIT_BOOKING_ADDR), which it \
            asks about care relationships; Supervision waits for Identity, Booking and Notes \
            (TILLIT_NOTES_ADDR too).

            With --demo, once Identity is SERVING and its database is empty, a demo practice is \
            created through the API and the way to log in is printed (again on later runs); once \
            Booking is SERVING too, its demo data (session types, the practitioners' weekly \
            availability, a few appointments) is created through Booking's API, also once; then, \
            once Notes is SERVING, a few demo notes (Björn's signed session note and a shared note \
            for his client Ida), also once; and once Supervision is SERVING, Dana's supervision of \
            the pre-licensed Gustav (every note co-signed) and the practice's hour categories.

            Examples:
              tillit stack up --data-dir ./.tillit-data
              tillit stack up --demo
              tillit stack up --identity-addr 127.0.0.1:0 --booking-addr 127.0.0.1:0 \\
                --notes-addr 127.0.0.1:0                                              # any free ports
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
        // Every service serves Prometheus metrics on a loopback port of its own choosing (the
        // launcher prints the URLs) unless the environment names an address.
        for name in ServiceName.allCases where (environment[name.metricsAddressVariable] ?? "").isEmpty {
            environment[name.metricsAddressVariable] = "127.0.0.1:0"
        }
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

        func executable(_ name: ServiceName) -> String? {
            let path = binaries.appendingPathComponent("tillit-\(name.rawValue)").path
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        // A dependency of the stack (when it is built): the dependent starts once it is SERVING,
        // with the address it reported (its port may be 0).
        func dependency(_ name: ServiceName) -> [StackDependency] {
            executable(name) == nil
                ? [] : [StackDependency(service: name.rawValue, environmentVariable: name.addressVariable)]
        }
        // Every other service checks tokens with Identity's keys and asks it about accounts;
        // Notes also asks Booking about care relationships; Supervision asks all three.
        func dependencies(of name: ServiceName) -> [StackDependency] {
            switch name {
            case .identity: []
            case .notes: dependency(.identity) + dependency(.booking)
            case .supervision: dependency(.identity) + dependency(.booking) + dependency(.notes)
            default: dependency(.identity)
            }
        }
        let specs = try ServiceName.allCases.compactMap { name throws -> StackServiceSpec? in
            guard let path = executable(name) else { return nil }
            return StackServiceSpec(
                name: name.rawValue, executable: path, environment: environment,
                address: resolved[name]!, transportSecurity: try security(name),
                dependencies: dependencies(of: name))
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
        // The demo seeder talks to each service at the address it reported
        // (their ports may be 0 here).
        let runsBooking = specs.contains { $0.name == ServiceName.booking.rawValue }
        let runsNotes = runsBooking && specs.contains { $0.name == ServiceName.notes.rawValue }
        let runsSupervision = runsNotes && specs.contains { $0.name == ServiceName.supervision.rawValue }
        let seeding =
            demo
            ? DemoSeeding(
                dataDirectory: dataDirectory, security: try security(.identity),
                bookingSecurity: runsBooking ? try security(.booking) : nil,
                notesSecurity: runsNotes ? try security(.notes) : nil,
                supervisionSecurity: runsSupervision ? try security(.supervision) : nil) : nil
        let launcher = StackLauncher(services: specs, logDirectory: logDirectory) { event in
            Terminal.say(Self.describe(event))
            if let seeding, case .serving(let service, _, let address) = event {
                switch service {
                case ServiceName.identity.rawValue: seeding.start(identity: address)
                case ServiceName.booking.rawValue: seeding.booking(at: address)
                case ServiceName.notes.rawValue: seeding.notes(at: address)
                case ServiceName.supervision.rawValue: seeding.supervision(at: address)
                default: break
                }
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
        case .metrics(let service, let address): return line(service, "METRICS", "http://\(address)/metrics")
        case .waiting(let service, let dependencies):
            return line(service, "WAITING", "for \(dependencies.joined(separator: ", ")) to be SERVING")
        case .dependencyMoved(let service, let dependency, let address):
            return line(service, "RESTARTING", "\(dependency) is now at \(address)")
        }
    }

    private static func ownDirectory() -> URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }
}
