//! The crate's signer (feature `sigv4`) and `aws-sigv4` give the same `authorization`, and set
//! the same headers, for arbitrary valid requests of every operation the crate builds, in
//! regions of every partition, on regional, account and custom endpoints (ports, paths), at
//! any time from 1970 to 9999, with and without a session token, with extra headers (signed,
//! or left out by both).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use http::{HeaderName, HeaderValue, Request};
use kinesis_proto::{
    DescribeStreamSummaryInput, Endpoint, EndpointConfig, ListShardsInput, PutRecordInput,
    PutRecordsEntry, PutRecordsInput, SIGNING_NAME, ShardFilter, Signer, StreamArn,
};
use proptest::prelude::*;

/// Regions of every partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`,
/// `aws-iso-e`, `aws-iso-f`, `aws-eusc`), and made-up ones.
const REGIONS: &[&str] = &[
    "us-east-1",
    "eu-west-3",
    "ap-southeast-5",
    "me-central-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-gov-east-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
    "us-isof-south-1",
    "eusc-de-east-1",
];

fn region() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(REGIONS).prop_map(str::to_owned),
        1 => "[a-z]{2}-[a-z]{4,9}-[1-9]",
    ]
}

#[derive(Debug, Clone)]
enum Where {
    Regional,
    /// The account endpoint of a stream ARN (data or control plane).
    Account,
    /// `http(s)://host:port/path`.
    Custom(String),
}

fn endpoint_choice() -> impl Strategy<Value = Where> {
    let host = prop_oneof![
        Just("127.0.0.1".to_owned()),
        Just("localhost".to_owned()),
        Just("[::1]".to_owned()),
        "[a-z][a-z0-9-]{0,20}(\\.[a-z0-9]{1,10}){0,3}",
    ];
    let port = prop_oneof![Just(String::new()), (1u16..).prop_map(|p| format!(":{p}"))];
    let path = prop_oneof![
        3 => Just(String::new()),
        1 => Just("/".to_owned()),
        1 => "(/[A-Za-z0-9._~-]{1,8}){1,3}/?".prop_filter("no dot segment", |p| {
            p.split('/').all(|s| s != "." && s != "..")
        }),
    ];
    prop_oneof![
        2 => Just(Where::Regional),
        1 => Just(Where::Account),
        2 => (prop::bool::ANY, host, port, path).prop_map(|(tls, h, p, path)| {
            Where::Custom(format!("{}://{h}{p}{path}", if tls { "https" } else { "http" }))
        }),
    ]
}

#[derive(Debug, Clone)]
enum Operation {
    PutRecord {
        data: Vec<u8>,
        key: String,
        explicit_hash_key: Option<u128>,
    },
    PutRecords(Vec<(Vec<u8>, String)>),
    ListShards {
        max_results: Option<u32>,
        next_token: Option<String>,
        at_latest: bool,
    },
    DescribeStreamSummary,
}

fn operation() -> impl Strategy<Value = Operation> {
    let data = prop::collection::vec(any::<u8>(), 0..600);
    let key = "\\PC{1,40}";
    prop_oneof![
        (data.clone(), key, prop::option::of(any::<u128>())).prop_map(
            |(data, key, explicit_hash_key)| Operation::PutRecord {
                data,
                key,
                explicit_hash_key,
            }
        ),
        prop::collection::vec((data, key), 1..8).prop_map(Operation::PutRecords),
        (
            prop::option::of(1u32..=10_000),
            prop::option::of("[A-Za-z0-9+/=]{1,64}"),
            prop::bool::ANY
        )
            .prop_map(
                |(max_results, next_token, at_latest)| Operation::ListShards {
                    max_results,
                    next_token,
                    at_latest,
                }
            ),
        Just(Operation::DescribeStreamSummary),
    ]
}

/// Extra headers an HTTP stack or an SDK adds: signed by both (`x-amz-user-agent`,
/// `amz-sdk-*`, with any spacing), or left out by both (`user-agent`, `x-amzn-trace-id`).
fn extra_headers() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let name = proptest::sample::select(
        &[
            "x-amz-user-agent",
            "amz-sdk-invocation-id",
            "amz-sdk-request",
            "user-agent",
            "x-amzn-trace-id",
            "accept",
        ][..],
    );
    prop::collection::vec((name, "[ -~]{0,40}"), 0..4)
}

fn build(operation: &Operation, region: &str, at: &Where) -> Request<Vec<u8>> {
    let arn: StreamArn = format!("arn:aws:kinesis:{region}:123456789012:stream/orders")
        .parse()
        .expect("a valid ARN");
    let config = EndpointConfig::new(region);
    let endpoint = |control: bool| -> Endpoint {
        match at {
            Where::Regional => Endpoint::regional(region).expect("a valid region"),
            Where::Custom(url) => Endpoint::custom(url).expect("a valid URL"),
            // Outside the `aws` partition the ARN's partition does not match, and the rules
            // fall back to the regional endpoint.
            Where::Account if control => config
                .resolve_control_plane(Some(&arn))
                .unwrap_or_else(|_| Endpoint::regional(region).unwrap()),
            Where::Account => config
                .resolve_data_plane(Some(&arn))
                .unwrap_or_else(|_| Endpoint::regional(region).unwrap()),
        }
    };
    match operation {
        Operation::PutRecord {
            data,
            key,
            explicit_hash_key,
        } => {
            let mut b = PutRecordInput::builder()
                .stream_name("orders")
                .partition_key(key.as_str())
                .data(data.as_slice());
            if let Some(h) = explicit_hash_key {
                b = b.explicit_hash_key(h.to_string());
            }
            b.build().expect("valid").to_http_request(&endpoint(false))
        }
        Operation::PutRecords(entries) => PutRecordsInput::builder()
            .stream_arn(arn.clone())
            .entries(
                entries
                    .iter()
                    .map(|(d, k)| PutRecordsEntry::new(d.as_slice(), k.as_str())),
            )
            .build()
            .expect("valid")
            .to_http_request(&endpoint(false)),
        Operation::ListShards {
            max_results,
            next_token,
            at_latest,
        } => {
            let input = match next_token {
                Some(token) => {
                    let arn = max_results.map(|_| arn.clone());
                    ListShardsInput::next_page(token, arn).expect("valid")
                }
                None => {
                    let mut b = ListShardsInput::builder().stream_name("orders");
                    if let Some(n) = max_results {
                        b = b.max_results(*n);
                    }
                    if *at_latest {
                        b = b.shard_filter(ShardFilter::at_latest());
                    }
                    b.build().expect("valid")
                }
            };
            input.to_http_request(&endpoint(true))
        }
        Operation::DescribeStreamSummary => DescribeStreamSummaryInput::builder()
            .stream_name("orders")
            .build()
            .expect("valid")
            .to_http_request(&endpoint(true)),
    }
}

fn sign_with_aws_sigv4(
    request: &mut Request<Vec<u8>>,
    access_key_id: &str,
    secret: &str,
    token: Option<&str>,
    region: &str,
    time: SystemTime,
) {
    let identity = aws_credential_types::Credentials::new(
        access_key_id,
        secret,
        token.map(str::to_owned),
        None,
        "test",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SIGNING_NAME)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .expect("complete signing params")
        .into();
    let uri = request.uri().to_string();
    let headers: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().expect("ASCII")))
        .collect();
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers.into_iter(),
        SignableBody::Bytes(request.body()),
    )
    .expect("signable");
    let (instructions, _) = sign(signable, &params).expect("signs").into_parts();
    instructions.apply_to_request_http1x(request);
}

fn header_list(request: &Request<Vec<u8>>) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = request
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_signer_and_aws_sigv4_agree(
        operation in operation(),
        region in region(),
        at in endpoint_choice(),
        // Any second from 1970-01-01 to 9999-12-31, and sub-second parts.
        secs in 0u64..253_402_300_800,
        nanos in 0u32..1_000_000_000,
        access_key_id in "[A-Z0-9]{16,32}",
        secret in "[ -~]{0,60}",
        token in prop::option::of("[A-Za-z0-9+/=]{1,400}"),
        extra in extra_headers(),
    ) {
        let mut request = build(&operation, &region, &at);
        for (name, value) in &extra {
            request.headers_mut().append(
                HeaderName::from_static(name),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let time = UNIX_EPOCH + Duration::new(secs, nanos);
        let mut theirs = request.clone();
        sign_with_aws_sigv4(&mut theirs, &access_key_id, &secret, token.as_deref(), &region, time);

        let credentials = kinesis_proto::Credentials::new(access_key_id, secret, token);
        let mut signer = Signer::new(credentials, &region);
        signer.sign(&mut request, time).expect("signs");
        prop_assert_eq!(
            request.headers()["authorization"].to_str().unwrap(),
            theirs.headers()["authorization"].to_str().unwrap()
        );
        prop_assert_eq!(header_list(&request), header_list(&theirs));

        // Signing again, a day later, replaces the signing headers.
        let later = time + Duration::from_secs(86_400);
        if secs + 86_400 < 253_402_300_800 {
            let mut theirs_later = theirs.clone();
            theirs_later.headers_mut().remove("authorization");
            theirs_later.headers_mut().remove("x-amz-date");
            theirs_later.headers_mut().remove("x-amz-security-token");
            let (id, secret, token) = (
                signer.credentials().access_key_id().to_owned(),
                String::new(),
                None::<String>,
            );
            signer.set_credentials(kinesis_proto::Credentials::new(id.clone(), secret.clone(), token));
            sign_with_aws_sigv4(&mut theirs_later, &id, &secret, None, &region, later);
            signer.sign(&mut request, later).expect("signs");
            prop_assert_eq!(header_list(&request), header_list(&theirs_later));
        }
    }
}
