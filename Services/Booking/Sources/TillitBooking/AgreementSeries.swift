import Logging
import ServiceLifecycle

/// Keeps every active agreement's series booked 4 weeks ahead: tops up at start and then
/// every `interval`, until graceful shutdown. Work with no user behind it, so it stays inside
/// Booking (nothing is asked of Identity). Safe across restarts and crashes: each occurrence is
/// one unique row, made in the transaction that books it.
struct AgreementSeries: Service {
    let store: BookingStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let made = try await store.topUpAllSeries()
                    if made > 0 { logger.info("series topped up", metadata: ["occurrences": "\(made)"]) }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("series top-up failed; next try later", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
