//! SigV4 (feature `sigv4`): a sans-IO signer for the crate's requests, for the signing name
//! `kinesis`. Request + credentials + time in, signed request out; the signer keeps only the
//! day's derived signing key.
//!
//! The algorithm is AWS Signature Version 4 for header signing, as the AWS IAM User Guide
//! describes it ("Create a signed AWS API request", "Elements of an AWS API request
//! signature"), proven on the CRT signing test suite (`tests/sigv4_suite.rs`) and against
//! `aws-sigv4` (`tests/interop/tests/sigv4_agreement.rs`). The flow, one file per step:
//!
//! 1. [`credentials`]: what the caller's credential provider gives (this crate reads none);
//! 2. [`time`]: the request time as `x-amz-date`, without a date library;
//! 3. [`canonical`]: the canonical request, for the requests a Kinesis client sends (path made
//!    of plain segments, no query); anything else is refused, never signed wrongly;
//! 4. [`key`]: the signing key, derived once per UTC day;
//! 5. [`signer`]: string to sign, signature, and the headers set on the request.

mod canonical;
mod credentials;
mod error;
mod hex;
mod key;
mod signer;
mod time;

pub use credentials::Credentials;
pub use error::SignError;
pub use signer::Signer;
