//! Writing request bodies and reading answers on the wire: the awsJson1_1 envelope, JSON
//! strings and base64 written into place, and the scanner for the usual flat answer.

pub(crate) mod aws_json;
pub(crate) mod escape;
pub(crate) mod flat_json;
pub(crate) mod json;
