import Foundation
import SwiftProtobuf

/// A server-side method: a descriptor and a handler over serialized messages.
public struct RPCMethod: Sendable {
    /// Handles one call: takes the serialized request, returns the serialized response.
    public typealias Handler = @Sendable (_ request: Data, _ context: ServerContext) async throws -> Data

    /// The method this handles.
    public let descriptor: MethodDescriptor
    /// The handler.
    public let handler: Handler

    /// A method with a raw handler.
    public init(_ descriptor: MethodDescriptor, handler: @escaping Handler) {
        self.descriptor = descriptor
        self.handler = handler
    }

    /// A unary method over protobuf messages. An undecodable request yields `INTERNAL`.
    public static func unary<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ descriptor: MethodDescriptor,
        request: Request.Type = Request.self,
        response: Response.Type = Response.self,
        _ body: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) -> RPCMethod {
        RPCMethod(descriptor) { payload, context in
            let request: Request
            do {
                request = try Request(serializedBytes: payload)
            } catch {
                throw RPCError(
                    code: .internalError,
                    message: "could not decode request payload as \(Request.protoMessageName)",
                    cause: error)
            }
            let response = try await body(request, context)
            return try response.serializedBytes()
        }
    }
}

/// A set of methods served together; generated service protocols refine this.
public protocol RPCService: Sendable {
    /// The methods of this service.
    var methods: [RPCMethod] { get }
}

/// Wraps every call the server handles, outermost first: authentication, logging, metrics.
public protocol ServerInterceptor: Sendable {
    /// Handles a call, usually by calling `next` with the same or a changed context.
    func intercept(
        _ request: Data,
        context: ServerContext,
        next: @Sendable (Data, ServerContext) async throws -> Data
    ) async throws -> Data
}
