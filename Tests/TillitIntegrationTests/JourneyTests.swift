import Foundation
import Testing
import TillitIntegration
import TillitTesting

/// The care journeys (docs/integration.md) across the four real executables, started as local
/// processes on port 0 with a fresh data folder (`IntegrationStack.withLocalProcesses`); a failure
/// prints every service's log. The same journeys run against a compose stack through
/// `tillit-integration`.
@Suite(.timeLimit(.minutes(10))) struct JourneyTests {
    @Test(arguments: Journey.all.map(\.name))
    func journey(_ name: String) async throws {
        let journey = try #require(Journey.all.first { $0.name == name })
        try await IntegrationStack.withLocalProcesses { try await journey.run($0) }
    }

    @Test func eachServiceKilledMidJourneyAndRestarted() async throws {
        try await IntegrationStack.withLocalProcesses { try await Journey.crashes.run($0) }
    }
}
