//! Where requests go: [`Endpoint`] (an absolute URI plus its `host` header value) and
//! [`EndpointConfig`], which picks one following the Kinesis endpoint rules of the AWS SDKs
//! (regional, FIPS, dual-stack, stream-ARN account endpoints, custom URLs).

mod config;
mod error;
mod partition;
mod url;

pub use config::EndpointConfig;
pub use error::EndpointError;
pub use url::Endpoint;
