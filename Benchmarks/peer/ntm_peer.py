#!/usr/bin/env python3
"""The ntm model step in idiomatic vectorised NumPy: the benchmark's peer.

It reads the arrays that `ntm run --export-model DIR` writes (the same compiled inputs the Swift engine
uses) and projects every commune in every draw through every year with whole-array float32 operations:
no Python loop over communes or draws (the loops left run over years, indicators, sources, noise
fields and rounds of the proportional sharing, each vectorised over all communes and draws at once).
It implements the `proportional` policy; the Swift engine's `closest_to_standard` funds communes one by
one in priority order, which has no whole-array form.

Every operation mirrors the engine's (Sources/NTMEngine: Projection.swift, Lanes.swift, Policy.swift,
ProportionalSharing.swift, CounterRNG.swift) in the same order and precision, so on the same seed the peer
gives the same tier counts. Usage: ntm_peer.py MODEL_DIR [--draws N] [--chunk DRAWS]
Prints the mean tier counts per year and the throughput in commune·draw·years per second.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

F = np.float32
U64 = np.uint64
GOLDEN = U64(0x9E3779B97F4A7C15)


def mix(x):
    """SplitMix64's finaliser on uint64 arrays (wrapping arithmetic)."""
    x = np.asarray(x, dtype=U64)
    z = x + GOLDEN
    z = (z ^ (z >> U64(30))) * U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> U64(27))) * U64(0x94D049BB133111EB)
    return z ^ (z >> U64(31))


def unit_keys(year_key, draws, units):
    """key(yearKey, draw, unit) for every (draw, unit): shape (len(units), len(draws))."""
    d = draws.astype(U64)[None, :] << U64(32)
    return mix(U64(year_key) ^ (d | units.astype(U64)[:, None]))


def bits(key, index):
    return mix(key ^ U64(((index + 1) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF))


def uniform0(key):
    """The first of CounterRNG.uniforms(key, 0): 23 bits, (x + 0.5) / 2^23."""
    h = bits(key, 0)
    return ((h >> U64(41)).astype(F) + F(0.5)) / F(8388608)


def vlog(x0):
    """Cephes logf with IEEE float32 operations only (Lanes.swift VMath.vlog)."""
    b = x0.view(np.uint32)
    e = (np.uint32(0x4B000000) | ((b >> np.uint32(23)) & np.uint32(0xFF))).view(F) - F(8388734)
    x = ((b & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(F)
    small = x < F(0.707106781186547524)
    e = np.where(small, e - F(1), e)
    x = np.where(small, x + x, x) - F(1)
    z = x * x
    y = np.full_like(x, F(7.0376836292e-2))
    for c in (-1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
              2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1):
        y = y * x + F(c)
    y = y * x * z
    y = y + e * F(-2.12194440e-4)
    y = y - z * F(0.5)
    return x + y + e * F(0.693359375)


def vexp(x0):
    """Cephes expf with IEEE float32 operations only (Lanes.swift VMath.vexp)."""
    x1 = np.where(x0 < F(-87.3), F(-87.3), x0)
    x1 = np.where(x1 > F(88.7), F(88.7), x1)
    n = (x1 * F(1.44269504088896341) + F(12582912)) - F(12582912)
    x = x1 - n * F(0.693359375) - n * F(-2.12194440e-4)
    z = x * x
    y = np.full_like(x, F(1.9875691500e-4))
    for c in (1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1):
        y = y * x + F(c)
    y = y * z + x + F(1)
    biased = (n + F(8388735)).view(np.uint32) & np.uint32(0xFF)
    return y * (biased << np.uint32(23)).view(F)


def share(rest, elig, budget, original, rounds=4):
    """ProportionalSharing.share for many draws at once. rest: (D, K), budget: (D, S), float64; elig: (K, S)."""
    rest = rest.copy()
    budget = budget.copy()
    D, K = rest.shape
    S = budget.shape[1]
    active = np.ones(D, dtype=bool)
    for _ in range(rounds):
        offer = np.zeros((D, K))
        rate = np.zeros((D, S))
        for s in range(S):
            pos = budget[:, s] > 0
            denom = np.zeros(D)
            for k in range(K):
                denom = denom + elig[k, s] * rest[:, k]
            ok = pos & (denom > 0) & active
            rate[:, s] = np.where(ok, budget[:, s] / np.where(ok, denom, 1), 0)
            for k in range(K):
                offer[:, k] = offer[:, k] + np.where(ok, rate[:, s] * elig[k, s] * rest[:, k], 0)
        moved = np.zeros(D)
        for k in range(K):
            has = (offer[:, k] > 0) & active
            take = np.where(has, np.minimum(rest[:, k], offer[:, k]), 0)
            phi = np.where(has, take / np.where(has, offer[:, k], 1), 0)
            for s in range(S):
                r = has & (rate[:, s] > 0)
                budget[:, s] = np.where(r, budget[:, s] - rate[:, s] * elig[k, s] * rest[:, k] * phi, budget[:, s])
            rest[:, k] = rest[:, k] - take
            moved = moved + take
        for s in range(S):
            small = active & (budget[:, s] < 1e-9 * max(1.0, original[s]))
            budget[:, s] = np.where(small, 0, budget[:, s])
        active = active & ~(moved <= 1e-9)
        if not active.any():
            break
    return rest, budget


def project(m, z0, cpp, tier0, draws, first_draw=0):
    C, K, Kp, S = m["C"], m["K"], m["Kp"], m["S"]
    D = len(draws)
    asym, zhi, zlo = (np.array(m[k], dtype=F) for k in ("asym", "z_hi", "z_lo"))
    decay, maintained = np.array(m["decay"], dtype=F), np.array(m["maintained"], dtype=F) > 0
    share_m = F(m["maintenance_share"])
    noisy = m["noisy"]
    nrel, npts = np.array(m["noise_rel"], dtype=F), np.array(m["noise_pts"], dtype=F)
    table = np.array(m["normal_table"], dtype=F)
    elig = np.array(m["eligible"]).reshape(K, S)
    elig_up = np.array(m["eligible_upkeep"]).reshape(K, S)
    crit = np.array(m["criterion_of"])
    J = m["J"]
    members = [np.flatnonzero(crit == j) for j in range(J)]
    dist_of = np.array(m["district_of"])
    dist_size = np.array(m["district_size"])
    nD = m["districts"]
    communes = np.arange(C)

    z = np.broadcast_to(z0[:, None, :], (C, D, Kp)).copy()          # (C, D, Kp): commune-major
    cppb = cpp[:, None, :]
    tier = np.broadcast_to(tier0[:, None], (C, D)).astype(np.int64)
    d_rec = np.broadcast_to(np.array(m["district_recognised0"])[None, :], (D, nD)).copy()
    d_missing = np.broadcast_to(np.array(m["district_missing0"])[None, :], (D, nD)).copy()
    out = []
    for p in m["years"]:
        goal = np.array(p["goal"], dtype=F).reshape(3, Kp)
        goal[goal <= F(-1e37)] = -np.inf
        low = np.array(p["low"], dtype=F).reshape(3, Kp)
        low[low <= F(-1e37)] = -np.inf
        rel, pts, once = (np.array(p[k], dtype=F) for k in ("rel", "pts", "once"))
        budget = np.array(p["budget"])
        # Pass 1: trend, the cost of each gap to the next tier, upkeep.
        z = z * (F(1) + rel) + pts + once
        g = goal[np.minimum(tier, 2)]
        gap = g - z
        has = gap > 0
        a = asym - z
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(has, a / (a - gap), F(1))
        need = a * vlog(x.astype(F)) * cppb
        up = np.where(maintained & (z > 0), share_m * z * cppb, F(0))
        need_total = np.add.reduce(need, axis=0, dtype=F)[:, :K].astype(np.float64)   # sequential over communes
        up_total = np.add.reduce(up, axis=0, dtype=F)[:, :K].astype(np.float64)
        # The proportional policy: upkeep first, then investment, each shared in proportion to need.
        rest_budget = np.broadcast_to(np.maximum(0, budget)[None, :], (D, S))
        up_rest, rest_budget = share(up_total, elig_up, rest_budget, budget)
        inv_rest, rest_budget = share(need_total, elig, rest_budget, budget)
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(need_total > 0, (need_total - inv_rest) / need_total, 0).astype(F)
            keep = np.where(up_total > 0, (up_total - up_rest) / up_total, 1).astype(F)
        frac = np.pad(frac, ((0, 0), (0, Kp - K)))
        keep = np.pad(keep, ((0, 0), (0, Kp - K)), constant_values=1)
        # Pass 2: spending with diminishing returns, decay, noise, bounds.
        spend = need * frac[None, :, :]
        r = asym - z
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            e = vexp(((-spend) / cppb / r).astype(F))
            z = z + np.where(spend > 0, r * (F(1) - e), F(0))
        lapse = decay * (F(1) - keep[None, :, :]) * z
        z = z - np.where(maintained & (z > 0), lapse, F(0))
        if noisy:
            keys = unit_keys(int(p["noise_key"]), draws, communes)         # (C, D)
            h = None
            for i, k in enumerate(noisy):
                if i % 5 == 0:
                    h = bits(keys, i // 5)
                eps = table[(h & U64(0xFFF)).astype(np.int64)]
                h = h >> U64(12)
                v = z[:, :, k]
                room = np.minimum(F(1), (zhi[k] - v) / (F(0.1) * (zhi[k] - zlo[k])))
                z[:, :, k] = v + (nrel[k] * np.abs(v) + npts[k]) * np.maximum(F(0), room) * eps
        z = np.where(z < zlo, zlo, z)
        z = np.where(z > zhi, zhi, z)
        # Criteria met at each tier; tiers.
        met = [z >= low[t] for t in range(3)]                               # (C, D, Kp) each
        all_met = [mt.all(axis=2) for mt in met]
        crit_std = sum(met[0][:, :, idx].all(axis=2).astype(np.int64) for idx in members)
        # Recognition: lapse, then one tier a year with the recognition probability.
        if m["lapse_revokes"]:
            t = np.zeros_like(tier)
            going = np.ones_like(tier, dtype=bool)
            for lvl in range(3):
                going = going & (tier > lvl) & all_met[lvl]
                t = t + going
            tier = t
        u = uniform0(unit_keys(int(p["recognition_key"]), draws, communes))
        stepped = np.ones_like(tier, dtype=bool)
        for _ in range(m["max_steps"]):
            ok = stepped & (tier < 3)
            for lvl in range(3):
                ok = ok & ((tier < lvl) | all_met[lvl])
            p_by_tier = np.array(m["recognition_p"], dtype=F)           # by the tier reached
            step = ok & (u < p_by_tier[np.minimum(tier, 2)])
            tier = tier + step
            stepped = step
        # Districts: criteria completed with a yearly chance; recognised when every commune is standard.
        std_per = np.zeros((D, nD), dtype=np.int64)
        np.add.at(std_per, (slice(None), dist_of), (tier >= 1).T.astype(np.int64))
        dkeys = unit_keys(int(p["district_key"]), draws, np.arange(nD)).T    # (D, nD)
        left = d_missing.copy()
        for j in range(int(d_missing.max(initial=0))):
            uj = ((bits(dkeys, j) >> U64(41)).astype(F) + F(0.5)) / F(8388608)
            left = left - ((j < d_missing) & ~d_rec & (uj < F(m["district_hazard"])))
        d_missing = np.where(d_rec, d_missing, left)
        d_rec = d_rec | ((d_missing == 0) & (std_per == dist_size[None, :]))
        out.append(np.stack([(tier >= 1).sum(0), (tier >= 2).sum(0), (tier >= 3).sum(0), crit_std.sum(0)], axis=1))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--draws", type=int, default=None)
    ap.add_argument("--chunk", type=int, default=0, help="draws per chunk (default: about 2^18 commune-draws)")
    args = ap.parse_args()
    with open(os.path.join(args.model_dir, "model.json")) as f:
        m = json.load(f)
    C, K, Kp = m["C"], m["K"], m["Kp"]
    if m["policy"] != "proportional":
        sys.exit("ntm_peer: the peer implements the proportional policy; export a scenario with policy: proportional")
    z0 = np.fromfile(os.path.join(args.model_dir, "z0.f32"), dtype=F).reshape(C, Kp)
    cpp = np.fromfile(os.path.join(args.model_dir, "cpp.f32"), dtype=F).reshape(C, Kp)
    tier0 = np.fromfile(os.path.join(args.model_dir, "tier0.u8"), dtype=np.uint8)
    D = args.draws or m["draws"]
    chunk = args.chunk or max(1, (1 << 18) // C)
    start = time.perf_counter()
    totals = None
    for d0 in range(0, D, chunk):
        draws = np.arange(d0, min(D, d0 + chunk))
        res = project(m, z0, cpp, tier0, draws)
        part = np.array([r.sum(axis=0) for r in res])
        totals = part if totals is None else totals + part
    took = time.perf_counter() - start
    years = [p["year"] for p in m["years"]]
    for y, row in zip(years, totals):
        print(f"{y} mean standard={row[0] / D:.4f} advanced={row[1] / D:.4f} model={row[2] / D:.4f} "
              f"avg_criteria={row[3] / D / C:.4f}")
    units = C * D * len(years)
    print(f"peer projection: {took:.3f} s ({C} communes x {D} draws x {len(years)} years: {units / took:.0f} commune·draw·years per second)")


if __name__ == "__main__":
    main()
