// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "treering",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "treering", targets: ["treering"]),
        .executable(name: "treering-bench", targets: ["treering-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Pure Swift: frames, stacks, call trees, parsers, writers, validation.
        // No HTTP, no database; SwiftProtobuf only to read pprof.
        .target(
            name: "TreeringCore",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Import/Proto/profile.proto", "Import/Proto/push.proto"]
        ),
        // The store's interface and what both backends share: the values
        // they return, the caches, the preparation of uploads and rollups.
        .target(
            name: "TreeringStore",
            dependencies: [
                "TreeringCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The embedded default: one SQLite file through GRDB.
        .target(
            name: "TreeringSQLite",
            dependencies: [
                "TreeringCore",
                "TreeringStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Several server processes on one PostgreSQL database, through postgres-nio.
        .target(
            name: "TreeringPostgres",
            dependencies: [
                "TreeringCore",
                "TreeringStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Hummingbird application: routes, limits, templates, static files.
        .target(
            name: "TreeringServer",
            dependencies: [
                "TreeringCore",
                "TreeringStore",
                "TreeringSQLite",
                "TreeringPostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "treering",
            dependencies: [
                "TreeringCore",
                "TreeringStore",
                "TreeringSQLite",
                "TreeringServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "treering-bench",
            dependencies: [
                "TreeringCore",
                "TreeringStore",
                "TreeringSQLite",
                "TreeringServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        .testTarget(name: "TreeringCoreTests", dependencies: ["TreeringCore"]),
        .testTarget(
            name: "TreeringStoreTests",
            dependencies: [
                "TreeringStore", "TreeringCore", "TreeringSQLite", "TreeringPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                // A fresh database per test on the test PostgreSQL.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TreeringServerTests",
            dependencies: [
                "TreeringServer",
                "TreeringStore",
                "TreeringCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
