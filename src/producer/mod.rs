//! The producer engine (sans-IO, in the style of quinn-proto): user records in, signed-by-the-
//! caller `PutRecords` requests out, one terminal event per record.
//!
//! The flow, one file per step: `config` (settings), `record` (what is pushed), `engine` (state,
//! push, start-up calls, timers), `shard_queue` (per-shard buffers), `pacing` (token buckets,
//! backoff), `collect` (the next request), `answer` (what each answer does), `reshard` (stale
//! shard maps, stranded aggregates, distribution switches), `event` (events and counters),
//! `transmit` (what the caller sends).

mod answer;
mod collect;
mod config;
mod engine;
mod event;
mod pacing;
mod record;
mod reshard;
mod shard_queue;
mod transmit;

pub use config::{DEFAULT_COLLECTION_MAX_SIZE, ProducerConfig, StreamTarget};
pub use engine::{Producer, ProducerError};
pub use event::{Event, FailureReason, Stats};
pub use record::{PushError, PushRefusal, Record, RecordId};
pub use transmit::{HandleError, Operation, Transmit, TransmitId};
