//! The error core every operation shares: what Kinesis answers when it says no.
//!
//! `parse_service_error` turns any non-2xx `(status, headers, body)` into a [`ServiceError`]
//! (code from the `x-amzn-ErrorType` header, else the body's `code`, `__type` or legacy
//! `Output.__type`, else the XML `<Code>` or root element, sanitized; message; request id;
//! [`RetryClass`]); it never fails. `MalformedResponse::new` is the error for a 2xx body an
//! operation's parser rejects. Each operation adds only the errors its API model declares: an
//! enum with one variant per modelled code plus `Unmodeled` and `Malformed`, picked by code, with
//! the accessors of `operation_error_accessors!` (see `put_record::error`).
//!
//! Files: `body` reads any body (JSON, the legacy envelope, XML) within a bound, `retry`
//! decides the class, `display` bounds and escapes network text, `error` builds the errors.

mod body;
mod display;
mod error;
mod retry;

pub(crate) use display::capped_format;
pub use error::{MalformedResponse, ServiceError};
pub(crate) use error::{is_success, operation_error_accessors, parse_service_error, request_id};
pub use retry::RetryClass;
pub(crate) use retry::{DRY_RUN_CODE, retry_class};
