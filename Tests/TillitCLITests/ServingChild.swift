import Foundation
import TillitCLI
import TillitServiceKit
import TillitTesting

/// A service executable started for the CLI tests: `tillit-<name>` with `environment` and the
/// test PKI's certificate for `name`, its port read back from its ready file (it binds port 0),
/// then probed until SERVING over TLS. On failure the child is stopped and its log is in the
/// error.
enum ServingChild {
    static func start(_ executable: String, name: String, environment extra: [String: String]) async throws
        -> (child: ChildProcess, port: Int)
    {
        var environment = extra
        environment.merge(TestPKI.main.environment(for: name)) { current, _ in current }
        let child = try ChildProcess(executable: executable, environment: environment, name: name)
        do {
            let bound = try await child.boundAddress()
            let end = ContinuousClock.now + .seconds(60)
            let security = try TestPKI.main.client(serverName: name)
            while await HealthProbe.check(bound, timeout: .seconds(2), security: security) != .serving {
                guard ContinuousClock.now < end, child.exitStatus == nil else {
                    throw CLIError(.unavailable, "tillit-\(name) did not become SERVING; log:\n\(child.log)")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return (child, bound.port)
        } catch {
            child.stopInBackground()
            throw error
        }
    }
}
