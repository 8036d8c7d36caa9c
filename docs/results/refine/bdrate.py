"""The BD-rate method of analyse.py and per_image.py: piecewise-linear log-rate against quality, over only
the quality range both curves cover; a curve is cut at its last rising point (monotonic), never fitted."""
import math


def monotonic(c):
    keep = [c[0]]
    for x in c[1:]:
        if x[1] > keep[-1][1] and x[0] > keep[-1][0]: keep.append(x)
        else: break
    return keep, len(keep) < len(c)


def interp(c, q):  # log-rate at quality q on a monotonic curve
    for (r0, q0), (r1, q1) in zip(c, c[1:]):
        if q0 <= q <= q1: return r0 + (r1 - r0) * (q - q0) / (q1 - q0)
    return None


def bd(test, anchor):
    lo, hi = max(test[0][1], anchor[0][1]), min(test[-1][1], anchor[-1][1])
    if hi <= lo: return None
    n = 200
    d = [interp(test, lo + (hi - lo) * (i + 0.5) / n) - interp(anchor, lo + (hi - lo) * (i + 0.5) / n) for i in range(n)]
    return 100 * (math.exp(sum(d) / n) - 1)
