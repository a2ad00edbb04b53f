import Foundation

/// The repository's files, for tests that read or run what is committed (the README, the
/// compose file, the example clients).
public enum SourceTree {
    /// The repository's root folder (this file is `Tests/TillitHarnessKit/SourceTree.swift`).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
}
