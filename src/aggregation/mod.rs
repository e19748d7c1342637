//! KPL aggregation: many user records in one Kinesis record, in the format of the Kinesis
//! Producer Library, which the Kinesis Client Library, the `aws-kinesis-agg` libraries and AWS
//! Lambda consumers read back. Kinesis limits and bills writes per record, so small records
//! packed together cost a fraction of what they cost alone.
//!
//! One file per step: `protobuf` (varints, tags and fields, read as protobuf-java reads them),
//! `messages` (the framing and the three messages of the KPL's `messages.proto`), `kpl_layout` (a
//! record as the KPL lays it out, read directly), `key_table` (an
//! aggregate's key tables as they are built), `aggregator` ([`Aggregator`],
//! [`AggregationLimits`], [`AggregatedRecord`]) and `deaggregate`
//! ([`deaggregate`], [`deaggregate_for_shard`]). The wire types stay private.

mod aggregator;
mod deaggregate;
mod key_table;
mod kpl_layout;
mod messages;
mod protobuf;

pub use aggregator::{AggregatePushError, AggregatedRecord, AggregationLimits, Aggregator};
pub use deaggregate::{
    DeaggregateError, Deaggregated, SubRecord, SubRecords, deaggregate, deaggregate_for_shard,
};
