"""Independent reference for TensorStatisticsTest.cpp.

Computes the entropy (KL) and mse choices on the synthetic histograms of the
unit test with numpy, written from the definitions in docs/Numerics.md rather
than from the C++ code: the entropy divergence vectorized per candidate with
np.digitize-free integer grouping, the mse error as a brute-force table over
every pair of bin edges. Run with Debian's python3:

    /usr/bin/python3 test/unittests/Calibration/histogram_reference.py

and copy the printed numbers into the test when a histogram changes.
"""

import numpy as np

BINS = 2048


def laplace(scale, total, outliers):
    """Counts of a discretized exponential decay with a few far outliers."""
    j = np.arange(BINS)
    counts = np.floor(total * np.exp(-(j + 0.5) / scale)).astype(np.int64)
    counts[BINS - 1] += outliers
    return counts


def kl(hist, i, levels):
    hist = hist.astype(np.float64)
    p = hist[:i].copy()
    p[i - 1] += hist[i:].sum()
    groups = (np.arange(i) * levels) // i
    sums = np.bincount(groups, weights=hist[:i], minlength=levels)
    nonzero = np.bincount(groups, weights=(p != 0).astype(np.float64),
                          minlength=levels)
    q = np.where(p != 0, sums[groups] / np.maximum(nonzero[groups], 1), 0.0)
    if q.sum() == 0:
        return np.inf
    p = p / p.sum()
    q = q / q.sum()
    mask = p > 0
    if np.any(q[mask] == 0):
        return np.inf
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))


def entropy_bins(hist, levels):
    divergences = [kl(hist, i, levels) for i in range(levels, BINS + 1)]
    divergences = np.array(divergences)
    # ties: the largest i
    best = len(divergences) - 1 - int(np.argmin(divergences[::-1]))
    return levels + best


def mse_edges(hist, low, high, steps=255):
    """Brute force over the table of every (lowEdge, highEdge) pair."""
    hist = hist.astype(np.float64)
    width = (high - low) / BINS
    edges = low + (high - low) * (np.arange(BINS + 1) / BINS)
    centers = low + (high - low) * ((np.arange(BINS) + 0.5) / BINS)
    k = np.arange(BINS + 1)[:, None]
    j = np.arange(BINS)[None, :]
    per_bin = (centers[None, :] - edges[:, None]) ** 2 + width ** 2 / 12
    clip_low = np.sum(np.where(j < k, hist[None, :] * per_bin, 0.0), axis=1)
    clip_high = np.sum(np.where(j >= k, hist[None, :] * per_bin, 0.0), axis=1)
    below = np.concatenate([[0.0], np.cumsum(hist)])
    lo = np.arange(BINS + 1)[:, None]
    hi = np.arange(BINS + 1)[None, :]
    step = (edges[None, :] - edges[:, None]) / steps
    error = (clip_low[:, None] + clip_high[None, :]
             + (below[None, :] - below[:, None]) * step * step / 12)
    valid = (edges[:, None] <= 0) & (edges[None, :] >= 0) & (hi > lo)
    error = np.where(valid, error, np.inf)
    best = error.min()
    # ties: the smallest lowEdge, then the largest highEdge
    candidates = np.argwhere(error == best)
    order = sorted(candidates.tolist(), key=lambda c: (c[0], -c[1]))
    lo_edge, hi_edge = order[0]
    return lo_edge, hi_edge, edges[lo_edge], edges[hi_edge]


def tensor_range(values, method):
    """The range `method` gives a tensor's values, end to end: the
    histograms (exact zeros and non-finite values left out), the choice,
    and the clipping to the observed [min, max]."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    mn, mx = float(v.min()), float(v.max())
    if method == "minmax" or mn == mx:
        return mn, mx
    nz = v[v != 0]
    lo, hi = min(mn, 0.0), max(mx, 0.0)
    amax = max(abs(mn), abs(mx))

    def histogram(t):
        index = np.minimum(np.floor(t * BINS), BINS - 1).astype(np.int64)
        return np.bincount(index, minlength=BINS)

    if method == "entropy":
        levels = 128 if mn < 0 < mx else 256
        i = entropy_bins(histogram(np.abs(nz) / amax), levels)
        t = amax * (i / BINS)
        a, b = (-t if mn < 0 else 0.0), (t if mx > 0 else 0.0)
    else:
        _, _, a, b = mse_edges(histogram((nz - lo) / (hi - lo)), lo, hi)
    low, high = max(mn, a), min(mx, b)
    return (a, b) if low > high else (low, high)


def gaussian(low, high, mean, sigma, total):
    centers = low + (high - low) * ((np.arange(BINS) + 0.5) / BINS)
    return np.floor(total * np.exp(-0.5 * ((centers - mean) / sigma) ** 2)).astype(np.int64)


if __name__ == "__main__":
    h = laplace(60.0, 1e6, 3)
    print("entropy laplace(60) +3 outliers, 128 levels:", entropy_bins(h, 128))
    print("entropy laplace(60) +3 outliers, 256 levels:", entropy_bins(h, 256))
    h = laplace(400.0, 1e5, 0)
    print("entropy laplace(400), 128 levels:", entropy_bins(h, 128))
    u = np.zeros(BINS, np.int64)
    u[:300] = 1000
    u[BINS - 1] = 1
    print("entropy uniform[0,300) + 1 outlier, 128:", entropy_bins(u, 128))
    print("entropy uniform[0,300) + 1 outlier, 256:", entropy_bins(u, 256))
    g = gaussian(-1.0, 3.0, 0.0, 0.25, 1e5)
    g[BINS - 1] += 2
    print("mse gaussian(0, 0.25) on [-1, 3] + 2 outliers:", mse_edges(g, -1.0, 3.0))
    h = laplace(60.0, 1e6, 3)
    print("mse laplace(60) +3 outliers on [0, 8]:", mse_edges(h, 0.0, 8.0))
    one = np.zeros(BINS, np.int64)
    one[0] = 50
    print("mse one bin at the bottom of [0, 1]:", mse_edges(one, 0.0, 1.0))
