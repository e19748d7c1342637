//! `PutRecord`: [`PutRecordInput`] checks the input (Kinesis API reference, PutRecord),
//! `request` writes the awsJson1_1 request, [`parse_put_record_response`] reads the answer.

pub(crate) mod error;
pub(crate) mod input;
pub(crate) mod request;
pub(crate) mod response;

pub use error::PutRecordError;
pub use input::{PutRecordInput, PutRecordInputBuilder};
pub use request::PUT_RECORD_TARGET;
pub use response::{EncryptionType, PutRecordOutput, parse_put_record_response};
