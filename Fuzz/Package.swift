// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for Tillit's parsers, kept out of the main package because they only link
/// with `--sanitize=fuzzer`. Run with scripts/fuzz-frames.
let package = Package(
    name: "TillitFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Tillit", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "FrameFuzzer",
            dependencies: [
                .product(name: "TillitRPC", package: "Tillit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
