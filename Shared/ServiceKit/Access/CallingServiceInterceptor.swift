import Foundation
import TillitRPC

/// Refuses a call whose `x-calling-service` claims a service unless the caller presented that
/// service's TLS client certificate (verified against the CA; its DNS names include the service
/// name). Callers that claim nothing (staff, users, the CLI) pass without a certificate.
public struct CallingServiceInterceptor: ServerInterceptor {
    /// The interceptor.
    public init() {}

    /// Checks the claim, then calls `next`.
    public func intercept(
        _ request: Data,
        context: ServerContext,
        next: @Sendable (Data, ServerContext) async throws -> Data
    ) async throws -> Data {
        if let claim = context.metadata[Caller.callingServiceKey], !claim.isEmpty {
            guard let service = ServiceName(rawValue: claim) else {
                throw RPCError(
                    code: .invalidArgument, message: "\(Caller.callingServiceKey) is not a Tillit service")
            }
            guard context.peerCertificateNames.contains(service.rawValue) else {
                throw RPCError(
                    code: .permissionDenied,
                    message:
                        "\(Caller.callingServiceKey) '\(service.rawValue)' needs that service's TLS client certificate"
                )
            }
        }
        return try await next(request, context)
    }
}
