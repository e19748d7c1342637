#!/usr/bin/env python3
"""Print the medians of the last `cargo bench` run and the ratios read within each group.

Run from benches/sdk-compare after `cargo bench`. Reads criterion's
target/criterion/<group>/<function>[/<size>]/new/estimates.json; standard library only.
"""

import json
import pathlib
import sys

import os

# The criterion output of the last run: the first argument, else $CARGO_TARGET_DIR/criterion
# when cargo was told to build elsewhere, else this folder's target/criterion.
if len(sys.argv) > 1:
    ROOT = pathlib.Path(sys.argv[1])
elif os.environ.get("CARGO_TARGET_DIR"):
    ROOT = pathlib.Path(os.environ["CARGO_TARGET_DIR"]) / "criterion"
else:
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
    for est in sorted(ROOT.glob("**/new/estimates.json")):
        parts = est.relative_to(ROOT).parts[:-2]  # group/function[/size]
        if len(parts) < 2:
            continue
        group, function = parts[0], parts[1]
        # A shared CARGO_TARGET_DIR also holds the library's benches: keep this crate's groups.
        if not (group.startswith("put_record_") or group == "harness"):
            continue
        median = json.loads(est.read_text())["median"]["point_estimate"]
        groups.setdefault(group, {})[function] = median
    for group, m in groups.items():
        print(group)
        for function, ns in m.items():
            print(f"  {function:<24} {fmt(ns):>12}")
        signed = m.get("proto_signed")
        for sdk_name in ("sdk", "sdk_retries_disabled", "proto_signed_aws_sigv4"):
            if signed and sdk_name in m:
                print(f"  ratio {sdk_name} / proto_signed: {m[sdk_name] / signed:.1f}x")
        if signed and "proto_unsigned" in m:
            share = m["proto_unsigned"] / signed
            print(f"  crate share of proto_signed: {fmt(m['proto_unsigned'])} ({share:.0%})")

if __name__ == "__main__":
    main()
