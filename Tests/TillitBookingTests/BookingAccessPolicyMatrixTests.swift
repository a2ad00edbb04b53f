import Foundation
import Testing
import TillitBooking
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The gate of Booking's authorisation matrix, generated from `BookingAccessPolicy`: every
/// method of the proto called by every kind of caller against a real Booking, and the answer is
/// exactly what the method's rule says — UNAUTHENTICATED without a token, PERMISSION_DENIED from
/// the gate for a caller the rule does not admit, never a gate refusal for one it admits. The
/// finer cells (own appointments, own calendar, other organisations) are in
/// `BookingAuthorizationTests`.
@Suite(.timeLimit(.minutes(5)))
struct BookingAccessPolicyMatrixTests {
    @Test func theTableCoversEveryMethodAndNoneIsPublic() throws {
        try BookingAccessPolicy.policy.check(
            methods: Tillit_Booking_V1_Booking.Method.all,
            publicPaths: Tillit_Booking_V1_Booking.Method.publicPaths)
        #expect(BookingAccessPolicy.policy.rules.count == Tillit_Booking_V1_Booking.Method.all.count)
        #expect(BookingAccessPolicy.policy.publicPaths.isEmpty)
    }

    @Test func everyCallerOfEveryMethodGetsWhatTheRuleSays() async throws {
        try await withBooking { harness in
            let cells = try await expectGateMatchesPolicy(
                BookingAccessPolicy.policy, methods: Tillit_Booking_V1_Booking.Method.all,
                rpc: harness.bookingRPC,
                options: harness.options)
            #expect(cells == Tillit_Booking_V1_Booking.Method.all.count * Practice.Role.allCases.count)
        }
    }
}
