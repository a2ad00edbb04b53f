// swift-tools-version:6.0
import PackageDescription

/// Swift 6 language mode everywhere; warnings are errors in CI (`-warnings-as-errors`).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Tillit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TillitRPC", targets: ["TillitRPC"]),
        .library(name: "TillitContracts", targets: ["TillitContracts"]),
        .library(name: "TillitStorage", targets: ["TillitStorage"]),
        .library(name: "TillitServiceKit", targets: ["TillitServiceKit"]),
        .library(name: "TillitCClient", targets: ["TillitCClient"]),
        .library(name: "TillitIdentity", targets: ["TillitIdentity"]),
        .executable(name: "tillit-identity", targets: ["TillitIdentityServer"]),
        .library(name: "TillitBooking", targets: ["TillitBooking"]),
        .executable(name: "tillit-booking", targets: ["TillitBookingServer"]),
        .library(name: "TillitNotes", targets: ["TillitNotes"]),
        .executable(name: "tillit-notes", targets: ["TillitNotesServer"]),
        .library(name: "TillitSupervision", targets: ["TillitSupervision"]),
        .executable(name: "tillit-supervision", targets: ["TillitSupervisionServer"]),
        .executable(name: "tillit-bench", targets: ["TillitBench"]),
        .executable(name: "tillit-integration", targets: ["TillitIntegrationRunner"]),
        .executable(name: "tillit", targets: ["tillit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // MARK: Shared
        .target(
            name: "TillitRPC",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/RPC",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TillitContracts",
            dependencies: [
                "TillitRPC",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Shared/Contracts",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TillitStorage",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/Storage",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TillitServiceKit",
            dependencies: [
                "TillitRPC",
                "TillitContracts",
                "TillitStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Shared/ServiceKit",
            swiftSettings: swiftSettings
        ),

        // MARK: C peers
        .systemLibrary(
            name: "CProtobufC",
            path: "Clients/C/CProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),
        .target(
            name: "TillitCClient",
            dependencies: ["CProtobufC"],
            path: "Clients/C/TillitCClient",
            // TLS through the system's OpenSSL (libssl-dev). NIOSSL's and swift-crypto's BoringSSL
            // symbols are prefixed, so both live in one binary (the interop tests).
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),

        // MARK: Staff CLI
        .target(
            name: "TillitCLI",
            dependencies: [
                "TillitRPC",
                "TillitContracts",
                "TillitServiceKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Clients/StaffCLI/TillitCLI",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tillit",
            dependencies: ["TillitCLI"],
            path: "Clients/StaffCLI/tillit",
            swiftSettings: swiftSettings
        ),

        // MARK: Services
        // Each service: a library (domain, store, handlers) tested in-process, and a thin
        // executable. Layout: Services/<Name>/Sources/{Tillit<Name>,Tillit<Name>Server}.
        .target(
            name: "TillitIdentity",
            dependencies: [
                "TillitRPC",
                "TillitContracts",
                "TillitStorage",
                "TillitServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Services/Identity/Sources/TillitIdentity",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TillitIdentityServer",
            dependencies: [
                "TillitIdentity",
                "TillitServiceKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Identity/Sources/TillitIdentityServer",
            swiftSettings: swiftSettings
        ),

        .target(
            name: "TillitBooking",
            dependencies: [
                "TillitRPC",
                "TillitContracts",
                "TillitStorage",
                "TillitServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/Booking/Sources/TillitBooking",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TillitBookingServer",
            dependencies: [
                "TillitBooking",
                "TillitServiceKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Booking/Sources/TillitBookingServer",
            swiftSettings: swiftSettings
        ),

        .target(
            name: "TillitNotes",
            dependencies: [
                "TillitRPC",
                "TillitContracts",
                "TillitStorage",
                "TillitServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/Notes/Sources/TillitNotes",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TillitNotesServer",
            dependencies: [
                "TillitNotes",
                "TillitServiceKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Notes/Sources/TillitNotesServer",
            swiftSettings: swiftSettings
        ),

        .target(
            name: "TillitSupervision",
            dependencies: [
                "TillitRPC",
                "TillitContracts",
                "TillitStorage",
                "TillitServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Supervision/Sources/TillitSupervision",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TillitSupervisionServer",
            dependencies: [
                "TillitSupervision",
                "TillitServiceKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Supervision/Sources/TillitSupervisionServer",
            swiftSettings: swiftSettings
        ),

        // MARK: Tools
        .executableTarget(
            name: "TillitBench",
            dependencies: [
                "TillitRPC",
                "TillitContracts",
                "TillitServiceKit",
                "TillitIdentity",
                "TillitBooking",
                "TillitNotes",
                "TillitSupervision",
                "TillitStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tools/TillitBench",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        // Shared test helpers (as HummingbirdTesting): every test target uses these instead of
        // its own copies — outcomes and RPC error expectations, a test clock, child processes.
        // What the test helpers and the integration runner share, free of Swift Testing: child
        // processes, the test PKI, TCP relays, the built executables' paths.
        .target(
            name: "TillitHarnessKit",
            dependencies: [
                "TillitRPC",
                "TillitServiceKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/TillitHarnessKit",
            swiftSettings: swiftSettings
        ),
        // The journeys across the four real services (docs/integration.md), run by
        // TillitIntegrationTests on local processes and by `tillit-integration` against a stack.
        .target(
            name: "TillitIntegration",
            dependencies: [
                "TillitHarnessKit",
                "TillitCLI",
                "TillitRPC",
                "TillitContracts",
                "TillitServiceKit",
            ],
            path: "Tests/TillitIntegration",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TillitIntegrationRunner",
            dependencies: [
                "TillitIntegration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/TillitIntegrationRunner",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TillitTesting",
            dependencies: [
                "TillitHarnessKit",
                // The Identity harness and practice every service's tests sign in through, and the
                // Booking harness of the services that call Booking.
                "TillitIdentity",
                "TillitBooking",
                // The Notes harness of the services that call Notes.
                "TillitNotes",
                "TillitRPC",
                "TillitContracts",
                "TillitServiceKit",
                "TillitStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TillitTesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TillitRPCTests",
            dependencies: [
                "TillitTesting",
                "TillitRPC",
                // Built for the process-level tests, which run `tillit-bench serve`.
                "TillitBench",
                "TillitContracts",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TillitRPCTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TillitStorageTests",
            dependencies: [
                "TillitTesting",
                "TillitStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TillitStorageTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TillitServiceKitTests",
            dependencies: [
                "TillitTesting",
                "TillitHarnessKit",
                "TillitServiceKit", "TillitRPC", "TillitContracts", "TillitStorage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/TillitServiceKitTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TillitCLITests",
            dependencies: [
                "TillitTesting",
                "TillitCLI",
                "TillitServiceKit",
                // An in-process foreign server for the stack launcher's tests.
                "TillitRPC",
                "tillit",
                // TOTP codes for the end-to-end tests, and `tillit-identity` built to run against.
                "TillitIdentity",
                "TillitIdentityServer",
                // `tillit-booking` built for the booking commands' and the stack's tests.
                "TillitBookingServer",
                // `tillit-notes` built for the notes commands' and the stack's tests.
                "TillitNotesServer",
                // `tillit-supervision` built for the supervision commands' and the stack's tests.
                "TillitSupervisionServer",
                // Built so the tests can run `tillit-bench serve` as a stand-in service.
                "TillitBench",
                // The generated registry `tillit call` is checked against.
                "TillitContracts",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TillitCLITests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TillitIdentityTests",
            dependencies: [
                "TillitTesting",
                "TillitIdentity",
                // Built for the process-level tests, which run `tillit-identity`.
                "TillitIdentityServer",
                "TillitRPC",
                "TillitContracts",
                "TillitStorage",
                "TillitServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/TillitIdentityTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TillitBookingTests",
            dependencies: [
                "TillitTesting",
                "TillitBooking",
                // Booking calls a real Identity, in-process; the process tests run both binaries.
                "TillitIdentity",
                "TillitIdentityServer",
                "TillitBookingServer",
                "TillitRPC",
                "TillitContracts",
                "TillitStorage",
                "TillitServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TillitBookingTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TillitNotesTests",
            dependencies: [
                "TillitTesting",
                "TillitNotes",
                // Notes calls a real Booking and a real Identity, in-process; the process tests run
                // the three binaries.
                "TillitBooking",
                "TillitIdentity",
                "TillitIdentityServer",
                "TillitBookingServer",
                "TillitNotesServer",
                "TillitRPC",
                "TillitContracts",
                "TillitStorage",
                "TillitServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TillitNotesTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TillitSupervisionTests",
            dependencies: [
                "TillitTesting",
                "TillitSupervision",
                // Supervision calls a real Notes, Booking and Identity, in-process; the process
                // tests run the four binaries.
                "TillitNotes",
                "TillitBooking",
                "TillitIdentity",
                "TillitIdentityServer",
                "TillitBookingServer",
                "TillitNotesServer",
                "TillitSupervisionServer",
                "TillitRPC",
                "TillitContracts",
                "TillitStorage",
                "TillitServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TillitSupervisionTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TillitInteropTests",
            dependencies: [
                "TillitTesting",
                "TillitCClient",
                "CProtobufC",
                "TillitRPC",
                "TillitContracts",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/TillitInteropTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TillitIntegrationTests",
            dependencies: [
                "TillitIntegration",
                "TillitTesting",
                // The four services and `tillit` built, to run as processes.
                "tillit",
                "TillitIdentityServer",
                "TillitBookingServer",
                "TillitNotesServer",
                "TillitSupervisionServer",
            ],
            path: "Tests/TillitIntegrationTests",
            swiftSettings: swiftSettings
        ),
    ]
)
