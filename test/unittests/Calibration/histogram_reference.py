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


def kl(hist, i, levels, masses=None):
    """KL(P || Q) of candidate i; `masses` are the point masses (none if
    None): they stay in their bins in Q, and only the rest of a level's
    count is spread over the bins where P minus the point mass is not 0."""
    hist = hist.astype(np.float64)
    masses = (np.zeros_like(hist) if masses is None
              else np.asarray(masses, dtype=np.float64))
    p = hist[:i].copy()
    p[i - 1] += hist[i:].sum()
    groups = (np.arange(i) * levels) // i
    rest = p - masses[:i]
    sums = np.bincount(groups, weights=hist[:i] - masses[:i],
                       minlength=levels)
    spread_to = rest != 0
    nonzero = np.bincount(groups, weights=spread_to.astype(np.float64),
                          minlength=levels)
    q = masses[:i] + np.where(spread_to, sums[groups] /
                              np.maximum(nonzero[groups], 1), 0.0)
    if q.sum() == 0:
        return np.inf
    p = p / p.sum()
    q = q / q.sum()
    mask = p > 0
    if np.any(q[mask] == 0):
        return np.inf
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))


def entropy_bins(hist, levels, masses=None):
    divergences = [kl(hist, i, levels, masses)
                   for i in range(levels, BINS + 1)]
    divergences = np.array(divergences)
    # ties: the largest i
    best = len(divergences) - 1 - int(np.argmin(divergences[::-1]))
    return levels + best


def point_masses(magnitudes, index):
    """Per bin, the final count of a Boyer-Moore majority vote over the
    bin's |x| in the given order, kept when it is at least 2."""
    candidate = {}
    count = np.zeros(BINS, np.int64)
    for value, j in zip(magnitudes.tolist(), index.tolist()):
        if count[j] == 0:
            candidate[j] = value
        count[j] += 1 if candidate[j] == value else -1
    return np.where(count >= 2, count, 0)


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


def histogram_of(t):
    """Counts of t in [0, 1] over BINS bins, t = 1 in the last."""
    index = np.minimum(np.floor(t * BINS), BINS - 1).astype(np.int64)
    return np.bincount(index, minlength=BINS)


def tensor_range(values, method):
    """The range `method` gives a tensor's values (in calibration order),
    end to end: the histograms and point masses (exact zeros and
    non-finite values left out), the choice, and the clipping to the
    observed [min, max]."""
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
        t = np.abs(nz) / amax
        index = np.minimum(np.floor(t * BINS), BINS - 1).astype(np.int64)
        i = entropy_bins(histogram(t), levels,
                         point_masses(np.abs(nz), index))
        t = amax * (i / BINS)
        a, b = (-t if mn < 0 else 0.0), (t if mx > 0 else 0.0)
    else:
        _, _, a, b = mse_edges(histogram((nz - lo) / (hi - lo)), lo, hi)
    low, high = max(mn, a), min(mx, b)
    return (a, b) if low > high else (low, high)


def spikes(scale=100.0, total=2e4, mass=200000):
    """A ReLU-like decay with 9 point masses (a constant background as the
    first convolution's channels see it): (counts, point masses)."""
    j = np.arange(BINS)
    counts = np.floor(total * np.exp(-(j + 0.5) / scale)).astype(np.int64)
    masses = np.zeros(BINS, np.int64)
    for b in (46, 50, 98, 127, 146, 158, 170, 187, 222):
        counts[b] += mass
        masses[b] = mass
    return counts, masses


def spiky_relu(n=20000):
    """Exponential quantiles -ln((i + 0.5) / n), and after every second one
    one of 9 repeated values 0.17 + 0.08 k (k = i / 2 mod 9), as float32 in
    that order."""
    values = []
    for i in range(n):
        values.append(np.float32(-np.log((i + 0.5) / n)))
        if i % 2 == 0:
            values.append(np.float32(0.17 + 0.08 * ((i // 2) % 9)))
    return np.array(values, dtype=np.float32)


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
    h, m = spikes()
    print("entropy spikes, no point masses, 256 / 128 levels:",
          entropy_bins(h, 256), entropy_bins(h, 128))
    print("entropy spikes with point masses, 256 / 128 levels:",
          entropy_bins(h, 256, m), entropy_bins(h, 128, m))
    c = h - m
    print("entropy spikes removed, 256 / 128 levels:",
          entropy_bins(c, 256), entropy_bins(c, 128))
    v = spiky_relu()
    t = np.abs(v.astype(np.float64)) / np.abs(v).max()
    index = np.minimum(np.floor(t * BINS), BINS - 1).astype(np.int64)
    masses = point_masses(np.abs(v.astype(np.float64)), index)
    print("spiky_relu point masses (bin, count):",
          [(int(b), int(masses[b])) for b in np.nonzero(masses)[0]])
    print("spiky_relu entropy bins without / with point masses:",
          entropy_bins(histogram_of(t), 256),
          entropy_bins(histogram_of(t), 256, masses))
    print("spiky_relu entropy range:", tensor_range(v, "entropy"))
    g = gaussian(-1.0, 3.0, 0.0, 0.25, 1e5)
    g[BINS - 1] += 2
    print("mse gaussian(0, 0.25) on [-1, 3] + 2 outliers:", mse_edges(g, -1.0, 3.0))
    h = laplace(60.0, 1e6, 3)
    print("mse laplace(60) +3 outliers on [0, 8]:", mse_edges(h, 0.0, 8.0))
    one = np.zeros(BINS, np.int64)
    one[0] = 50
    print("mse one bin at the bottom of [0, 1]:", mse_edges(one, 0.0, 1.0))
