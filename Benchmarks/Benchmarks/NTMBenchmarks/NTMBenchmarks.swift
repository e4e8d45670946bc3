// Benchmarks of the engine through its public API (ordo-one/benchmark).
//
//   cd Benchmarks && swift package --disable-sandbox benchmark
//
// Inputs (catalogue, datasets, compiled models, the national synthetic dataset) are made in each benchmark's
// setup, outside the measured region. Sizes are chosen so that a whole run takes about two minutes on two cores.

import Benchmark
import Foundation
import NTMCatalogue
import NTMEngine

/// The repository root, from this file's path (Benchmarks/Benchmarks/NTMBenchmarks/NTMBenchmarks.swift).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
}()

/// Everything the benchmarks measure against, each made once per process on first use (in a setup hook).
enum Inputs {
    static let catalogue: Catalogue = try! Catalogue.embedded()
    static let socTrang: Dataset = try! DatasetLoader.embedded(catalogue: catalogue)

    /// The default scenario of `make run`: Sóc Trăng's plan for 2024–2025, 1,000 draws.
    static let socTrangModel: Model = {
        let scenario = try! Scenario.load(path: repositoryRoot + "/Scenarios/province-plan-2024-2025.yaml")
        precondition(scenario.draws == 1_000)
        return try! Model(catalogue: catalogue, dataset: socTrang, scenario: scenario)
    }()

    /// The national synthetic dataset (8,177 communes, as `ntm data synth` makes it), written to a temporary
    /// folder so it is read by the same loader as a real dataset.
    static let nationalFolder: String = {
        let files = try! Synthesis(communes: Synthesis.nationalCommunes, provinces: 63, seed: 1,
                                   catalogue: catalogue, template: socTrang).run().files
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("ntm-benchmarks-national-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for f in files { try! f.content.write(toFile: folder + "/" + f.name, atomically: false, encoding: .utf8) }
        atexit { try? FileManager.default.removeItem(atPath: Inputs.nationalFolder) }
        return folder
    }()

    static let national: Dataset = try! DatasetLoader.load(folder: nationalFolder, catalogue: catalogue)

    /// The national scenario (Scenarios/national-2025.yaml) on the synthetic dataset, with 20 draws.
    static let nationalScenario: Scenario = {
        var s = try! Scenario.load(path: repositoryRoot + "/Scenarios/national-2025.yaml")
        s.draws = 20
        return s
    }()

    static let nationalModel: Model = try! Model(catalogue: catalogue, dataset: national, scenario: nationalScenario)

    /// The same, without the communes' mean indicator values, as `ntm run --format md,csv` runs it.
    static let nationalModelWithoutMeans: Model = {
        var m = nationalModel
        m.keepIndicatorMeans = false
        return m
    }()
}

/// Commune·draw·years per second of one projection: the unit `ntm run --timings` and compare.sh report.
let communeDrawYears = BenchmarkMetric.custom("commune·draw·years/s", polarity: .prefersLarger, useScalingFactor: false)

func project(_ model: Model, threads: Int, _ benchmark: Benchmark) {
    let start = ContinuousClock.now
    let result = Projection(model: model).run(threads: threads)
    let took = ContinuousClock.now - start
    blackHole(result)
    let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) * 1e-18
    let units = Double(model.C * model.scenario.draws * model.years.count)
    benchmark.measurement(communeDrawYears, Int(units / max(seconds, 1e-9)))
}

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident, .throughput]
    Benchmark.defaultConfiguration = .init(metrics: metrics, warmupIterations: 1,
                                           maxDuration: .seconds(5), maxIterations: 20)

    // 1. The whole projection of the default scenario: 80 communes × 1,000 draws × 2 years.
    for threads in [1, 2] {
        Benchmark("Projection Sóc Trăng default 1000 draws \(threads) thread\(threads == 1 ? "" : "s")",
                  configuration: .init(metrics: metrics + [communeDrawYears])) { benchmark in
            project(Inputs.socTrangModel, threads: threads, benchmark)
        } setup: {
            _ = Inputs.socTrangModel
        }
    }

    // 2. The whole projection at national scale: 8,177 communes × 20 draws × 2 years, with the communes' mean
    // indicator values (as `ntm run` for a page or a workbook) and without them (as `ntm run --format md,csv`).
    Benchmark("Projection national synthetic 20 draws 2 threads",
              configuration: .init(metrics: metrics + [communeDrawYears], maxDuration: .seconds(10), maxIterations: 10)) { benchmark in
        project(Inputs.nationalModel, threads: 2, benchmark)
    } setup: {
        _ = Inputs.nationalModel
    }
    Benchmark("Projection national synthetic 20 draws 2 threads, without the means",
              configuration: .init(metrics: metrics + [communeDrawYears], maxDuration: .seconds(10), maxIterations: 10)) { benchmark in
        project(Inputs.nationalModelWithoutMeans, threads: 2, benchmark)
    } setup: {
        _ = Inputs.nationalModelWithoutMeans
    }

    // 3. Kernels. These take a few milliseconds an iteration, below the 10 ms resolution of the CPU-time
    // counters, so they report no CPU time.
    let kernelMetrics: [BenchmarkMetric] = [.wallClock, .mallocCountTotal, .throughput]
    // Counter RNG: 200,000 keys (1,000 draws × 200 communes) and five normals from each (one hash per five
    // normals), so 1M normals an iteration; the scaling factor reports the time per normal.
    Benchmark("CounterRNG keys + normals (1M normals)",
              configuration: .init(metrics: kernelMetrics, scalingFactor: .mega,
                                   maxDuration: .seconds(3), maxIterations: 200)) { benchmark in
        let rng = CounterRNG(seed: 20_240_201)
        let normals = benchmark.scaledIterations.count, units = 200, draws = normals / 5 / units
        var sum: Float = 0
        for draw in 0..<draws {
            for unit in 0..<units {
                let key = rng.key(.noise, year: 2024, draw: draw, unit: unit)
                for i in 0..<5 { sum += CounterRNG.normal(key, i) }
            }
        }
        blackHole(sum)
    } setup: {
        _ = CounterRNG.normalTable
    }

    // Counter RNG: 1M uniform pairs, one key per commune-draw and ten positions under each.
    Benchmark("CounterRNG keys + uniforms (1M pairs)",
              configuration: .init(metrics: kernelMetrics, scalingFactor: .mega,
                                   maxDuration: .seconds(3), maxIterations: 200)) { benchmark in
        let rng = CounterRNG(seed: 20_240_201)
        let pairs = benchmark.scaledIterations.count, units = 200, draws = pairs / 10 / units
        var sum: Float = 0
        for draw in 0..<draws {
            for unit in 0..<units {
                let key = rng.key(.recognition, year: 2025, draw: draw, unit: unit)
                for i in 0..<10 { let (a, b) = CounterRNG.uniforms(key, i); sum += a + b }
            }
        }
        blackHole(sum)
    }

    // The normal quantile (AS 241, what the normal table is built from) at 1,000 evenly spaced points, both
    // branches (centre and tails); times are per quantile.
    Benchmark("CounterRNG.normalQuantile (1000 points)",
              configuration: .init(metrics: kernelMetrics, scalingFactor: .kilo,
                                   maxDuration: .seconds(2), maxIterations: 1_000)) { benchmark in
        let n = benchmark.scaledIterations.count
        var sum = 0.0
        for i in benchmark.scaledIterations { sum += CounterRNG.normalQuantile((Double(i) + 0.5) / Double(n)) }
        blackHole(sum)
    }

    // Compiling the national model (criteria masks, needs, costs, district tables) from a loaded dataset.
    Benchmark("Model compile national (8177 communes)",
              configuration: .init(metrics: metrics, maxDuration: .seconds(10), maxIterations: 10)) { _ in
        blackHole(try! Model(catalogue: Inputs.catalogue, dataset: Inputs.national, scenario: Inputs.nationalScenario))
    } setup: {
        _ = Inputs.national
    }

    // Loading and checking the embedded Sóc Trăng dataset (80 communes) against the catalogue.
    Benchmark("Dataset load embedded (Sóc Trăng, 80 communes)",
              configuration: .init(metrics: metrics, maxDuration: .seconds(3), maxIterations: 100)) { _ in
        blackHole(try! DatasetLoader.embedded(catalogue: Inputs.catalogue))
    } setup: {
        _ = Inputs.catalogue
    }

    // Loading and checking the national synthetic dataset (13 MB of indicators).
    Benchmark("Dataset load national synthetic (8177 communes)",
              configuration: .init(metrics: metrics, maxDuration: .seconds(10), maxIterations: 5)) { _ in
        blackHole(try! DatasetLoader.load(folder: Inputs.nationalFolder, catalogue: Inputs.catalogue))
    } setup: {
        _ = Inputs.nationalFolder
    }
}
