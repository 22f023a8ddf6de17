"""Writes a damaged copy of a calibration profile for the bad-profile tests.

    mutate_profile.py <good.json> <out.json> <case>

Each case breaks one thing (see CASES); tensor #1 is the one damaged.
"""

import copy
import json
import sys


def tensor(p):
    return p["tensors"][1]


def set_field(key, value):
    def apply(p):
        tensor(p)[key] = value
    return apply


def extra(p):
    ghost = copy.deepcopy(p["tensors"][0])
    ghost["name"] = "ghost"
    p["tensors"].append(ghost)


def first_filled_bin(p):
    return next(j for j, count in enumerate(tensor(p)["abs_histogram"])
                if count)


def set_point_mass(value):
    def apply(p):
        j = first_filled_bin(p)
        tensor(p)["abs_point_masses"][j] = value(tensor(p)["abs_histogram"][j])
    return apply


CASES = {
    "not-object": lambda p: p.clear() or p.update({"__list__": True}),
    "format": lambda p: p.update(format="something-else"),
    "version": lambda p: p.update(version=1),
    "samples": lambda p: p.update(samples=0),
    "bins": lambda p: p.update(histogram_bins=1024),
    "unknown-top": lambda p: p.update(comment="hand edited"),
    "missing": lambda p: p["tensors"].pop(1),
    "extra": extra,
    "duplicate": lambda p: p["tensors"].append(copy.deepcopy(p["tensors"][0])),
    "no-name": lambda p: tensor(p).pop("name"),
    "min-max": lambda p: tensor(p).update(min=tensor(p)["max"] + 1),
    "nan": set_field("min", float("nan")),
    "inf": set_field("max", float("inf")),
    "negative": set_field("finite", -5),
    "negative-bin": lambda p: tensor(p)["histogram"].__setitem__(7, -1),
    "fraction": set_field("zeros", 1.5),
    "string": set_field("nonfinite", "12"),
    "bin-count": lambda p: tensor(p).update(histogram=tensor(p)["histogram"][:100]),
    "bin-sum": lambda p: tensor(p)["abs_histogram"].__setitem__(0, tensor(p)["abs_histogram"][0] + 1),
    "tail": lambda p: tensor(p)["smallest"].__setitem__(0, tensor(p)["min"] - 1),
    "unknown-field": set_field("colour", "blue"),
    "no-min": lambda p: tensor(p).pop("min"),
    "point-mass-one": set_point_mass(lambda count: 1),
    "point-mass-over": set_point_mass(lambda count: count + 2),
    "no-point-masses": lambda p: tensor(p).pop("abs_point_masses"),
}


def main():
    source, target, case = sys.argv[1:4]
    text = open(source).read()
    if case == "truncated":
        open(target, "w").write(text[:len(text) // 2])
        return
    profile = json.loads(text)
    CASES[case](profile)
    if profile.get("__list__"):
        profile = [1, 2]
    with open(target, "w") as f:
        json.dump(profile, f)


if __name__ == "__main__":
    main()
