import Logging
import ServiceLifecycle

/// Booking's work with no user behind it, every `interval` from start until graceful shutdown,
/// inside Booking (nothing is asked of Identity): expired waitlist offers pass to the next
/// entry, and every active agreement's series is topped up to 4 weeks ahead. Safe across
/// restarts and crashes: each occurrence is one unique row made in the transaction that books
/// it, and an offer changes state in the transaction that passes it on.
struct BookingHousekeeping: Service {
    let store: BookingStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let expired = try await store.expireWaitlistOffers()
                    if expired > 0 {
                        logger.info("waitlist offers expired", metadata: ["offers": "\(expired)"])
                    }
                    let made = try await store.topUpAllSeries()
                    if made > 0 { logger.info("series topped up", metadata: ["occurrences": "\(made)"]) }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("housekeeping failed; next try later", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
