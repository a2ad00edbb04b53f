import GRDB

// The typed account values are stored as their raw text, so records use the enums and the
// schema's CHECK constraints name the same strings.

extension Role: DatabaseValueConvertible {}
extension AccountKind: DatabaseValueConvertible {}
extension AccountStatus: DatabaseValueConvertible {}
extension Scope: DatabaseValueConvertible {}
extension LicenceStatus: DatabaseValueConvertible {}
