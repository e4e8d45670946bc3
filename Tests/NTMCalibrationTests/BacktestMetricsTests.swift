import NTMCalibration
import XCTest

/// Backtest metrics on hand-made cases, exact.
final class BacktestMetricsTests: XCTestCase {
    func testBrierScore() {
        XCTAssertEqual(Backtest.brier([1, 0], [true, false]), 0)
        XCTAssertEqual(Backtest.brier([0.5, 0.5], [true, false]), 0.25)
        // (0.8−1)² + (0.3−0)² + (0.6−0)² = 0.04 + 0.09 + 0.36 = 0.49, over 3.
        XCTAssertEqual(Backtest.brier([0.8, 0.3, 0.6], [true, false, false])!, 0.49 / 3, accuracy: 1e-12)
        XCTAssertNil(Backtest.brier([], []))
    }

    func testReliabilityBins() {
        let p = [0.05, 0.15, 0.5, 0.9, 1.0, 0.95]
        let o = [false, true, false, true, true, false]
        let bins = Backtest.reliability(p, o, bins: 5)
        XCTAssertEqual(bins.map(\.count), [2, 0, 1, 0, 3])
        XCTAssertEqual(bins[0].meanForecast!, 0.1, accuracy: 1e-12)
        XCTAssertEqual(bins[0].observedFrequency, 0.5)
        XCTAssertNil(bins[1].meanForecast)
        XCTAssertEqual(bins[4].meanForecast!, (0.9 + 1.0 + 0.95) / 3, accuracy: 1e-12)
        XCTAssertEqual(bins[4].observedFrequency!, 2.0 / 3, accuracy: 1e-12)
    }

    func testRanksShareTies() {
        let p = [0.2, 0.9, 0.5, 0.9, 0.1]
        XCTAssertEqual(Backtest.rank(of: 1, in: p), 1)
        XCTAssertEqual(Backtest.rank(of: 3, in: p), 1)
        XCTAssertEqual(Backtest.rank(of: 2, in: p), 3)
        XCTAssertEqual(Backtest.rank(of: 4, in: p), 5)
        // The worst rank of a tie: the two at 0.9 share ranks 1–2; an untied item's range is its rank.
        XCTAssertEqual(Backtest.lastRank(of: 1, in: p), 2)
        XCTAssertEqual(Backtest.lastRank(of: 3, in: p), 2)
        XCTAssertEqual(Backtest.lastRank(of: 2, in: p), 3)
        XCTAssertEqual(Backtest.lastRank(of: 4, in: p), 5)
        let zeros = [0.6, 0, 0, 0]
        XCTAssertEqual(Backtest.rank(of: 1, in: zeros), 2)
        XCTAssertEqual(Backtest.lastRank(of: 1, in: zeros), 4, "a 0 % forecast shares the last place with every other 0 %")
    }

    func testBands() {
        XCTAssertTrue(Backtest.inside(70, p10: 68, p90: 72))
        XCTAssertTrue(Backtest.inside(68, p10: 68, p90: 72))
        XCTAssertFalse(Backtest.inside(73, p10: 68, p90: 72))
        XCTAssertFalse(Backtest.inside(67.9, p10: 68, p90: 72))
    }

    func testOutcomesDeducedFromCounts() {
        // Six at risk, two named as reaching the tier, one named as not; the count says two reached: the rest did not.
        var d = Backtest.deduce(atRisk: [0, 1, 2, 3, 4, 5], yes: [1, 4], no: [2], newCount: 2)
        XCTAssertEqual(d.count, 6)
        XCTAssertEqual(d[1]?.0, true); XCTAssertEqual(d[1]?.1, .named)
        XCTAssertEqual(d[2]?.0, false); XCTAssertEqual(d[2]?.1, .named)
        XCTAssertEqual(d[0]?.0, false); XCTAssertEqual(d[0]?.1, .deduced)
        // The count leaves exactly the unnamed ones: they reached it.
        d = Backtest.deduce(atRisk: [0, 1, 2, 3], yes: [], no: [0, 1], newCount: 2)
        XCTAssertEqual(d[2]?.0, true); XCTAssertEqual(d[3]?.1, .deduced)
        // Not enough to tell: only the named are known.
        d = Backtest.deduce(atRisk: [0, 1, 2, 3], yes: [0], no: [], newCount: 2)
        XCTAssertEqual(d.count, 1)
        d = Backtest.deduce(atRisk: [0, 1, 2], yes: [0], no: [], newCount: nil)
        XCTAssertEqual(d.count, 1)
    }
}
