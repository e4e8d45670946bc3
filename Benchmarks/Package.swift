// swift-tools-version: 6.1
import PackageDescription

// The engine's benchmarks (ordo-one/benchmark), kept in a package of their own so that the root package's
// `make test` and CI never build the benchmark harness and its dependencies.
//
//   cd Benchmarks && swift package --disable-sandbox benchmark      (or `make bench` from the repository root)
//
// The root package is a path dependency, and a path dependency's identity is its folder's name (`ntm`,
// `main`, a worktree's name…), so the name used in `.product(…, package:)` is read from this file's path.
let rootPackage = String(#filePath.split(separator: "/").dropLast(2).last ?? "ntm")

let package = Package(
    name: "NTMBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        // The MallocInterposer trait alone: no jemalloc on the build machines, and the default
        // RuntimeInterposer trait (ARC counters on Linux with Swift 6.3) needs a package we do not use.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The benchmark plugin finds benchmark targets by their folder's parent being named `Benchmarks`.
        .executableTarget(
            name: "NTMBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NTMCatalogue", package: rootPackage),
                .product(name: "NTMEngine", package: rootPackage),
            ],
            path: "Benchmarks/NTMBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
