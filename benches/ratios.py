#!/usr/bin/env python3
"""Prints every criterion median of the last `cargo bench` run beside its floor.

Usage: cargo bench -p kinesis-proto-benches [--bench NAME] && python3 benches/ratios.py [DIR]
(DIR defaults to the workspace's target/criterion.)

Within a group, a benchmark whose function name starts with `floor` is a floor; every other
benchmark is shown with its ratio to each floor of the same parameter, and to each floor of its
group that has no parameter. Medians come from criterion's own `estimates.json` files. Last, each
bound of BENCHMARKS.md's targets whose benchmarks ran, with its ratio and whether it is met.
"""
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "criterion")
rows = {}  # (group, param) -> {function: median_ns}
for dirpath, dirnames, filenames in os.walk(root):
    if os.path.basename(dirpath) != "new" or "estimates.json" not in filenames:
        continue
    with open(os.path.join(dirpath, "benchmark.json")) as f:
        bench = json.load(f)
    with open(os.path.join(dirpath, "estimates.json")) as f:
        median = json.load(f)["median"]["point_estimate"]
    key = (bench["group_id"], bench.get("value_str") or "")
    rows.setdefault(key, {})[bench.get("function_id") or ""] = median


def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


print(f"| group | parameter | benchmark | median | ratio to floor |")
print(f"|---|---|---|---|---|")
for (group, param), functions in sorted(rows.items()):
    floors = {name: ns for name, ns in functions.items() if name.startswith("floor")}
    if param:
        shared = rows.get((group, ""), {})
        floors.update({n: ns for n, ns in shared.items() if n.startswith("floor")})
    for name, ns in sorted(functions.items(), key=lambda kv: (not kv[0].startswith("floor"), kv[0])):
        if name.startswith("floor"):
            ratio = "floor"
        else:
            ratio = ", ".join(f"{ns / f:.2f}x {fname}" for fname, f in sorted(floors.items())) or "-"
        print(f"| {group} | {param} | {name} | {fmt(ns)} | {ratio} |")


# (group, parameter, benchmark, floor, bound): the targets of BENCHMARKS.md.
TARGETS = [
    ("validate_and_build", "1MiB", "crate", "floor_base64simd", 1.10),
    ("shard_for", "10000", "route_16B", "floor_md5_16B", 1.15),
    ("parse_put_record_response", "", "crate_success", "floor_serde_borrowed", 1.3),
    ("put_records_500x1KiB", "", "crate_validate_and_build", "floor_base64simd_per_record", 1.35),
    ("aggregate_400x100B", "", "crate_push_and_finish", "floor_md5_and_copy", 1.5),
    ("deaggregate_400x100B", "", "crate_deaggregate_and_read", "floor_md5", 1.5),
    ("producer_4000x100B", "", "crate_push_to_delivered", "floor_md5_keys_md5_protobufs_base64", 2.0),
    # Signing: at 100 B within 2x the floor and at least 5x faster than aws-sigv4 (a bound of
    # 0.20 on crate / aws_sigv4); at 1 MiB within 1.10x the SHA-256 of the body.
    ("sign", "100B", "crate", "floor_sha256_body_canonical_hmac", 2.0),
    ("sign", "100B", "crate", "aws_sigv4", 0.20),
    ("sign", "1MiB", "crate", "floor_sha256_body", 1.10),
]
met = []
for group, param, name, floor, bound in TARGETS:
    ns = rows.get((group, param), {}).get(name)
    floor_ns = rows.get((group, param), {}).get(floor) or rows.get((group, ""), {}).get(floor)
    if ns is None or floor_ns is None:
        continue
    ratio = ns / floor_ns
    met.append(f"| {group} | {param} | {name} | {ratio:.2f}x {floor} | <= {bound}x | {'met' if ratio <= bound else 'MISSED'} |")
if met:
    print()
    print("| group | parameter | benchmark | ratio | bound | verdict |")
    print("|---|---|---|---|---|---|")
    print("\n".join(met))
