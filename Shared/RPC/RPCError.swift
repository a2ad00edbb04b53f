import Foundation

/// An error carried on the wire: a status code, a message for the caller, optional typed
/// details, and (locally only, never sent) the underlying cause.
public struct RPCError: Error, Sendable, CustomStringConvertible {
    /// A typed detail, shaped like `google.protobuf.Any`.
    public struct Detail: Sendable, Hashable {
        /// Identifies the type of `value`, e.g. `type.googleapis.com/tillit.common.v1.Field`.
        public var typeURL: String
        /// The serialized detail message.
        public var value: Data

        /// A detail of the given type.
        public init(typeURL: String, value: Data) {
            self.typeURL = typeURL
            self.value = value
        }
    }

    /// The status code.
    public var code: StatusCode
    /// A message safe to show the caller: no stack traces, SQL or secrets.
    public var message: String
    /// Typed details.
    public var details: [Detail]
    /// What caused this error, for local logging only; never sent on the wire.
    public var cause: (any Error)?

    /// An error with a code and a message.
    public init(code: StatusCode, message: String, details: [Detail] = [], cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.cause = cause
    }

    /// `CODE: message`.
    public var description: String {
        message.isEmpty ? code.description : "\(code): \(message)"
    }
}

/// A domain error that knows its wire status. Handlers throw these; the server maps them to
/// `RPCError` at the boundary. Any other error becomes `INTERNAL` with a generic message.
public protocol RPCErrorConvertible: Error {
    /// The wire form of this error.
    var rpcError: RPCError { get }
}

extension RPCError: RPCErrorConvertible {
    /// Itself.
    public var rpcError: RPCError { self }
}

extension RPCError {
    /// The wire status for any error thrown by a handler or interceptor. Errors that are not
    /// `RPCErrorConvertible` become `INTERNAL` with a generic message, so no internals leak.
    public static func boundary(_ error: any Error) -> RPCError {
        if let convertible = error as? any RPCErrorConvertible {
            return convertible.rpcError
        }
        if error is CancellationError {
            return RPCError(code: .cancelled, message: "call cancelled", cause: error)
        }
        return RPCError(code: .internalError, message: "internal error", cause: error)
    }
}
