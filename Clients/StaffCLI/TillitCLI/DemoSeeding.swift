import Foundation
import Synchronization
import TillitRPC
import TillitServiceKit

/// The demo seeder of `tillit stack up --demo`, started once Identity has reported the address
/// it bound (its port may have been 0) and is SERVING there; at most one runs.
final class DemoSeeding: Sendable {
    private let dataDirectory: URL
    private let security: TransportSecurity
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Seeding for the stack whose data is in `dataDirectory`, reaching Identity over `security`.
    init(dataDirectory: URL, security: TransportSecurity) {
        self.dataDirectory = dataDirectory
        self.security = security
    }

    /// Starts the seeder against Identity at `address`, unless it was started already.
    func start(identity address: ServiceAddress) {
        task.withLock { task in
            guard task == nil else { return }
            let dataDirectory = self.dataDirectory
            let security = self.security
            task = Task {
                await DemoSeeder(address: address, dataDirectory: dataDirectory, security: security) {
                    Terminal.say($0)
                }.run()
            }
        }
    }

    /// Stops the seeder if it is still running.
    func cancel() {
        task.withLock { $0?.cancel() }
    }
}
