// swift-tools-version:6.1
import Foundation
import PackageDescription

/// The processor the engine's kernel is built for. Every machine this project runs on has AVX2 (haswell); where
/// the building machine also has AVX-512 (F, CD, BW, DQ, VL, as /proc/cpuinfo lists them), the kernel's eight-lane
/// vectors are built with its encoding: 32 vector registers (the logarithm's and exponential's constants stay in
/// registers) and mask registers. The same IEEE operations either way: the numbers are the same bits.
/// `NTM_TARGET_CPU` overrides the choice (e.g. `haswell`, for valgrind, which does not run AVX-512); clear `.build`
/// after changing it.
let engineCPU: String = {
    if let cpu = ProcessInfo.processInfo.environment["NTM_TARGET_CPU"], !cpu.isEmpty { return cpu }
    #if os(Linux) && arch(x86_64)
    if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
       let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) {
        let flags = Set(line.split(separator: " ").map(String.init))
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "skylake-avx512" }
    }
    #endif
    return "haswell"
}()

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
        // time: built without overflow and bounds checks (-Ounchecked) and for AVX2 or AVX-512 (`engineCPU`), so
        // eight Floats are one vector instruction (see Benchmarks/RESULTS.md).
        .target(name: "NTMEngine", dependencies: ["NTMCatalogue", "CPrefetch",
                                                  .product(name: "Yams", package: "Yams")],
                swiftSettings: [.unsafeFlags(["-Ounchecked", "-target-cpu", engineCPU])]),
        // The compiler's prefetch hint, for the engine's reads in an order the hardware cannot guess.
        .target(name: "CPrefetch"),
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
        // The reports are checked through the command line, and the workbook writer also directly (a sheet too long for
        // Excel is too big to make through a command in a test).
        .testTarget(name: "CLITests", dependencies: ["NTMCatalogue", "NTMReports", "NTMTestSupport"]),
        .testTarget(name: "NTMFuzzTests", dependencies: ["NTMCatalogue", "NTMEngine", "NTMTestSupport"]),
        .testTarget(name: "NTMCalibrationTests", dependencies: ["NTMCalibration", "NTMEngine", "NTMCatalogue"]),
        .testTarget(name: "NTMAllocationTests", dependencies: ["NTMAllocation", "NTMEngine", "NTMCatalogue", "NTMTestSupport"]),
        .testTarget(name: "NTMPropertyTests", dependencies: ["NTMEngine", "NTMCatalogue",
                                                            .product(name: "PropertyBased", package: "swift-property-based")]),
    ]
)
