//! The error core every operation shares: what Kinesis answers when it says no.
//!
//! `parse_service_error` turns any non-2xx response into a [`ServiceError`];
//! `MalformedResponse::new` is the error for a 2xx body a parser rejects. Each operation adds an
//! enum with one variant per code its API model declares plus `Unmodeled` and `Malformed`, with
//! the accessors of `operation_error_accessors!` (see `put_record::error`).

mod body;
mod display;
mod error;
mod retry;

pub(crate) use crate::text::{capped, capped_format};
pub use error::{MalformedResponse, ServiceError};
pub(crate) use error::{
    is_success, operation_error_accessors, parse_service_error, request_id, request_id_header,
};
pub use retry::RetryClass;
pub(crate) use retry::{DRY_RUN_CODE, retry_class};
