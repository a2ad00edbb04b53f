import Logging
import Testing
import TillitRPC

@testable import TillitServiceKit

@Suite(.timeLimit(.minutes(2))) struct StructuredLogHandlerTests {
    @Test func logfmtQuotesAndEscapes() {
        let line = StructuredLogHandler.logfmt([
            ("a", "plain"), ("b", "two words"), ("c", "say \"hi\"\nbye"), ("d", ""),
        ])
        #expect(line == #"a=plain b="two words" c="say \"hi\"\nbye" d="""#)
    }

    @Test func jsonEscapesControlCharacters() {
        let line = StructuredLogHandler.json([("msg", "tab\there \"q\" \u{1}")])
        #expect(line == #"{"msg":"tab\there \"q\" \u0001"}"#)
    }

    @Test func callObserverWritesOneLinePerCall() {
        let sink = LogSink.memory()
        let logger = Logger(label: "tillit.test") { label in
            StructuredLogHandler(label: label, level: .info, format: .logfmt, sink: sink)
        }
        let observer = LoggingCallObserver(logger: logger)
        observer.callFinished(
            CallSummary(
                path: "/tillit.testing.v1.Echo/Echo", code: .notFound, message: "no such thing",
                duration: .microseconds(1234), requestID: "req-1", peer: "127.0.0.1:5000", cause: nil))
        observer.callFinished(
            CallSummary(
                path: "/tillit.testing.v1.Echo/Echo", code: .internalError, message: "internal error",
                duration: .microseconds(5), requestID: "req-2", peer: "127.0.0.1:5000", cause: nil))
        let lines = sink.captured
        #expect(lines.count == 2)
        #expect(lines[0].contains("level=info"))
        #expect(lines[0].contains("method=/tillit.testing.v1.Echo/Echo"))
        #expect(lines[0].contains("status=NOT_FOUND"))
        #expect(lines[0].contains("duration_us=1234"))
        #expect(lines[0].contains("request_id=req-1"))
        #expect(lines[1].contains("level=error"))
    }

    @Test func levelBelowThresholdIsDropped() {
        let sink = LogSink.memory()
        let logger = Logger(label: "tillit.test") { label in
            StructuredLogHandler(label: label, level: .warning, format: .json, sink: sink)
        }
        logger.info("hidden")
        logger.warning("shown", metadata: ["k": "v"])
        #expect(sink.captured.count == 1)
        #expect(sink.captured[0].contains(#""msg":"shown""#))
        #expect(sink.captured[0].contains(#""k":"v""#))
    }
}
