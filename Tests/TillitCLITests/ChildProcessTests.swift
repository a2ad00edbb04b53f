import Foundation
import Testing
import TillitCLI
import TillitServiceKit
import TillitTesting

/// The shared child-process helper: environment, bound address, stop, no process left behind.
@Suite(.timeLimit(.minutes(2))) struct ChildProcessTests {
    @Test func startsOnPortZeroAndReportsTheBoundAddress() async throws {
        let child = try ChildProcess(
            executable: Built.bench, arguments: ["serve", "--port", "0"], name: "bench")
        let address = try await child.boundAddress()
        #expect(address.host == "127.0.0.1" && address.port != 0)
        #expect(await HealthProbe.check(address, timeout: .seconds(10)) == .serving)
        #expect(child.log.contains("PORT \(address.port)"))
        let pid = child.pid
        #expect(await child.stop(grace: .seconds(5)) == 0)
        #expect(!isAlive(pid))
    }

    @Test func aChildThatExitsFirstFailsWithItsLog() async throws {
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "echo \"backtrace=$SWIFT_BACKTRACE\"; exit 4"])
        let failure = await #expect(throws: ChildProcess.Failure.self) {
            try await child.boundAddress(timeout: .seconds(20))
        }
        #expect(failure?.message.contains("status 4") == true, "\(String(describing: failure))")
        #expect(failure?.log.contains("backtrace=enable=no") == true, "\(String(describing: failure))")
    }

    @Test func releasingTheValueKillsTheChild() async throws {
        var child: ChildProcess? = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "exec sleep 60"])
        let pid = try #require(child?.pid)
        #expect(isAlive(pid))
        child = nil
        #expect(!isAlive(pid))
    }
}
