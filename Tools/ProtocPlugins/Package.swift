// swift-tools-version:6.0
// Code generators used by scripts/generate-protos. A package of its own so that the main package
// never builds them, and so that protoc-gen-swift is built from exactly the swift-protobuf
// version pinned here, the one the main package's runtime uses.
import PackageDescription

let package = Package(
    name: "TillitProtocPlugins",
    products: [
        .executable(name: "protoc-gen-tillit", targets: ["protoc-gen-tillit"]),
    ],
    dependencies: [
        // Keep in step with the swift-protobuf the main package resolves (Package.resolved).
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
    ],
    targets: [
        .target(
            name: "TillitStubGenerator",
            dependencies: [
                .product(name: "SwiftProtobufPluginLibrary", package: "swift-protobuf"),
            ],
            path: "Sources/TillitStubGenerator"
        ),
        .executableTarget(
            name: "protoc-gen-tillit",
            dependencies: ["TillitStubGenerator"],
            path: "Sources/protoc-gen-tillit"
        ),
        .testTarget(
            name: "TillitStubGeneratorTests",
            dependencies: ["TillitStubGenerator"],
            path: "Tests/TillitStubGeneratorTests"
        ),
    ]
)
