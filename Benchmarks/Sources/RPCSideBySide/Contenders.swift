/// Runs the contender `options.implementation` names.
enum Contenders {
    /// Starts that implementation's server and client in this process and measures them.
    static func run(_ options: BenchOptions) async throws -> BenchResult {
        switch options.implementation {
        case .tillitTLS: try await TillitContender.run(tls: true, options: options)
        case .tillitPlain: try await TillitContender.run(tls: false, options: options)
        case .tillitPool:
            try await TillitContender.run(tls: false, handlersOnEventLoop: false, options: options)
        case .grpcHTTP2: try await GRPCContender.runHTTP2(options: options)
        case .grpcInProcess: try await GRPCContender.runInProcess(options: options)
        case .nioEcho: try await NIOEchoContender.run(options: options)
        }
    }
}
