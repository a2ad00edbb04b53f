import Foundation
import Synchronization
import TillitServiceKit

/// Where each service of the stack is SERVING right now (the address from its ready file), for
/// the services that depend on it; a service that crashed or stopped has no entry until it is
/// SERVING again.
final class StackAddressBook: Sendable {
    private let addresses = Mutex<[String: ServiceAddress]>([:])

    /// Records that `service` is SERVING at `address`.
    func serving(_ service: String, at address: ServiceAddress) {
        addresses.withLock { $0[service] = address }
    }

    /// Records that `service` is no longer SERVING.
    func gone(_ service: String) {
        _ = addresses.withLock { $0.removeValue(forKey: service) }
    }

    /// The address of `service`, if it is SERVING.
    func address(of service: String) -> ServiceAddress? {
        addresses.withLock { $0[service] }
    }

    /// The addresses of all of `services`, or nil unless every one is SERVING.
    func addresses(of services: [String]) -> [String: ServiceAddress]? {
        addresses.withLock { book in
            var found: [String: ServiceAddress] = [:]
            for service in services {
                guard let address = book[service] else { return nil }
                found[service] = address
            }
            return found
        }
    }
}
