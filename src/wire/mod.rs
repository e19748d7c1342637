//! Request bodies and answers on the wire: the awsJson1_1 envelope, JSON and base64 writers,
//! and the scanner for the usual flat answer.

pub(crate) mod aws_json;
pub(crate) mod escape;
pub(crate) mod flat_json;
pub(crate) mod json;
