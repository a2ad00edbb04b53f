import Foundation
import Logging
import TillitStorage

extension ServiceExit {
    /// What `tillit-<service> serve` does: reads `service`'s shared configuration, bootstraps
    /// logging, runs the host `makeHost` builds (with the service's own configuration, read by
    /// `makeHost`) until SIGTERM or SIGINT, and returns the exit status.
    public static func serve(
        _ service: ServiceName, _ makeHost: (ServiceConfiguration, Logger) throws -> ServiceHost
    ) async -> Int32 {
        await run("tillit-\(service.rawValue)") {
            let configuration = try ServiceConfiguration(service: service)
            TillitLogging.bootstrap(configuration)
            // Before anything makes a counter: a metric made earlier would record nowhere.
            ServiceMetrics.bootstrap()
            let logger = Logger(label: "tillit.\(service.rawValue)")
            let host = try makeHost(configuration, logger)
            logger.info(
                "starting",
                metadata: [
                    "address": "\(configuration.listenAddress.host):\(configuration.listenAddress.port)"
                ])
            try await host.run()
        }
    }

    /// What `tillit-<service> backup <path>` does: opens the service's database with `open`
    /// (migrated, with the audit keys), writes an online backup to `path` with each
    /// organisation's audit checkpoint beside it, prints where, closes the database with `close`,
    /// and returns the exit status.
    public static func backup<Database>(
        _ service: ServiceName, to path: String,
        open: (_ path: String, _ auditKeys: AuditKeys, _ logger: Logger) throws -> Database,
        database: (Database) -> ServiceDatabase, close: (Database) throws -> Void
    ) async -> Int32 {
        await run("tillit-\(service.rawValue) backup") {
            let configuration = try ServiceConfiguration(service: service)
            TillitLogging.bootstrap(configuration)
            let logger = Logger(label: "tillit.\(service.rawValue).backup")
            let opened = try open(configuration.databasePath, try AuditKeys.load(configuration), logger)
            defer { try? close(opened) }
            for line in try AuditBackup.writeReporting(database(opened), to: path) { print(line) }
        }
    }
}
