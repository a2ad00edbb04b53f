import Foundation
import Synchronization

@testable import TillitRPC

/// Holds handler calls until the test opens them, so that a test decides when a call finishes
/// instead of a timer. Records `start:`, `done:` and `cancelled:` events in `probe`.
final class Gate: Sendable {
    private enum Entry {
        case waiting(CheckedContinuation<Void, any Error>)
        case open
        case cancelled
    }

    /// What the held calls did.
    let probe = Probe()
    private let entries = Mutex<[String: Entry]>([:])

    /// Waits until `open(name)` or cancellation.
    func wait(_ name: String) async throws {
        probe.record("start:\(name)")
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation {
                    (continuation: CheckedContinuation<Void, any Error>) in
                    let ready: Result<Void, any Error>? = entries.withLock { entries in
                        switch entries[name] {
                        case .open: return .success(())
                        case .cancelled: return .failure(CancellationError())
                        case .waiting, nil:
                            if Task.isCancelled { return .failure(CancellationError()) }
                            entries[name] = .waiting(continuation)
                            return nil
                        }
                    }
                    if let ready { continuation.resume(with: ready) }
                }
            } onCancel: {
                let waiter: CheckedContinuation<Void, any Error>? = entries.withLock { entries in
                    guard case .waiting(let waiter) = entries[name] else { return nil }
                    entries[name] = .cancelled
                    return waiter
                }
                waiter?.resume(throwing: CancellationError())
            }
        } catch {
            probe.record("cancelled:\(name)")
            throw error
        }
        probe.record("done:\(name)")
    }

    /// Lets the call waiting as `name` (or the next one to) finish.
    func open(_ name: String) {
        let waiter: CheckedContinuation<Void, any Error>? = entries.withLock { entries in
            defer { entries[name] = .open }
            guard case .waiting(let waiter) = entries[name] else { return nil }
            return waiter
        }
        waiter?.resume()
    }
}

/// Methods for the handler-level tests: `Hold` waits at the gate for the name in its payload,
/// `Quick` answers its payload at once, `Size` the payload's size in decimal.
struct GateService: RPCService {
    static let hold = MethodDescriptor(service: "tillit.testing.v1.Gate", method: "Hold")
    static let quick = MethodDescriptor(service: "tillit.testing.v1.Gate", method: "Quick")
    static let size = MethodDescriptor(service: "tillit.testing.v1.Gate", method: "Size")

    let gate: Gate

    var methods: [RPCMethod] {
        [
            RPCMethod(Self.hold) { payload, _ in
                try await gate.wait(String(decoding: payload, as: UTF8.self))
                return payload
            },
            RPCMethod(Self.quick) { payload, _ in payload },
            RPCMethod(Self.size) { payload, _ in Data(String(payload.count).utf8) },
        ]
    }
}
