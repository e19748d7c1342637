//! `PutRecord`: one record, in three steps.
//!
//! * `input`: [`PutRecordInput`] and its builder check every input rule of the Kinesis API
//!   reference (PutRecord) before a request exists.
//! * `request`: [`PutRecordInput::to_http_request`] writes the exact awsJson1_1 request, the
//!   data base64-encoded straight into a body allocated once at its exact size.
//! * `response`: [`parse_put_record_response`] reads the answer into a [`PutRecordOutput`]
//!   or a [`PutRecordError`] (in `error`).

pub(crate) mod error;
pub(crate) mod input;
pub(crate) mod request;
pub(crate) mod response;

pub use error::PutRecordError;
pub use input::{PutRecordInput, PutRecordInputBuilder};
pub use request::PUT_RECORD_TARGET;
pub use response::{EncryptionType, PutRecordOutput, parse_put_record_response};
