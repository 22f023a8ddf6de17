"""Checks the mixed_precision section of a qcc --report file for internal
consistency: sensitivity sorted most sensitive first, every decision starts
from the SQNR the previous kept one reached, a promotion is kept exactly when
it raised the SQNR, and the final lists and SQNR follow from the kept
decisions."""

import json
import sys

m = json.load(open(sys.argv[1]))["mixed_precision"]
gains = [s["output_sqnr_db_with_layer_in_float"] for s in m["sensitivity"]]
assert gains == sorted(gains, reverse=True), gains
assert m["int8_output_sqnr_db"] < m["min_sqnr_db"], m
current, int16, keep_float = m["int8_output_sqnr_db"], [], []
for d in m["decisions"]:
    assert abs(d["output_sqnr_db_before"] - current) < 1e-9, (d, current)
    assert d["kept"] == (d["output_sqnr_db_after"] > current), d
    if d["kept"]:
        current = d["output_sqnr_db_after"]
        if d["precision"] == "int16":
            int16.append(d["layer"])
        else:
            if d["layer"] in int16:
                int16.remove(d["layer"])
            keep_float.append(d["layer"])
assert m["int16"] == int16 and m["keep_float"] == keep_float, (m, int16)
assert abs(m["final_output_sqnr_db"] - current) < 1e-9
assert m["met"] == (current >= m["min_sqnr_db"])
tried = {(d["layer"], d["precision"]) for d in m["decisions"]}
layers = [s["layer"] for s in m["sensitivity"]]
# Unmet budget: every layer was tried in int16 and in float.
assert m["met"] or tried == {(l, p) for l in layers for p in ("int16", "float")}
print(f"{len(m['decisions'])} decisions consistent; final "
      f"{m['final_output_sqnr_db']:.2f} dB")
