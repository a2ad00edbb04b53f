import Foundation
import Synchronization
import Testing
import TillitContracts
import TillitTesting

@testable import TillitRPC

/// W3C `traceparent`: what is taken from the caller, what starts a new trace, and that one trace
/// id follows a call through a service that calls another.
@Suite(.timeLimit(.minutes(2))) struct TraceContextTests {
    private static let valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    @Test func aValidTraceparentIsContinued() {
        let trace = TraceContext(receiving: Self.valid)
        #expect(trace.traceID == "0af7651916cd43dd8448eb211c80319c")
        #expect(trace.parentID == "b7ad6b7169203331")
        #expect(trace.flags == 1)
        #expect(trace.spanID.utf8.count == 16)
        #expect(trace.spanID != "b7ad6b7169203331")
        #expect(trace.headerForChildren == "00-0af7651916cd43dd8448eb211c80319c-\(trace.spanID)-01")
    }

    @Test func aLaterVersionWithMoreFieldsIsReadAsVersion00() {
        let trace = TraceContext(
            receiving: "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-what-ever")
        #expect(trace.traceID == "0af7651916cd43dd8448eb211c80319c")
        #expect(trace.flags == 0)
    }

    @Test(arguments: [
        "",
        "garbage",
        "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01",  // upper case
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",  // zero trace id
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",  // zero parent id
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  // forbidden version
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",  // 00 has exactly 4 fields
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0g",
        "00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01x",
    ])
    func aMalformedTraceparentStartsANewTrace(_ header: String) {
        let trace = TraceContext(receiving: header)
        #expect(trace.parentID == nil)
        #expect(trace.traceID != "0af7651916cd43dd8448eb211c80319c")
        #expect(TraceContext.parse(trace.headerForChildren) != nil)
    }

    @Test func newIdsAreWellFormedAndDoNotRepeat() {
        var traces = Set<String>()
        var spans = Set<String>()
        for _ in 0..<10_000 {
            let trace = TraceContext.start()
            #expect(TraceContext.parse(trace.headerForChildren)?.traceID == trace.traceID)
            traces.insert(trace.traceID)
            spans.insert(trace.spanID)
        }
        #expect(traces.count == 10_000)
        #expect(spans.count == 10_000)
    }

    /// Sees every finished call.
    final class Recorder: CallObserver {
        private let summaries = Mutex<[CallSummary]>([])
        func callFinished(_ summary: CallSummary) { summaries.withLock { $0.append(summary) } }
        var recorded: [CallSummary] { summaries.withLock { $0 } }
    }

    /// A caller's trace reaches the service behind the one it called; without one, the first
    /// server starts a trace that the second continues. Both log the same trace id.
    @Test(arguments: [true, false])
    func oneTraceIDAcrossARelayedCall(callerSendsTrace: Bool) async throws {
        let upstreamCalls = Recorder()
        let downstreamCalls = Recorder()
        try await withRPCServer(services: [EchoService()], observers: [downstreamCalls], logger: quietLogger)
        {
            downstream in
            let downstreamClient = RPCClient(host: "127.0.0.1", port: try await downstream.localPort)
            defer { downstreamClient.close() }
            try await withRPCServer(
                services: [EchoService(relayTarget: downstreamClient)], observers: [upstreamCalls],
                logger: quietLogger
            ) { upstream in
                try await withRPCClient(host: "127.0.0.1", port: try await upstream.localPort) { client in
                    var options = CallOptions(timeout: .seconds(30))
                    if callerSendsTrace { options.metadata[Metadata.Key.traceparent] = Self.valid }
                    let response = try await client.unary(
                        EchoService.relay, request: echoRequest("traced"),
                        response: Tillit_Testing_V1_EchoResponse.self, options: options)
                    let relayed = try #require(
                        response.seenMetadata.first { $0.hasPrefix("traceparent=") }?.dropFirst(
                            "traceparent=".count))
                    // Observers hear of a call just after its answer is handed to the connection.
                    #expect(
                        await eventually {
                            !upstreamCalls.recorded.isEmpty && !downstreamCalls.recorded.isEmpty
                        })
                    let upstreamCall = try #require(upstreamCalls.recorded.first)
                    let downstreamCall = try #require(downstreamCalls.recorded.first)
                    #expect(upstreamCall.traceID.utf8.count == 32)
                    #expect(downstreamCall.traceID == upstreamCall.traceID)
                    if callerSendsTrace {
                        #expect(upstreamCall.traceID == "0af7651916cd43dd8448eb211c80319c")
                    }
                    // The downstream call's parent is the upstream call's span, not the caller's.
                    let parent = try #require(TraceContext.parse(String(relayed)))
                    #expect(parent.traceID == upstreamCall.traceID)
                    #expect(parent.parentID != "b7ad6b7169203331")
                }
            }
        }
    }
}
