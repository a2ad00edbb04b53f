import ArgumentParser
import Foundation
import TillitIntegration

/// `tillit-integration`: runs the care journeys against a running stack (the compose
/// `integration` service) or against local processes it starts from the executables beside it.
@main
struct TillitIntegrationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tillit-integration",
        abstract: "Run Tillit's care journeys against the four services.",
        discussion: """
            Against a running stack (the default): TILLIT_IDENTITY_ADDR, TILLIT_BOOKING_ADDR, \
            TILLIT_NOTES_ADDR, TILLIT_SUPERVISION_ADDR (host:port), TILLIT_TLS_CA (the stack's CA), \
            TILLIT_IDENTITY_BOOTSTRAP_SECRET (Identity's; every journey bootstraps a practice of its \
            own). With --local, starts the four executables found next to this one as processes \
            (fresh data folder, port 0) and also runs the journey that kills and restarts them. \
            Exit 0 when every journey passed, 1 otherwise.
            """)

    @Flag(help: "Start the services as local processes instead of using running ones.")
    var local = false

    @Option(help: "Run only the journeys whose name contains this.")
    var only: String?

    func run() async throws {
        var failed = 0
        let journeys = Journey.all + (local ? [Journey.crashes] : [])
        for journey in journeys where only.map({ journey.name.contains($0) }) ?? true {
            let started = ContinuousClock.now
            do {
                if local {
                    try await IntegrationStack.withLocalProcesses { try await journey.run($0) }
                } else {
                    let stack = try IntegrationStack.atAddresses()
                    defer { stack.close() }
                    try await journey.run(stack)
                }
                print("PASS \(journey.name) (\(ContinuousClock.now - started))")
            } catch {
                failed += 1
                print("FAIL \(journey.name): \(error)")
            }
        }
        print(failed == 0 ? "all journeys passed" : "\(failed) journey(s) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
