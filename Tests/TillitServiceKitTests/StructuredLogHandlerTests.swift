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

    /// No caller-supplied value can end the line or forge another one: CR, VT, FF, ESC, DEL, C1
    /// controls and U+2028/U+2029 are all written escaped, in logfmt and in JSON.
    @Test func noControlCharacterReachesTheLineRaw() {
        let hostile = "ok\rlevel=critical msg=forged\u{0B}\u{0C}\u{1B}[31m\u{7F}\u{85}\u{2028}\u{2029}end"
        let logfmt = StructuredLogHandler.logfmt([("request_id", hostile)])
        let json = StructuredLogHandler.json([("request_id", hostile)])
        for line in [logfmt, json] {
            #expect(
                !line.unicodeScalars.contains { StructuredLogHandler.mustEscape($0) },
                "\(line.debugDescription)")
            #expect(line.split(whereSeparator: \.isNewline).count == 1, "\(line.debugDescription)")
        }
        #expect(
            logfmt
                == #"request_id="ok\rlevel=critical msg=forged\u{000B}\u{000C}\u{001B}[31m\u{007F}\u{0085}\u{2028}\u{2029}end""#
        )
        #expect(json.contains(#"\u000b\u000c\u001b[31m\u007f\u0085\u2028\u2029end"#), "\(json)")
        // A backslash alone is quoted and escaped, so an escape sequence cannot be smuggled in.
        #expect(StructuredLogHandler.logfmt([("p", #"a\nb"#)]) == #"p="a\\nb""#)
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
                duration: .microseconds(1234), requestID: "req-1",
                traceID: "0af7651916cd43dd8448eb211c80319c", peer: "127.0.0.1:5000", cause: nil))
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
        #expect(lines[0].contains("trace_id=0af7651916cd43dd8448eb211c80319c"))
        #expect(!lines[1].contains("trace_id"))
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
