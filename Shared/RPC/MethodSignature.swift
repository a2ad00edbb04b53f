import SwiftProtobuf

/// A method with its request and response message types, as generated from the proto: what a
/// generic client (`tillit call`) needs to encode a request from JSON and decode the answer.
public struct MethodSignature: Sendable {
    /// The method's service and name.
    public let descriptor: MethodDescriptor
    /// The request message type.
    public let requestType: any SwiftProtobuf.Message.Type
    /// The response message type.
    public let responseType: any SwiftProtobuf.Message.Type

    /// The signature of `descriptor`.
    public init(
        _ descriptor: MethodDescriptor, request: any SwiftProtobuf.Message.Type,
        response: any SwiftProtobuf.Message.Type
    ) {
        self.descriptor = descriptor
        self.requestType = request
        self.responseType = response
    }
}

/// A service and its methods' signatures (generated as `<Namespace>.signature`).
public struct ServiceSignature: Sendable {
    /// The fully qualified service name, e.g. `tillit.booking.v1.Booking`.
    public let name: String
    /// Its methods, in proto order.
    public let methods: [MethodSignature]

    /// A service signature.
    public init(name: String, methods: [MethodSignature]) {
        self.name = name
        self.methods = methods
    }

    /// The proto package, e.g. `tillit.booking.v1`.
    public var package: String {
        name.split(separator: ".").dropLast().joined(separator: ".")
    }
}
