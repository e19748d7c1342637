#!/usr/bin/env python3
"""Print the medians of the last `cargo bench` run and the ratios read within each group.

Run from benches/sdk-compare after `cargo bench`. Reads criterion's
target/criterion/<group>/<function>/<size>/new/estimates.json; standard library only.
"""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent / "target" / "criterion"


def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.3f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def main():
    if not ROOT.is_dir():
        sys.exit(f"no criterion results under {ROOT}: run `cargo bench` first")
    groups = {}
    for est in sorted(ROOT.glob("*/*/*/new/estimates.json")):
        size_dir = est.parent.parent
        function, group = size_dir.parent.name, size_dir.parent.parent.name
        median = json.loads(est.read_text())["median"]["point_estimate"]
        groups.setdefault(group, {})[function] = median
    for group, m in groups.items():
        print(group)
        for function, ns in m.items():
            print(f"  {function:<22} {fmt(ns):>12}")
        sdk = m.get("sdk") or m.get("sdk_retries_disabled")
        if "proto_signed" in m and sdk:
            print(f"  (b)/(a) sdk / proto_signed       = {sdk / m['proto_signed']:.1f}x")
        if "sdk_retries_disabled" in m and "proto_signed" in m and "sdk" in m:
            r = m["sdk_retries_disabled"] / m["proto_signed"]
            print(f"  sdk_retries_disabled / proto_signed = {r:.1f}x")
        if "proto_unsigned" in m and "proto_signed" in m:
            share = m["proto_unsigned"] / m["proto_signed"]
            print(f"  crate share of (a): {fmt(m['proto_unsigned'])} ({share:.0%})")


if __name__ == "__main__":
    main()
