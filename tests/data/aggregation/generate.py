#!/usr/bin/env python3
"""Writes the fixtures of this folder that are not copied from awslabs/kinesis-aggregation:
aggregates made by an encoder independent of this crate, the `aws-kinesis-agg` package from
PyPI (its `messages_pb2` is generated from the KPL's own `messages.proto`, serialized by Google's
`protobuf` package).

    python3 -m venv /tmp/agg && /tmp/agg/bin/pip install aws-kinesis-agg==1.2.3 six
    /tmp/agg/bin/python tests/data/aggregation/generate.py

The tests read the JSON files only; they need no Python.
"""
import base64
import hashlib
import json
import os
import sys

import aws_kinesis_agg
import aws_kinesis_agg.aggregator as agg

# The package's messages_pb2 imports config_pb2 as a top-level module.
sys.path.insert(0, os.path.dirname(aws_kinesis_agg.__file__))
import messages_pb2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MADE_BY = "aws-kinesis-agg 1.2.3 (PyPI), RecordAggregator"


def write(name, case):
    data = base64.b64decode(case["data"])
    case = {"data_len": len(data), **case}
    order = ["source", "made_by", "kinesis_partition_key", "data_len", "data", "expect", "error",
             "reproduce", "records"]
    case = {k: case[k] for k in order if k in case}
    with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(case, indent=2, ensure_ascii=False) + "\n")


def aggregate(records):
    aggregator = agg.RecordAggregator()
    for r in records:
        assert not aggregator.add_user_record(
            partition_key=r["partition_key"],
            explicit_hash_key=r.get("explicit_hash_key"),
            data=r["data"].encode("utf-8"),
        )
    pk, _ehk, data = aggregator.clear_and_get().get_contents()
    return pk, base64.b64encode(data).decode("ascii")


# Repeated keys, explicit hash keys on some records only (one repeated), an empty record, a
# non-ASCII key, a record longer than 127 bytes (a two-byte length), both ends of the hash key
# range.
mixed = [
    {"partition_key": "customer-1", "data": "first"},
    {"partition_key": "customer-2", "explicit_hash_key": "170141183460469231731687303715884105728",
     "data": ""},
    {"partition_key": "customer-1", "data": "third"},
    {"partition_key": "é😀 key", "explicit_hash_key": "0", "data": "fourth"},
    {"partition_key": "customer-2", "explicit_hash_key": "170141183460469231731687303715884105728",
     "data": "x" * 200},
    {"partition_key": "k", "explicit_hash_key": "340282366920938463463374607431768211455",
     "data": "last"},
]
pk, data = aggregate(mixed)
write("python_mixed_keys", {
    "source": "tests/data/aggregation/generate.py",
    "made_by": MADE_BY,
    "kinesis_partition_key": pk,
    "data": data,
    "expect": "aggregate",
    "reproduce": True,
    "records": mixed,
})

# The python library aggregates even a single record; the KPL sends one record as itself.
one = [{"partition_key": "alone", "data": "only record"}]
pk, data = aggregate(one)
write("python_one_record", {
    "source": "tests/data/aggregation/generate.py",
    "made_by": MADE_BY + "; the KPL would send this record as itself, not aggregated",
    "kinesis_partition_key": pk,
    "data": data,
    "expect": "aggregate",
    "reproduce": False,
    "records": one,
})

# The aggregate of go/deaggregator/deaggregator_test.go's generateAggregateRecord(3) in
# awslabs/kinesis-aggregation: record i has partition key index i (key "test<i>") and explicit
# hash key index 10*i, but the explicit hash key table is empty. The go reader ignores the
# index; the KCL's lookup fails at the first record.
message = messages_pb2.AggregatedRecord()
for i in range(3):
    r = message.records.add()
    r.partition_key_index = i
    r.explicit_hash_key_index = 10 * i
    r.data = b"Some test data string"
    message.partition_key_table.append("test%d" % i)
body = message.SerializeToString()
framed = aws_kinesis_agg.MAGIC + body + hashlib.md5(body).digest()
write("go_recipe_empty_explicit_hash_key_table", {
    "source": "awslabs/kinesis-aggregation at c2774b1ab29b3bd35808d70d9512e9fe4df8090a, "
              "go/deaggregator/deaggregator_test.go `generateAggregateRecord(3)`, rebuilt by "
              "tests/data/aggregation/generate.py",
    "made_by": "Google protobuf (python) with the KPL's messages.proto, by the go test's recipe",
    "kinesis_partition_key": "1234",
    "data": base64.b64encode(framed).decode("ascii"),
    "expect": "error",
    "error": {"kind": "ExplicitHashKeyIndex", "sub_sequence_number": 0, "index": 0,
              "table_len": 0},
    "reproduce": False,
    "records": [{"partition_key": "test%d" % i, "data": "Some test data string"}
                for i in range(3)],
})
