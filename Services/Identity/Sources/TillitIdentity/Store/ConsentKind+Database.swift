import GRDB

/// Consent kinds are stored as their raw text.
extension ConsentKind: DatabaseValueConvertible {}
