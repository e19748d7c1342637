//! `DescribeStreamSummary` (Kinesis API reference, DescribeStreamSummary): the stream's settings
//! a producer needs (record size limit, record distribution, status, open shard count).

mod request;
mod response;

pub use request::{
    DESCRIBE_STREAM_SUMMARY_TARGET, DescribeStreamSummaryInput, DescribeStreamSummaryInputBuilder,
};
pub use response::{
    DescribeStreamSummaryError, StreamMode, StreamStatus, StreamSummary,
    parse_describe_stream_summary_response,
};
