import Foundation

/// Maps wire paths to handlers with the interceptor chain already applied, built once at start.
struct Router: Sendable {
    /// A routed method: its descriptor and the handler wrapped in every interceptor.
    struct Route: Sendable {
        let descriptor: MethodDescriptor
        let handler: RPCMethod.Handler
    }

    private let routes: [String: Route]

    /// A router for the services' methods, each wrapped in `interceptors` (first is outermost).
    init(services: [any RPCService], interceptors: [any ServerInterceptor]) {
        var routes: [String: Route] = [:]
        for service in services {
            for method in service.methods {
                var handler = method.handler
                for interceptor in interceptors.reversed() {
                    let next = handler
                    handler = { request, context in
                        try await interceptor.intercept(request, context: context, next: next)
                    }
                }
                precondition(
                    routes[method.descriptor.path] == nil, "method \(method.descriptor) registered twice")
                routes[method.descriptor.path] = Route(descriptor: method.descriptor, handler: handler)
            }
        }
        self.routes = routes
    }

    /// The route for a wire path.
    func route(_ path: String) -> Route? {
        routes[path]
    }

    /// The services that have at least one route.
    var serviceNames: Set<String> {
        Set(routes.values.map(\.descriptor.service))
    }
}
