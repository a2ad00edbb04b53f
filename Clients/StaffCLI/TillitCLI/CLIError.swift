import ArgumentParser
import Foundation
import TillitRPC
import TillitServiceKit

/// A failure `tillit` reports as one line on standard error, with the exit code scripts see.
public struct CLIError: Error, Sendable, CustomStringConvertible {
    /// The exit code.
    public var code: CLIExitCode
    /// What happened and what to do, in one line.
    public var message: String

    /// An error with an exit code and a message.
    public init(_ code: CLIExitCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// No session file: the user must log in first.
    static let notLoggedIn = CLIError(
        .auth, "not logged in: run `tillit login --org <organisation id> --email <e-mail>`")

    /// The refresh token no longer works (revoked, reused or expired).
    static let sessionEnded = CLIError(
        .auth, "session ended (refresh token revoked or expired): log in again with `tillit login`")

    /// The error for a failed call to `service` at `address`, with advice on what to do.
    init(_ error: RPCError, service: String, address: ServiceAddress) {
        let code = CLIExitCode(status: error.code)
        switch error.code {
        case .unavailable:
            self.init(
                code,
                "\(service) at \(address) is not reachable (\(error.message)): is the stack running? (`tillit stack up`)"
            )
        case .deadlineExceeded, .cancelled:
            self.init(
                code, "\(service) at \(address) did not answer in time: try again, or check `tillit health`")
        case .unauthenticated:
            self.init(
                code, "not logged in or session ended (\(error.message)): log in again with `tillit login`")
        case .permissionDenied:
            self.init(code, "not allowed: \(error.message) (ask an admin of your practice if you need this)")
        case .invalidArgument, .outOfRange:
            self.init(code, "invalid input: \(error.message)")
        case .notFound:
            self.init(code, "not found: \(error.message)")
        case .alreadyExists:
            self.init(code, "already exists: \(error.message)")
        case .failedPrecondition, .aborted:
            self.init(code, "refused: \(error.message)")
        case .resourceExhausted:
            self.init(code, "\(error.message)")
        default:
            self.init(code, "\(service) failed: \(error.message) (see the service's log)")
        }
    }
}

/// Runs a command body and turns every failure into one line on standard error and an exit
/// code; usage errors (`ValidationError`) and exit codes pass through to ArgumentParser.
enum CLIErrors {
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as CLIError {
            fail(error)
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch let error as RPCError {
            fail(CLIError(CLIExitCode(status: error.code), "call failed: \(error.message)"))
        } catch {
            fail(CLIError(.internalError, "unexpected failure: \(error)"))
        }
    }

    private static func fail(_ error: CLIError) -> Never {
        FileHandle.standardError.write(Data("tillit: \(error.message)\n".utf8))
        exit(error.code.rawValue)
    }
}
