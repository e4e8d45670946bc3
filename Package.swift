// swift-tools-version:6.1
import PackageDescription

// Layers, top to bottom: catalogue and dataset → engine → (allocation, calibration and backtest, proposals) → reports
// → command line.
// Nothing below imports anything above.
let package = Package(
    name: "ntm",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ntm", targets: ["ntm"]),
        .library(name: "NTMCatalogue", targets: ["NTMCatalogue"]),
        .library(name: "NTMEngine", targets: ["NTMEngine"]),
        .library(name: "NTMAllocation", targets: ["NTMAllocation"]),
        .library(name: "NTMCalibration", targets: ["NTMCalibration"]),
        .library(name: "NTMReports", targets: ["NTMReports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
    ],
    targets: [
        .target(name: "NTMCatalogue",
                dependencies: [.product(name: "Yams", package: "Yams")],
                resources: [.copy("Resources/catalogue.yaml"), .copy("Resources/datasets")]),
        // The Monte Carlo kernel's loops index plain buffers whose bounds are set up front, eight indicators at a
        // time: built without overflow and bounds checks (-Ounchecked) and for AVX2 (every machine this project
        // runs on has it), so eight Floats are one vector instruction (see Benchmarks/RESULTS.md).
        .target(name: "NTMEngine", dependencies: ["NTMCatalogue",
                                                  .product(name: "Yams", package: "Yams")],
                swiftSettings: [.unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"])]),
        .systemLibrary(name: "CGLPK", path: "Sources/CGLPK", providers: [.apt(["libglpk-dev"])]),
        .target(name: "NTMAllocation", dependencies: ["NTMCatalogue", "NTMEngine", "CGLPK"]),
        // Calibration loads OpenBLAS (LAPACK) when it first needs it (see NTMCalibration/LAPACK.swift).
        .target(name: "NTMCalibration", dependencies: ["NTMCatalogue", "NTMEngine"]),
        .target(name: "NTMReports", dependencies: ["NTMCatalogue", "NTMEngine", "NTMAllocation", "NTMCalibration",
                                                 .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .executableTarget(name: "ntm", dependencies: [
            "NTMCatalogue", "NTMEngine", "NTMAllocation", "NTMCalibration", "NTMReports",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // What several test targets check against (Appendix II, a seeded generator), written once.
        .target(name: "NTMTestSupport", path: "Tests/NTMTestSupport"),
        .testTarget(name: "NTMCatalogueTests", dependencies: ["NTMCatalogue", "NTMTestSupport"]),
        .testTarget(name: "NTMEngineTests", dependencies: ["NTMEngine", "NTMCatalogue", "NTMTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["NTMCatalogue", "NTMTestSupport"]),
        .testTarget(name: "NTMFuzzTests", dependencies: ["NTMCatalogue", "NTMEngine", "NTMTestSupport"]),
        .testTarget(name: "NTMCalibrationTests", dependencies: ["NTMCalibration", "NTMEngine", "NTMCatalogue"]),
        .testTarget(name: "NTMAllocationTests", dependencies: ["NTMAllocation", "NTMEngine", "NTMCatalogue"]),
        .testTarget(name: "NTMPropertyTests", dependencies: ["NTMEngine", "NTMCatalogue",
                                                            .product(name: "PropertyBased", package: "swift-property-based")]),
    ]
)
