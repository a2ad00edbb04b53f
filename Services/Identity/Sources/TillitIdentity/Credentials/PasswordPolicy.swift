/// What a new password must satisfy: a length floor and a size ceiling, nothing else (no
/// composition rules, per NIST SP 800-63B).
public enum PasswordPolicy {
    /// Fewest characters (grapheme clusters, so "é" or an emoji counts as one).
    public static let minimumLength = 12
    /// Most UTF-8 bytes, which bounds the work spent on one password.
    public static let maximumBytes = 1024

    /// Checks a password chosen by a user.
    ///
    /// - Throws: `PasswordPolicyError` (`INVALID_ARGUMENT`): `.tooShort` with "password must be at
    ///   least 12 characters", `.tooLong` with "password is longer than 1024 bytes".
    public static func validate(_ password: String) throws {
        guard password.utf8.count <= maximumBytes else {
            throw PasswordPolicyError(
                code: .tooLong, message: "password is longer than \(maximumBytes) bytes")
        }
        guard password.count >= minimumLength else {
            throw PasswordPolicyError(
                code: .tooShort, message: "password must be at least \(minimumLength) characters")
        }
    }
}
