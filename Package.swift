// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every target: Swift 6 language mode is the package default.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOFoundationCompat", package: "swift-nio"),
]

let package = Package(
    name: "CryptoDTSource",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gateway", targets: ["GatewayMain"]),
        .executable(name: "market-svc", targets: ["MarketMain"]),
        .executable(name: "defi-svc", targets: ["DefiMain"]),
        .executable(name: "news-sentiment-svc", targets: ["NewsSentimentMain"]),
        .executable(name: "store-svc", targets: ["StoreMain"]),
        .executable(name: "monitor-svc", targets: ["MonitorMain"]),
        .executable(name: "cryptodt-bench", targets: ["Bench"]),
        .executable(name: "cryptodt-admin", targets: ["StoreAdmin"]),
        .executable(name: "replay-upstream", targets: ["ReplayUpstreamMain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
    ],
    targets: [
        // MARK: Shared libraries
        .target(
            name: "CryptoModels",
            path: "Shared/CryptoModels",
            swiftSettings: strict
        ),
        .target(
            name: "RPC",
            dependencies: nio + [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            path: "Shared/RPC",
            swiftSettings: strict
        ),
        .target(
            name: "Contracts",
            dependencies: ["RPC", "CryptoModels"],
            path: "Shared/Contracts",
            swiftSettings: strict
        ),
        .target(
            name: "ServiceKit",
            dependencies: nio + [
                "RPC", "Contracts",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Shared/ServiceKit",
            swiftSettings: strict
        ),
        .target(
            name: "TestSupport",
            dependencies: nio + ["RPC", "ServiceKit", "ProviderKit",
                                 .product(name: "Logging", package: "swift-log"),
                                 .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            path: "Shared/TestSupport",
            swiftSettings: strict
        ),

        .target(
            name: "StoreClient",
            dependencies: ["RPC", "Contracts", "CryptoModels",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "DequeModule", package: "swift-collections")],
            path: "Shared/StoreClient",
            swiftSettings: strict
        ),

        .target(
            name: "AccessKeys",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/AccessKeys",
            swiftSettings: strict
        ),

        .target(
            name: "ProviderWire",
            dependencies: ["CryptoModels"],
            path: "Shared/ProviderWire",
            swiftSettings: strict
        ),
        .target(
            name: "ProviderKit",
            dependencies: ["RPC", "Contracts", "CryptoModels", "ProviderWire",
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics")],
            path: "Shared/ProviderKit",
            swiftSettings: strict
        ),
        .target(
            name: "Feeds",
            dependencies: ["CryptoModels"],
            path: "Shared/Feeds",
            swiftSettings: strict
        ),
        .systemLibrary(name: "CBLAS", path: "Shared/CBLAS"),
        // AVX-512 small-matrix kernel for single-headline inference (OpenBLAS stays the general path). Always
        // optimised: at -O0 its intrinsics spill every accumulator and a debug `make test` would crawl.
        .target(
            name: "InferenceKernels",
            path: "Shared/InferenceKernels",
            cSettings: [.unsafeFlags(["-O2"])]
        ),
        .target(
            name: "Inference",
            dependencies: ["CBLAS", "InferenceKernels"],
            path: "Shared/Inference",
            swiftSettings: strict
        ),
        .target(
            name: "ReplayUpstream",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "Logging", package: "swift-log")],
            path: "Shared/ReplayUpstream",
            swiftSettings: strict
        ),

        // MARK: Services (one library + one thin executable each)
        .target(
            name: "Gateway",
            dependencies: ["RPC", "Contracts", "ServiceKit", "CryptoModels", "AccessKeys", "StoreClient",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "JWTKit", package: "jwt-kit"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                           .product(name: "WSCore", package: "swift-websocket"),
                           .product(name: "NIOWebSocket", package: "swift-nio"),
                           .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                           .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                           .product(name: "HummingbirdCore", package: "hummingbird"),
                           .product(name: "DequeModule", package: "swift-collections")],
            path: "Services/Gateway/Sources",
            swiftSettings: strict
        ),
        .executableTarget(name: "GatewayMain", dependencies: ["Gateway", "ServiceKit",
                                                          .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                          path: "Services/Gateway/Main", swiftSettings: strict),
        .target(name: "Market", dependencies: ["RPC", "Contracts", "ServiceKit", "CryptoModels", "ProviderKit", "ProviderWire", "StoreClient",
                                       .product(name: "Logging", package: "swift-log"),
                                       .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                path: "Services/Market/Sources", swiftSettings: strict),
        .executableTarget(name: "MarketMain", dependencies: ["Market", "ServiceKit"],
                          path: "Services/Market/Main", swiftSettings: strict),
        .target(name: "Defi", dependencies: ["RPC", "Contracts", "ServiceKit", "CryptoModels", "ProviderKit", "ProviderWire", "StoreClient",
                                     .product(name: "Logging", package: "swift-log"),
                                     .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                path: "Services/Defi/Sources", swiftSettings: strict),
        .executableTarget(name: "DefiMain", dependencies: ["Defi", "ServiceKit"],
                          path: "Services/Defi/Main", swiftSettings: strict),
        .target(name: "NewsSentiment", dependencies: ["RPC", "Contracts", "ServiceKit", "CryptoModels", "Inference",
                                              "Feeds", "ProviderKit", "ProviderWire",
                                              .product(name: "Logging", package: "swift-log"),
                                              .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                path: "Services/NewsSentiment/Sources", swiftSettings: strict),
        .executableTarget(name: "NewsSentimentMain", dependencies: ["NewsSentiment", "ServiceKit"],
                          path: "Services/NewsSentiment/Main", swiftSettings: strict),
        .target(name: "Store", dependencies: ["RPC", "Contracts", "ServiceKit", "CryptoModels",
                                      .product(name: "GRDB", package: "GRDB.swift"),
                                      .product(name: "GRDBSQLite", package: "GRDB.swift"),
                                      .product(name: "Logging", package: "swift-log")],
                path: "Services/Store/Sources", swiftSettings: strict),
        .executableTarget(name: "StoreMain", dependencies: ["Store", "ServiceKit"],
                          path: "Services/Store/Main", swiftSettings: strict),
        .target(name: "Monitor", dependencies: ["RPC", "Contracts", "ServiceKit", "CryptoModels"],
                path: "Services/Monitor/Sources", swiftSettings: strict),
        .executableTarget(name: "MonitorMain", dependencies: ["Monitor", "ServiceKit"],
                          path: "Services/Monitor/Main", swiftSettings: strict),

        // MARK: Tools
        .executableTarget(
            name: "Bench",
            dependencies: nio + ["RPC", "ServiceKit", "Store", "CryptoModels", "Contracts", "Inference",
                                 .product(name: "GRDB", package: "GRDB.swift"),
                                 .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                 .product(name: "Logging", package: "swift-log"),
                                 .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                 .product(name: "DequeModule", package: "swift-collections"),
                                 .product(name: "WSClient", package: "swift-websocket")],
            path: "Tools/Bench",
            swiftSettings: strict
        ),

        .executableTarget(
            name: "StoreAdmin",
            dependencies: ["Store", "RPC", "Contracts", "ServiceKit", "CryptoModels", "AccessKeys",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/StoreAdmin",
            swiftSettings: strict
        ),

        .executableTarget(
            name: "ReplayUpstreamMain",
            dependencies: ["ReplayUpstream", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/ReplayUpstream",
            swiftSettings: strict
        ),

        // MARK: Tests
        .testTarget(name: "RPCTests", dependencies: ["RPC", "TestSupport",
                                                     .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                                     .product(name: "Logging", package: "swift-log")],
                    path: "Tests/RPCTests", swiftSettings: strict),
        .testTarget(name: "ServiceKitTests", dependencies: ["ServiceKit", "TestSupport", "Contracts", "RPC",
                                                            .product(name: "Logging", package: "swift-log")],
                    path: "Tests/ServiceKitTests", swiftSettings: strict),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "TestSupport", "Contracts", "CryptoModels", "RPC", "ServiceKit", "AccessKeys",
                                                         .product(name: "JWTKit", package: "jwt-kit"),
                                                         .product(name: "Logging", package: "swift-log"),
                                                         .product(name: "HummingbirdTesting", package: "hummingbird")],
                    path: "Tests/GatewayTests", swiftSettings: strict),
        .testTarget(name: "ProviderWireTests", dependencies: ["ProviderWire", "CryptoModels"],
                    path: "Tests/ProviderWireTests", swiftSettings: strict),
        .testTarget(name: "ProviderKitTests", dependencies: ["ProviderKit", "RPC", "CryptoModels", "Contracts"] + nio,
                    path: "Tests/ProviderKitTests", swiftSettings: strict),
        .testTarget(name: "MarketTests", dependencies: ["Market", "ProviderKit", "TestSupport", "ProviderWire", "CryptoModels", "Contracts", "RPC", "ServiceKit", "ReplayUpstream", .product(name: "Logging", package: "swift-log")],
                    path: "Tests/MarketTests", swiftSettings: strict),
        .testTarget(name: "DefiTests", dependencies: ["Defi", "ProviderKit", "TestSupport", "ProviderWire", "CryptoModels", "Contracts", "RPC", "ServiceKit", "ReplayUpstream",
                                                      .product(name: "Logging", package: "swift-log")],
                    path: "Tests/DefiTests", swiftSettings: strict),
        .testTarget(name: "FeedsTests", dependencies: ["Feeds"],
                    path: "Tests/FeedsTests", swiftSettings: strict),
        .testTarget(name: "NewsSentimentTests", dependencies: ["NewsSentiment", "Contracts", "RPC", "TestSupport", "CryptoModels",
                                                               "Feeds", "ProviderKit", "ReplayUpstream",
                                                               .product(name: "Logging", package: "swift-log"),
                                                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                                               .product(name: "AsyncHTTPClient", package: "async-http-client")],
                    path: "Tests/NewsSentimentTests", swiftSettings: strict),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "TestSupport"],
                    path: "Tests/InferenceTests", swiftSettings: strict),
        .testTarget(name: "ReplayUpstreamTests", dependencies: ["ReplayUpstream",
                                                               .product(name: "HTTPTypes", package: "swift-http-types"),
                                                               .product(name: "NIOCore", package: "swift-nio"),
                                                               .product(name: "HummingbirdTesting", package: "hummingbird")],
                    path: "Tests/ReplayUpstreamTests", swiftSettings: strict),
        .testTarget(name: "StoreTests", dependencies: ["Store", "CryptoModels", "Contracts", .product(name: "GRDB", package: "GRDB.swift")],
                    path: "Tests/StoreTests", swiftSettings: strict),
        .testTarget(name: "StoreServiceTests", dependencies: ["Store", "CryptoModels", "Contracts", "RPC", "ServiceKit", "TestSupport",
                                                              .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                                              .product(name: "Logging", package: "swift-log")],
                    path: "Tests/StoreServiceTests", swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["RPC", "Contracts", "TestSupport", "StoreClient", "CryptoModels", "ServiceKit",
                                                         .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                                         .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                         .product(name: "NIOHTTP1", package: "swift-nio"),
                                                         .product(name: "WSClient", package: "swift-websocket"),
                                                         .product(name: "HTTPTypes", package: "swift-http-types")],
                    path: "Tests/EndToEndTests", swiftSettings: strict),
    ]
)
