//! placeholder

mod error;
mod error_body;
mod response;

pub use error::{MalformedResponse, PutRecordError, RetryClass, ServiceError};
pub use response::{EncryptionType, PutRecordOutput, parse_put_record_response};
