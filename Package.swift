// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// The release binaries as shipped come from scripts/build-release.sh, which says which flags
// it adds (static runtime, lld with a function order, DT_RELR) and why.
let package = Package(
    name: "influxdb-meta",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "influxd-meta", targets: ["influxd-meta"]),
        .executable(name: "influxd-ctl", targets: ["influxd-ctl"]),
        .executable(name: "influx-license", targets: ["influx-license"]),
        .executable(name: "influx-console", targets: ["influx-console"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CRaft",
            pkgConfig: "raft",
            providers: [.apt(["libraft-dev", "libuv1-dev"])]
        ),
        .target(name: "CPosix", path: "Sources/CPosix"),
        .target(name: "CResolv", path: "Sources/CResolv", linkerSettings: [.linkedLibrary("resolv")]),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CCrypt",
            path: "Sources/CCrypt",
            pkgConfig: "libcrypt",
            providers: [.apt(["libcrypt-dev"])]
        ),
        // Code protoc-gen-swift generated from Protos/influxd_meta.proto (scripts/generate-proto.sh).
        .target(
            name: "MetaProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Sources/MetaProto"
        ),
        .target(
            name: "MetaKernel",
            dependencies: [
                "CRaft",
                "CPosix",
                "MetaProto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TLS",
            dependencies: [
                "CCrypt",
                "COpenSSL",
                "CPosix",
                "MetaKernel",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StaticHosts",
            dependencies: ["MetaKernel"],
            path: "Sources/Plugins/StaticHosts",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DNSDiscovery",
            dependencies: ["MetaKernel", "CResolv", .product(name: "NIOPosix", package: "swift-nio")],
            path: "Sources/Plugins/DNSDiscovery",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LicenseFile",
            dependencies: ["MetaKernel", "TLS"],
            path: "Sources/Plugins/LicenseFile",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LicenseKey",
            dependencies: ["MetaKernel", "TLS", "LicenseFile"],
            path: "Sources/Plugins/LicenseKey",
            swiftSettings: swiftSettings
        ),
        // The kernel's Registration protocol over InfluxData's registration wire protocol.
        .target(
            name: "ConsoleRegistration",
            dependencies: ["MetaKernel", "TLS", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Plugins/Registration",
            swiftSettings: swiftSettings
        ),
        // The web console's library: registration API, registry (SQLite), poller, web UI.
        .target(
            name: "Console",
            dependencies: [
                "MetaKernel",
                "TLS",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Console",
            exclude: ["Templates"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AppSupport",
            dependencies: [
                "MetaKernel", "StaticHosts", "DNSDiscovery", "TLS", "LicenseFile", "LicenseKey", "ConsoleRegistration",
            ],
            path: "Sources/Apps/AppSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "influxd-meta",
            dependencies: [
                "AppSupport",
                "MetaKernel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Apps/influxd-meta",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "influxd-ctl",
            dependencies: [
                "AppSupport",
                "MetaKernel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Apps/influxd-ctl",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "influx-license",
            dependencies: [
                "LicenseFile",
                "MetaKernel",
                "TLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            path: "Sources/Apps/influx-license",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "influx-console",
            dependencies: [
                "Console",
                "MetaKernel",
                "TLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Apps/influx-console",
            swiftSettings: swiftSettings
        ),
        // Times snapshot encoding and decoding at the benchmark size (release build).
        .executableTarget(
            name: "snapshot-bench",
            dependencies: [
                "MetaKernel", "MetaProto", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Sources/Tools/snapshot-bench",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["MetaKernel"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MetaKernelTests",
            dependencies: [
                "MetaKernel", "MetaProto", "StaticHosts", "TLS", "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StaticHostsTests",
            dependencies: ["StaticHosts", "MetaKernel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DNSDiscoveryTests",
            dependencies: ["DNSDiscovery", "MetaKernel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TLSTests",
            dependencies: [
                "TLS",
                "MetaKernel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LicenseKeyTests",
            dependencies: ["LicenseKey", "LicenseFile", "TLS", "MetaKernel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LicenseFileTests",
            dependencies: ["LicenseFile", "TLS", "MetaKernel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterTests",
            dependencies: [
                "MetaKernel", "MetaProto", "DNSDiscovery", "StaticHosts", "TLS", "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RegistrationTests",
            dependencies: [
                "ConsoleRegistration", "MetaKernel", "TLS", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsoleTests",
            dependencies: [
                "Console", "MetaKernel", "TLS", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CtlTests",
            dependencies: ["MetaKernel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
