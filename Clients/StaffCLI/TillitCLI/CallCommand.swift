import ArgumentParser
import Foundation
import SwiftProtobuf
import TillitContracts
import TillitRPC
import TillitServiceKit

/// `tillit call`: a grpcurl-style generic client. The request is protobuf JSON (`--data`, or
/// standard input), sent with the signed-in session's token (none when no one is signed in, for
/// public methods); the answer is printed as protobuf JSON, the status and trace id on standard
/// error. Methods and their types come from the generated registry.
struct CallCommand: AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call any method of a service with a JSON request; print the JSON response.",
        discussion: """
            The request and response are protobuf JSON (field names in lowerCamelCase, as \
            generated; unknown fields are refused). Without --data, the request is read from \
            standard input when it is not a terminal, else it is {}. Exit status as for every \
            command: 0 OK, 65 invalid input, 66 not found, 67 conflict, 69 unavailable, 77 not \
            allowed, 70 internal.

            Examples:
              tillit call --list                          # every method of every service
              tillit call --list booking
              tillit call identity GetOrganization
              tillit call booking SearchSlots --data '{"sessionTypeId":"…","city":"Stockholm"}'
              echo '{"olderThanDays":7}' | tillit call notes ListStaleDrafts
              tillit call booking Health/Check --data '{"service":"tillit.booking.v1.Booking"}'
            """)

    @Argument(help: "identity, booking, notes or supervision.")
    var service: String?

    @Argument(help: "The method: SearchSlots, Booking/SearchSlots or tillit.booking.v1.Booking/SearchSlots.")
    var method: String?

    @Option(help: "The request as protobuf JSON ('-' reads standard input).")
    var data: String?

    @Flag(help: "List the methods (of one service, or all) with their request and response types.")
    var list = false

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Double = 30

    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let service, ServiceName(rawValue: service) == nil {
            throw ValidationError("unknown service '\(service)'; use identity, booking, notes or supervision")
        }
        if !list, service == nil || method == nil {
            throw ValidationError(
                "name a service and a method, e.g. `tillit call booking SearchSlots`, or use --list")
        }
        guard timeout > 0, timeout <= 300 else {
            throw ValidationError("--timeout must be between 0 and 300 seconds")
        }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            if list {
                let services =
                    service.flatMap(ServiceName.init(rawValue:)).map { [$0] } ?? ServiceName.allCases
                for name in services {
                    Terminal.say("\(name.rawValue):")
                    for signature in MethodCatalog.methods(of: name) {
                        Terminal.say("  " + MethodCatalog.describe(signature))
                    }
                }
                return
            }
            let name = ServiceName(rawValue: service!)!
            let signature = try MethodCatalog.find(method!, on: name)
            let payload = try Self.encodeRequest(try readRequest(), as: signature.requestType)
            let outcome = try await send(payload, to: signature, on: name)
            switch outcome {
            case .success(let response):
                let message: any SwiftProtobuf.Message
                do {
                    message = try signature.responseType.init(serializedBytes: response)
                } catch {
                    throw CLIError(
                        .internalError,
                        "\(name.rawValue) answered with bytes that are not a \(signature.responseType.protoMessageName)"
                    )
                }
                var options = JSONEncodingOptions()
                options.alwaysPrintEnumsAsInts = false
                Terminal.say(try Self.prettyJSON(message.jsonString(options: options)))
                Self.report("OK")
            case .failure(let error):
                Self.report("\(error.code)", message: error.message)
                throw CLIError(CLIExitCode(status: error.code), "\(error.code): \(error.message)")
            }
        }
    }

    /// The request's JSON text: `--data`, standard input (`-`, or no `--data` on a pipe), or `{}`.
    /// A secret (a field named `code` or like a password, secret, token or TOTP) is refused in `--data`:
    /// flag values land in shell history and `ps`, as every command's passwords never do.
    private func readRequest() throws -> String {
        if let data, data != "-" {
            if let field = Self.secretField(in: data) {
                throw CLIError(
                    .usage,
                    "'\(field)' looks like a secret: pass this request on standard input (`--data -`), not as a flag value"
                )
            }
            return data
        }
        if data == "-" || isatty(STDIN_FILENO) == 0 {
            let bytes = FileHandle.standardInput.readDataToEndOfFile()
            let text = String(decoding: bytes, as: UTF8.self)
            return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "{}" : text
        }
        return "{}"
    }

    /// The first field name in `json` that names a secret, if any.
    static func secretField(in json: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) else { return nil }
        func search(_ value: Any) -> String? {
            if let dictionary = value as? [String: Any] {
                for (key, inner) in dictionary.sorted(by: { $0.key < $1.key }) {
                    let lower = key.lowercased()
                    if lower == "code"
                        || ["password", "secret", "token", "totp"].contains(where: lower.contains)
                    {
                        return key
                    }
                    if let found = search(inner) { return found }
                }
            } else if let array = value as? [Any] {
                for inner in array { if let found = search(inner) { return found } }
            }
            return nil
        }
        return search(object)
    }

    /// The request encoded in binary; a JSON that is not the request type is invalid input.
    static func encodeRequest(_ json: String, as type: any SwiftProtobuf.Message.Type) throws -> Data {
        do {
            let message = try type.init(jsonString: json)
            return try message.serializedBytes()
        } catch {
            throw CLIError(
                .invalidInput,
                "the request is not a \(type.protoMessageName) in protobuf JSON: \(describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case JSONDecodingError.unknownField(let field): "unknown field '\(field)'"
        case JSONDecodingError.malformedNumber: "a number is malformed"
        case JSONDecodingError.unrecognizedEnumValue: "an enum value is not one of the enum's names"
        case JSONDecodingError.truncated: "the JSON ends too early"
        case JSONDecodingError.trailingGarbage: "there is text after the JSON object"
        default: "\(error)"
        }
    }

    /// Sends the call with the session's token (refreshed as every command does), or without one
    /// when no one is signed in; a status other than OK is the outcome, not a thrown error.
    private func send(_ payload: Data, to signature: MethodSignature, on service: ServiceName) async throws
        -> Result<Data, RPCError>
    {
        let timeout = Duration.milliseconds(Int64(self.timeout * 1000))
        if try SessionStore().load() == nil {
            return try await withPeerClient(service) { rpc, _ in
                await Self.outcome {
                    try await rpc.call(
                        signature.descriptor, payload: payload, options: Self.anonymousOptions(timeout))
                }
            }
        }
        return try await withPeer(service) { rpc, _, call in
            let outcome = await Self.outcome {
                try await rpc.call(
                    signature.descriptor, payload: payload, options: Self.options(call, timeout))
            }
            // An expired token is refreshed and the call made once more.
            if case .failure(let error) = outcome, error.code == .unauthenticated { throw error }
            return outcome
        }
    }

    private static func outcome(_ body: () async throws -> (payload: Data, metadata: Metadata)) async
        -> Result<Data, RPCError>
    {
        do {
            return .success(try await body().payload)
        } catch let error as RPCError {
            return .failure(error)
        } catch {
            return .failure(RPCError(code: .unknown, message: "\(error)"))
        }
    }

    private static func options(_ call: IdentityCall, _ timeout: Duration) -> CallOptions {
        var options = call.options
        options.timeout = timeout
        return options
    }

    private static func anonymousOptions(_ timeout: Duration) -> CallOptions {
        var metadata = Metadata()
        metadata.add(Metadata.Key.traceparent, CommandTrace.header)
        return CallOptions(metadata: metadata, timeout: timeout)
    }

    /// Re-indents the encoder's compact JSON for people, keys sorted.
    static func prettyJSON(_ compact: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(compact.utf8), options: [.fragmentsAllowed])
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    private static func report(_ status: String, message: String = "") {
        let detail = message.isEmpty ? "" : " \(message)"
        FileHandle.standardError.write(
            Data("status: \(status)\(detail)\ntrace_id: \(CommandTrace.current.traceID)\n".utf8))
    }
}
