//! Validate and build: the exact `DescribeStreamSummary` HTTP request.

use http::Request;

use crate::endpoint::Endpoint;
use crate::invalid_input::{Field, InvalidInput, Rule};
use crate::stream::{StreamArn, StreamName};
use crate::wire::{aws_json, json};

/// The `x-amz-target` value of `DescribeStreamSummary`.
pub const DESCRIBE_STREAM_SUMMARY_TARGET: &str = "Kinesis_20131202.DescribeStreamSummary";

/// A checked `DescribeStreamSummary` request: the stream, by name, by ARN or both ("you must
/// use either the `StreamARN` or the `StreamName` parameter, or both").
///
/// ```
/// use kinesis_proto::{DescribeStreamSummaryInput, Endpoint};
/// let input = DescribeStreamSummaryInput::builder().stream_name("orders").build()?;
/// let request = input.to_http_request(&Endpoint::regional("us-east-1")?);
/// assert_eq!(request.body().as_slice(), br#"{"StreamName":"orders"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeStreamSummaryInput {
    stream_name: Option<StreamName>,
    stream_arn: Option<StreamArn>,
}

impl DescribeStreamSummaryInput {
    /// A builder with nothing set.
    pub fn builder() -> DescribeStreamSummaryInputBuilder {
        DescribeStreamSummaryInputBuilder::default()
    }

    /// The stream name, if set.
    pub fn stream_name(&self) -> Option<&StreamName> {
        self.stream_name.as_ref()
    }

    /// The stream ARN, if set.
    pub fn stream_arn(&self) -> Option<&StreamArn> {
        self.stream_arn.as_ref()
    }

    /// The exact HTTP request: `POST` with the four awsJson1_1 headers (`x-amz-target` is
    /// [`DESCRIBE_STREAM_SUMMARY_TARGET`]) and the body `{"StreamName":..,"StreamARN":..}`
    /// with the members set. It goes to the control plane
    /// ([`EndpointConfig::resolve_control_plane`](crate::EndpointConfig::resolve_control_plane)).
    pub fn to_http_request(&self, endpoint: &Endpoint) -> Request<Vec<u8>> {
        let mut body = Vec::with_capacity(64);
        body.push(b'{');
        if let Some(name) = &self.stream_name {
            body.extend_from_slice(b"\"StreamName\":");
            json::write_plain_string(&mut body, name.as_str().as_bytes());
        }
        if let Some(arn) = &self.stream_arn {
            if body.len() > 1 {
                body.push(b',');
            }
            body.extend_from_slice(b"\"StreamARN\":");
            json::write_string(&mut body, arn.as_str());
        }
        body.push(b'}');
        aws_json::request(endpoint, DESCRIBE_STREAM_SUMMARY_TARGET, body)
    }
}

/// Builds a [`DescribeStreamSummaryInput`]; [`build`](Self::build) reports the first rule broken.
#[derive(Debug, Clone, Default)]
pub struct DescribeStreamSummaryInputBuilder {
    stream_name: Option<Result<StreamName, InvalidInput>>,
    stream_arn: Option<Result<StreamArn, InvalidInput>>,
}

impl DescribeStreamSummaryInputBuilder {
    /// The stream name (`StreamName`).
    pub fn stream_name<V>(mut self, name: V) -> Self
    where
        V: TryInto<StreamName>,
        V::Error: Into<InvalidInput>,
    {
        self.stream_name = Some(name.try_into().map_err(Into::into));
        self
    }

    /// The stream ARN (`StreamARN`).
    pub fn stream_arn<V>(mut self, arn: V) -> Self
    where
        V: TryInto<StreamArn>,
        V::Error: Into<InvalidInput>,
    {
        self.stream_arn = Some(arn.try_into().map_err(Into::into));
        self
    }

    /// Checks the stream name and ARN, and that at least one is given.
    ///
    /// # Errors
    ///
    /// The first rule broken: `streamName` (then `streamARN`) off its length or pattern, or
    /// `streamName` missing when neither is given.
    pub fn build(self) -> Result<DescribeStreamSummaryInput, InvalidInput> {
        let stream_name = self.stream_name.transpose()?;
        let stream_arn = self.stream_arn.transpose()?;
        if stream_name.is_none() && stream_arn.is_none() {
            return Err(InvalidInput::new(Field::StreamName, Rule::Missing));
        }
        Ok(DescribeStreamSummaryInput {
            stream_name,
            stream_arn,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_names_the_stream_by_name_arn_or_both() {
        let endpoint = Endpoint::regional("us-east-1").unwrap();
        let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";
        let body = |b: DescribeStreamSummaryInputBuilder| {
            String::from_utf8(b.build().unwrap().to_http_request(&endpoint).into_body()).unwrap()
        };
        let builder = DescribeStreamSummaryInput::builder;
        assert_eq!(
            body(builder().stream_arn(arn)),
            format!(r#"{{"StreamARN":"{arn}"}}"#)
        );
        assert_eq!(
            body(builder().stream_name("orders").stream_arn(arn)),
            format!(r#"{{"StreamName":"orders","StreamARN":"{arn}"}}"#)
        );
        let request = builder()
            .stream_name("o")
            .build()
            .unwrap()
            .to_http_request(&endpoint);
        assert_eq!(
            request.headers()["x-amz-target"],
            "Kinesis_20131202.DescribeStreamSummary"
        );
        assert_eq!(request.headers()["content-length"], "18"); // {"StreamName":"o"}
    }

    #[test]
    fn a_stream_is_required_and_checked() {
        let e = DescribeStreamSummaryInput::builder().build().unwrap_err();
        assert_eq!((e.field(), e.rule()), ("streamName", &Rule::Missing));
        let e = DescribeStreamSummaryInput::builder()
            .stream_name("a b")
            .build()
            .unwrap_err();
        assert_eq!(e.field(), "streamName");
        let e = DescribeStreamSummaryInput::builder()
            .stream_arn("arn:x")
            .build()
            .unwrap_err();
        assert_eq!(e.field(), "streamARN");
    }
}
