"""The numbers qcc.evaluate reports, on plain numpy arrays."""

import numpy as np


def sqnr_db(reference, actual):
    """Signal-to-quantization-noise ratio of `actual` against `reference`
    in dB: 10 log10(sum(ref^2) / sum((ref - actual)^2)); inf when they are
    equal."""
    reference = np.asarray(reference, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    noise = float(np.sum((reference - actual) ** 2))
    if noise == 0.0:
        return float("inf")
    signal = float(np.sum(reference ** 2))
    return float("-inf") if signal == 0.0 else 10.0 * np.log10(signal / noise)


def max_abs_error(reference, actual):
    """The largest |reference - actual| (0 for empty arrays)."""
    difference = np.abs(np.asarray(reference, dtype=np.float64) -
                        np.asarray(actual, dtype=np.float64))
    return float(difference.max()) if difference.size else 0.0


def top1_accuracy(scores, labels):
    """Fraction of samples whose highest score (the first on ties) is the
    label. `scores` is [N, ...classes], flattened per sample; `labels` is
    [N] class indices or [N, classes] one-hot (or probabilities)."""
    scores = np.asarray(scores)
    scores = scores.reshape(len(scores), -1)
    labels = np.asarray(labels)
    if labels.ndim > 1:
        labels = labels.reshape(len(labels), -1).argmax(axis=1)
    if len(labels) == 0:
        return float("nan")
    return float(np.mean(scores.argmax(axis=1) == labels))
