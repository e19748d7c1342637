//! The crate's one reading of an ARN, for [`StreamArn`](crate::StreamArn) and the endpoint
//! resolver: the endpoint rules' `aws.parseArn` (Smithy rules engine, AWS built-in library).

/// An ARN split as `aws.parseArn` splits it: `arn:{partition}:{service}:{region}:{accountId}:`
/// then the resource, whose first element (`resourceId[0]`) is the text before the first `:`
/// or `/` of the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParsedArn<'a> {
    pub(crate) partition: &'a str,
    pub(crate) service: &'a str,
    pub(crate) region: &'a str,
    pub(crate) account_id: &'a str,
    /// `resourceId[0]`: the resource type for `type/name` and `type:name` resources; empty
    /// when the resource starts with a delimiter.
    pub(crate) resource_type: &'a str,
    /// The whole resource, after the fifth `:`.
    pub(crate) resource: &'a str,
}

/// `None` when the text does not start with `arn:`, has fewer than six `:`-separated parts, or
/// has an empty partition, service or resource; region and account id may be empty.
pub(crate) fn parse_arn(arn: &str) -> Option<ParsedArn<'_>> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account_id = parts.next()?;
    let resource = parts.next()?;
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let resource_type = resource.split([':', '/']).next().unwrap_or(resource);
    Some(ParsedArn {
        partition,
        service,
        region,
        account_id,
        resource_type,
        resource,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_stream_arn() {
        let p = parse_arn("arn:aws-cn:kinesis:cn-north-1:123456789012:stream/a:b/c").unwrap();
        assert_eq!(
            p,
            ParsedArn {
                partition: "aws-cn",
                service: "kinesis",
                region: "cn-north-1",
                account_id: "123456789012",
                resource_type: "stream",
                resource: "stream/a:b/c",
            }
        );
    }

    #[test]
    fn keeps_empty_region_account_and_resource_type() {
        let p = parse_arn("arn:aws:kinesis:::/x").unwrap();
        assert_eq!((p.region, p.account_id, p.resource_type), ("", "", ""));
        let p = parse_arn("arn:aws:kinesis:r:a::x").unwrap();
        assert_eq!(p.resource_type, "");
        let p = parse_arn("arn:aws:kinesis:r:a:stream").unwrap();
        assert_eq!(p.resource_type, "stream");
    }

    #[test]
    fn refuses_what_is_not_an_arn() {
        for bad in [
            "",
            "arn",
            "arn:aws:kinesis:r:a",
            "arn::kinesis:r:a:stream/s",
            "arn:aws::r:a:stream/s",
            "arn:aws:kinesis:r:a:",
            "xarn:aws:kinesis:r:a:stream/s",
            "ARN:aws:kinesis:r:a:stream/s",
        ] {
            assert_eq!(parse_arn(bad), None, "{bad:?}");
        }
    }
}
