import Foundation

/// A service of the stack that another needs before it can start, and how the dependent learns
/// where it is: the launcher starts the dependent only once the dependency is SERVING, with the
/// address the dependency reported in its ready file in `environmentVariable` (so a dependency
/// told to use port 0 is still found), and restarts the dependent when that address changes.
public struct StackDependency: Sendable, Equatable {
    /// The dependency's name in the launcher (`StackServiceSpec.name`), e.g. `identity`.
    public var service: String
    /// The variable of the dependent's environment that gets the address, e.g.
    /// `TILLIT_IDENTITY_ADDR`.
    public var environmentVariable: String

    /// A dependency on `service`, whose address goes into `environmentVariable`.
    public init(service: String, environmentVariable: String) {
        self.service = service
        self.environmentVariable = environmentVariable
    }
}
