#!/usr/bin/env python3
"""Writes the golden PutRecord request fixtures of tests/request.rs.

The expected bodies come from Python's own `json` and `base64` modules, never from the crate,
so the fixtures are an independent statement of the wire format:

* awsJson1_1 (Smithy awsJson1_1 protocol): one compact JSON object, unset members left out;
* Kinesis API reference, PutRecord: members `StreamName`, `Data` (base64 blob), `PartitionKey`,
  `ExplicitHashKey`, `SequenceNumberForOrdering`, `StreamARN`, `DryRun` (boolean), written in
  that order;
* headers `content-type: application/x-amz-json-1.1`, `x-amz-target:
  Kinesis_20131202.PutRecord`, `content-length`, `host`.

Each case is a folder holding:

* `input.json`   the builder calls (see tests/request.rs for the keys);
* `request.txt`  the request line and the headers in order, then an empty line;
* `body.json`    the exact body bytes (no trailing newline), or, for a large body,
  `body.sha256`  the lower-case hex SHA-256 of the body (its length is the content-length).

Run `python3 tests/data/requests/generate.py` from the crate root to rewrite them.
"""
import base64
import hashlib
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
REGIONAL_HOST = "kinesis.us-east-1.amazonaws.com"
ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/my-stream"
MAX_HASH_KEY = str(2**128 - 1)


def data_bytes(spec):
    (kind, value), = spec.items()
    if kind == "text":
        return value.encode("utf-8")
    if kind == "hex":
        return bytes.fromhex(value)
    if kind == "base64":
        return base64.b64decode(value, validate=True)
    if kind == "generated_len":  # byte i is (i % 251)
        return bytes(i % 251 for i in range(value))
    raise ValueError(kind)


def body_of(inp):
    body = {}
    if "stream_name" in inp:
        body["StreamName"] = inp["stream_name"]
    body["Data"] = base64.b64encode(data_bytes(inp["data"])).decode("ascii")
    if "partition_key" in inp:
        body["PartitionKey"] = inp["partition_key"]
    if "explicit_hash_key" in inp:
        body["ExplicitHashKey"] = inp["explicit_hash_key"]
    if "sequence_number_for_ordering" in inp:
        body["SequenceNumberForOrdering"] = inp["sequence_number_for_ordering"]
    if "stream_arn" in inp:
        body["StreamARN"] = inp["stream_arn"]
    if "dry_run" in inp:
        body["DryRun"] = inp["dry_run"]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


CASES = {
    "minimal": {
        "stream_name": "s",
        "partition_key": "k",
        "data": {"hex": "00"},
    },
    "worked_example_74_bytes": {
        "stream_name": "my-stream",
        "partition_key": "abcd",
        "data": {"text": "hello world"},
    },
    "quickstart": {
        "stream_name": "exampleStreamName",
        "partition_key": "partitionKey",
        "data": {"text": "_<data>_1"},
    },
    "every_optional_member": {
        "stream_name": "my-stream",
        "stream_arn": ARN,
        "partition_key": "abcd",
        "data": {"base64": "AAEC/f7/"},
        "explicit_hash_key": MAX_HASH_KEY,
        "sequence_number_for_ordering": "49590338271490256608559692538361571095921575989136588898",
        "dry_run": True,
    },
    "dry_run_false": {
        "stream_name": "my-stream",
        "partition_key": "abcd",
        "data": {"text": "x"},
        "dry_run": False,
    },
    "empty_data": {
        "stream_name": "my-stream",
        "partition_key": "abcd",
        "data": {"hex": ""},
    },
    "standard_alphabet_and_one_padding_character": {
        "stream_name": "my-stream",
        "partition_key": "abcd",
        "data": {"hex": "fbff"},
    },
    "escaped_partition_key": {
        "stream_name": "my-stream",
        "partition_key": "q\"b\\s/ nl\n soh\u0001 us\u001f tab\t cr\r bs\b ff\f nul\u0000 del\u007f é中😀",
        "data": {"text": "{\"json\":\"inside\"}"},
    },
    "arn_only": {
        "stream_arn": ARN,
        "partition_key": "abcd",
        "data": {"text": "hello world"},
    },
    "arn_with_escaped_characters": {
        "stream_arn": "arn:aws-cn:kinesis:a\"b\\c:123456789012:stream/q\"b\\s/é",
        "partition_key": "abcd",
        "data": {"text": "a"},
    },
    "auto_keyless": {
        "stream_name": "on-demand",
        "data": {"text": "hello world"},
        "record_distribution": "AUTO",
    },
    "auto_with_partition_key": {
        "stream_name": "on-demand",
        "partition_key": "abcd",
        "data": {"text": "hello world"},
        "record_distribution": "AUTO",
    },
    "longest_sequence_number_and_zero_hash_key": {
        "stream_name": "my-stream",
        "partition_key": "abcd",
        "data": {"text": "abc"},
        "explicit_hash_key": "0",
        "sequence_number_for_ordering": "9" * 129,
    },
    "custom_endpoint": {
        "endpoint": "http://localhost:4567",
        "stream_name": "my-stream",
        "partition_key": "abcd",
        "data": {"text": "hello world"},
    },
    # Data plus key UTF-8 bytes is exactly the default limit, 1 MiB: the key "key-é中😀" is 13
    # bytes (4 + 2 + 3 + 4), so the data is 1,048,563 bytes.
    "one_mib_record": {
        "stream_name": "my-stream",
        "partition_key": "key-é中😀",
        "data": {"generated_len": 1048576 - len("key-é中😀".encode("utf-8"))},
    },
}

LARGE_BODY = 4096


def main():
    for name, inp in CASES.items():
        folder = os.path.join(HERE, name)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        body = body_of(inp)
        host = REGIONAL_HOST
        path = "/"
        if "endpoint" in inp:
            host = inp["endpoint"].split("://", 1)[1]
        head = "".join(
            f"{line}\n"
            for line in [
                f"POST {path} HTTP/1.1",
                "content-type: application/x-amz-json-1.1",
                "x-amz-target: Kinesis_20131202.PutRecord",
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
