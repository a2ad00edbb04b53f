/// Names one RPC method: `/package.Service/Method` on the wire.
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// The fully qualified service name, e.g. `tillit.health.v1.Health`.
    public let service: String
    /// The method name, e.g. `Check`.
    public let method: String
    /// The wire path, `/service/method`.
    public let path: String

    /// A descriptor for `method` of `service`.
    public init(service: String, method: String) {
        self.service = service
        self.method = method
        self.path = "/\(service)/\(method)"
    }

    /// The wire path.
    public var description: String { path }
}
