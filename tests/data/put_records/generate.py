#!/usr/bin/env python3
"""Writes the golden PutRecords request fixtures of tests/put_records.rs.

The expected bodies come from Python's own `json` and `base64` modules, never from the crate,
so the fixtures are an independent statement of the wire format:

* awsJson1_1 (Smithy awsJson1_1 protocol): one compact JSON object, unset members left out;
* Kinesis API reference, PutRecords: `Records` (a list of `PutRecordsRequestEntry`, each with
  `Data` as a base64 blob, `ExplicitHashKey`, `PartitionKey`), `StreamName`, `StreamARN`,
  `DryRun` (boolean), written in that order, the order of the official SDKs;
* headers `content-type: application/x-amz-json-1.1`, `x-amz-target:
  Kinesis_20131202.PutRecords`, `content-length`, `host`.

Each case is a folder under `requests/` holding:

* `input.json`   the builder calls (see tests/put_records.rs for the keys);
* `request.txt`  the request line and the headers in order, then an empty line;
* `body.json`    the exact body bytes (no trailing newline), or, for a large body,
  `body.sha256`  the lower-case hex SHA-256 of the body (its length is the content-length).

Run `python3 tests/data/put_records/generate.py` from the crate root to rewrite them.
"""
import base64
import hashlib
import json
import os
import shutil

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requests")
HOST = "kinesis.us-east-1.amazonaws.com"
ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/my-stream"
MAX_HASH_KEY = str(2**128 - 1)
LARGE_BODY = 4096


def data_bytes(spec):
    (kind, value), = spec.items()
    if kind == "text":
        return value.encode("utf-8")
    if kind == "hex":
        return bytes.fromhex(value)
    if kind == "generated_len":  # byte i is (i % 251)
        return bytes(i % 251 for i in range(value))
    raise ValueError(kind)


def entries_of(inp):
    """`entries`, or `generated_entries` {count, size}: entry i has key `key-{i}` and `size`
    generated data bytes."""
    if "generated_entries" in inp:
        g = inp["generated_entries"]
        return [{"data": {"generated_len": g["size"]}, "partition_key": f"key-{i}"}
                for i in range(g["count"])]
    return inp["entries"]


def body_of(inp):
    records = []
    for entry in entries_of(inp):
        record = {"Data": base64.b64encode(data_bytes(entry["data"])).decode("ascii")}
        if "explicit_hash_key" in entry:
            record["ExplicitHashKey"] = entry["explicit_hash_key"]
        if "partition_key" in entry:
            record["PartitionKey"] = entry["partition_key"]
        records.append(record)
    body = {"Records": records}
    if "stream_name" in inp:
        body["StreamName"] = inp["stream_name"]
    if "stream_arn" in inp:
        body["StreamARN"] = inp["stream_arn"]
    if "dry_run" in inp:
        body["DryRun"] = inp["dry_run"]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


CASES = {
    "single_entry": {
        "stream_name": "my-stream",
        "entries": [{"data": {"text": "hello world"}, "partition_key": "abcd"}],
    },
    "api_reference_example": {
        "stream_name": "exampleStreamName",
        "entries": [
            {"data": {"text": "XzxkYXRhPl8w"}, "partition_key": "partitionKey1"},
            {"data": {"text": "AbceddfffdggfF"}, "partition_key": "partitionKey2"},
            {"data": {"text": "SGVsbG8gV29ybGQ="}, "partition_key": "partitionKey3"},
        ],
    },
    "every_member": {
        "stream_name": "my-stream",
        "stream_arn": ARN,
        "dry_run": True,
        "entries": [
            {"data": {"hex": "00010203fdfeff"}, "partition_key": "abcd",
             "explicit_hash_key": MAX_HASH_KEY},
            {"data": {"hex": ""}, "partition_key": "e", "explicit_hash_key": "0"},
            {"data": {"hex": "fbff"}, "partition_key": "f"},
        ],
    },
    "dry_run_false_arn_only": {
        "stream_arn": ARN,
        "dry_run": False,
        "entries": [{"data": {"text": "x"}, "partition_key": "k"}],
    },
    "escaped_partition_keys": {
        "stream_name": "my-stream",
        "entries": [
            {"data": {"text": "{\"json\":\"inside\"}"},
             "partition_key": "q\"b\\s/ nl\n soh\u0001 us\u001f tab\t nul\u0000 del\u007f é中😀"},
            {"data": {"text": "a"}, "partition_key": "😀" * 128},
        ],
    },
    "auto_mixed_keyless_and_keyed": {
        "stream_name": "on-demand",
        "record_distribution": "AUTO",
        "entries": [
            {"data": {"text": "one"}},
            {"data": {"text": "two"}, "partition_key": "ignored-by-the-service"},
            {"data": {"text": "three"}},
        ],
    },
    "custom_endpoint": {
        "endpoint": "http://localhost:4567",
        "stream_name": "my-stream",
        "entries": [{"data": {"text": "hello"}, "partition_key": "k"}],
    },
    # 500 entries of 1 KiB: the bench's batch.
    "five_hundred_1kib_entries": {
        "stream_name": "orders",
        "generated_entries": {"count": 500, "size": 1024},
    },
    # Ten records of 1 MiB minus their keys (key-0 .. key-9, 5 bytes each): exactly 10 MiB.
    "exactly_10_mib": {
        "stream_name": "orders",
        "generated_entries": {"count": 10, "size": 1048576 - 5},
    },
}


def main():
    shutil.rmtree(HERE, ignore_errors=True)
    for name, inp in CASES.items():
        folder = os.path.join(HERE, name)
        os.makedirs(folder)
        body = body_of(inp)
        host = HOST
        if "endpoint" in inp:
            host = inp["endpoint"].split("://", 1)[1]
        head = "".join(
            f"{line}\n"
            for line in [
                "POST / HTTP/1.1",
                "content-type: application/x-amz-json-1.1",
                "x-amz-target: Kinesis_20131202.PutRecords",
                f"content-length: {len(body)}",
                f"host: {host}",
                "",
            ]
        )
        with open(os.path.join(folder, "input.json"), "w", encoding="utf-8") as f:
            json.dump(inp, f, ensure_ascii=False, indent=2)
            f.write("\n")
        with open(os.path.join(folder, "request.txt"), "wb") as f:
            f.write(head.encode("utf-8"))
        if len(body) > LARGE_BODY:
            with open(os.path.join(folder, "body.sha256"), "w") as f:
                f.write(hashlib.sha256(body).hexdigest() + "\n")
        else:
            with open(os.path.join(folder, "body.json"), "wb") as f:
                f.write(body)


if __name__ == "__main__":
    main()
