//! Endpoint resolution against the Kinesis endpoint rule set of the AWS SDKs
//! (`endpoint-rule-set-1.json` for `kinesis`) and the SDKs' `partitions.json`.
//!
//! Expected hosts are written out in full, not recomputed with the crate's own formula.

use kinesis_proto::{Endpoint, EndpointConfig, EndpointError, PutRecordInput, StreamArn};
use proptest::prelude::*;

/// `(use_fips, use_dual_stack)` in the order the expectation tables list them.
const FLAGS: [(bool, bool); 4] = [(false, false), (true, false), (false, true), (true, true)];

fn config(region: &str, (fips, dual_stack): (bool, bool)) -> EndpointConfig {
    EndpointConfig::new(region)
        .use_fips(fips)
        .use_dual_stack(dual_stack)
}

fn arn(s: &str) -> StreamArn {
    StreamArn::new(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn stream_arn(partition: &str, region: &str) -> StreamArn {
    arn(&format!(
        "arn:{partition}:kinesis:{region}:123456789012:stream/orders"
    ))
}

/// One region per partition, and its regional hosts for: no flag, FIPS, dual-stack, both.
const REGIONAL: [(&str, &str, [&str; 4]); 8] = [
    (
        "us-east-1",
        "aws",
        [
            "kinesis.us-east-1.amazonaws.com",
            "kinesis-fips.us-east-1.amazonaws.com",
            "kinesis.us-east-1.api.aws",
            "kinesis-fips.us-east-1.api.aws",
        ],
    ),
    (
        "cn-north-1",
        "aws-cn",
        [
            "kinesis.cn-north-1.amazonaws.com.cn",
            "kinesis-fips.cn-north-1.amazonaws.com.cn",
            "kinesis.cn-north-1.api.amazonwebservices.com.cn",
            "kinesis-fips.cn-north-1.api.amazonwebservices.com.cn",
        ],
    ),
    (
        // GovCloud: FIPS alone is the plain regional host.
        "us-gov-west-1",
        "aws-us-gov",
        [
            "kinesis.us-gov-west-1.amazonaws.com",
            "kinesis.us-gov-west-1.amazonaws.com",
            "kinesis.us-gov-west-1.api.aws",
            "kinesis-fips.us-gov-west-1.api.aws",
        ],
    ),
    (
        "us-iso-east-1",
        "aws-iso",
        [
            "kinesis.us-iso-east-1.c2s.ic.gov",
            "kinesis-fips.us-iso-east-1.c2s.ic.gov",
            "kinesis.us-iso-east-1.api.aws.ic.gov",
            "kinesis-fips.us-iso-east-1.api.aws.ic.gov",
        ],
    ),
    (
        "us-isob-east-1",
        "aws-iso-b",
        [
            "kinesis.us-isob-east-1.sc2s.sgov.gov",
            "kinesis-fips.us-isob-east-1.sc2s.sgov.gov",
            "kinesis.us-isob-east-1.api.aws.scloud",
            "kinesis-fips.us-isob-east-1.api.aws.scloud",
        ],
    ),
    (
        "eu-isoe-west-1",
        "aws-iso-e",
        [
            "kinesis.eu-isoe-west-1.cloud.adc-e.uk",
            "kinesis-fips.eu-isoe-west-1.cloud.adc-e.uk",
            "kinesis.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
            "kinesis-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
        ],
    ),
    (
        "us-isof-south-1",
        "aws-iso-f",
        [
            "kinesis.us-isof-south-1.csp.hci.ic.gov",
            "kinesis-fips.us-isof-south-1.csp.hci.ic.gov",
            "kinesis.us-isof-south-1.api.aws.hci.ic.gov",
            "kinesis-fips.us-isof-south-1.api.aws.hci.ic.gov",
        ],
    ),
    (
        "eusc-de-east-1",
        "aws-eusc",
        [
            "kinesis.eusc-de-east-1.amazonaws.eu",
            "kinesis-fips.eusc-de-east-1.amazonaws.eu",
            "kinesis.eusc-de-east-1.api.amazonwebservices.eu",
            "kinesis-fips.eusc-de-east-1.api.amazonwebservices.eu",
        ],
    ),
];

/// Data-plane account hosts for a stream ARN of the region's own partition (no flag, FIPS,
/// dual-stack, both). `aws-iso` and `aws-iso-b` have none and are absent.
const ACCOUNT_DATA: [(&str, &str, [&str; 4]); 6] = [
    (
        "us-east-1",
        "aws",
        [
            "123456789012.data-kinesis.us-east-1.amazonaws.com",
            "123456789012.data-kinesis-fips.us-east-1.amazonaws.com",
            "123456789012.data-kinesis.us-east-1.api.aws",
            "123456789012.data-kinesis-fips.us-east-1.api.aws",
        ],
    ),
    (
        "cn-north-1",
        "aws-cn",
        [
            "123456789012.data-kinesis.cn-north-1.amazonaws.com.cn",
            "123456789012.data-kinesis-fips.cn-north-1.amazonaws.com.cn",
            "123456789012.data-kinesis.cn-north-1.api.amazonwebservices.com.cn",
            "123456789012.data-kinesis-fips.cn-north-1.api.amazonwebservices.com.cn",
        ],
    ),
    (
        // No GovCloud exception for account endpoints: FIPS is `-fips`.
        "us-gov-west-1",
        "aws-us-gov",
        [
            "123456789012.data-kinesis.us-gov-west-1.amazonaws.com",
            "123456789012.data-kinesis-fips.us-gov-west-1.amazonaws.com",
            "123456789012.data-kinesis.us-gov-west-1.api.aws",
            "123456789012.data-kinesis-fips.us-gov-west-1.api.aws",
        ],
    ),
    (
        "eu-isoe-west-1",
        "aws-iso-e",
        [
            "123456789012.data-kinesis.eu-isoe-west-1.cloud.adc-e.uk",
            "123456789012.data-kinesis-fips.eu-isoe-west-1.cloud.adc-e.uk",
            "123456789012.data-kinesis.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
            "123456789012.data-kinesis-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
        ],
    ),
    (
        "us-isof-south-1",
        "aws-iso-f",
        [
            "123456789012.data-kinesis.us-isof-south-1.csp.hci.ic.gov",
            "123456789012.data-kinesis-fips.us-isof-south-1.csp.hci.ic.gov",
            "123456789012.data-kinesis.us-isof-south-1.api.aws.hci.ic.gov",
            "123456789012.data-kinesis-fips.us-isof-south-1.api.aws.hci.ic.gov",
        ],
    ),
    (
        "eusc-de-east-1",
        "aws-eusc",
        [
            "123456789012.data-kinesis.eusc-de-east-1.amazonaws.eu",
            "123456789012.data-kinesis-fips.eusc-de-east-1.amazonaws.eu",
            "123456789012.data-kinesis.eusc-de-east-1.api.amazonwebservices.eu",
            "123456789012.data-kinesis-fips.eusc-de-east-1.api.amazonwebservices.eu",
        ],
    ),
];

#[test]
fn regional_endpoints_for_every_partition_and_flag_combination() {
    for (region, partition, hosts) in REGIONAL {
        for (flags, host) in FLAGS.into_iter().zip(hosts) {
            let config = config(region, flags);
            assert_eq!(config.partition(), partition, "{region}");
            for endpoint in [
                config.resolve_data_plane(None).unwrap(),
                config.resolve_control_plane(None).unwrap(),
            ] {
                assert_eq!(endpoint.host(), host, "{region} {flags:?}");
                assert_eq!(endpoint.uri().to_string(), format!("https://{host}/"));
            }
        }
    }
}

#[test]
fn account_endpoints_for_every_partition_and_flag_combination() {
    for (region, partition, hosts) in ACCOUNT_DATA {
        let arn = stream_arn(partition, region);
        for (flags, host) in FLAGS.into_iter().zip(hosts) {
            let config = config(region, flags);
            let data = config.resolve_data_plane(Some(&arn)).unwrap();
            assert_eq!(data.host(), host, "{region} {flags:?}");
            assert_eq!(data.uri().to_string(), format!("https://{host}/"));
            let control = config.resolve_control_plane(Some(&arn)).unwrap();
            let control_host = host.replace(".data-kinesis", ".control-kinesis");
            assert_eq!(control.host(), control_host, "{region} {flags:?}");
            assert_eq!(
                control.uri().to_string(),
                format!("https://{control_host}/")
            );
        }
    }
}

#[test]
fn control_plane_account_endpoints_are_written_out() {
    let arn = stream_arn("aws", "us-west-1");
    let cases = [
        (
            (false, false),
            "123456789012.control-kinesis.us-west-1.amazonaws.com",
        ),
        (
            (true, false),
            "123456789012.control-kinesis-fips.us-west-1.amazonaws.com",
        ),
        (
            (false, true),
            "123456789012.control-kinesis.us-west-1.api.aws",
        ),
        (
            (true, true),
            "123456789012.control-kinesis-fips.us-west-1.api.aws",
        ),
    ];
    for (flags, host) in cases {
        let endpoint = config("us-west-1", flags)
            .resolve_control_plane(Some(&arn))
            .unwrap();
        assert_eq!(endpoint.host(), host);
    }
}

#[test]
fn iso_and_iso_b_have_no_account_endpoints_and_ignore_the_arn() {
    for (region, partition) in [
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
    ] {
        let hosts = REGIONAL
            .iter()
            .find(|(r, _, _)| *r == region)
            .map(|(_, _, hosts)| hosts)
            .unwrap();
        // The ARN's checks are not made: a foreign or odd ARN changes nothing.
        let arns = [
            stream_arn(partition, region),
            stream_arn("aws", "us-east-1"),
            arn("arn:aws:s3:kinesis:us-east-1:123456789012:stream/s"),
            arn("arn:aws::kinesis::123456789012:stream/s"),
        ];
        for (flags, host) in FLAGS.into_iter().zip(hosts) {
            let config = config(region, flags);
            for arn in &arns {
                assert_eq!(config.resolve_data_plane(Some(arn)).unwrap().host(), *host);
                assert_eq!(
                    config.resolve_control_plane(Some(arn)).unwrap().host(),
                    *host
                );
            }
        }
    }
}

#[test]
fn the_host_uses_the_configured_region_not_the_arns() {
    let arn = stream_arn("aws", "us-west-1");
    let endpoint = EndpointConfig::new("us-east-1")
        .resolve_data_plane(Some(&arn))
        .unwrap();
    assert_eq!(
        endpoint.host(),
        "123456789012.data-kinesis.us-east-1.amazonaws.com"
    );
}

#[test]
fn the_account_id_is_the_arns_fifth_part() {
    // The account id goes into the host as the ARN spells it.
    let arn = arn("arn:aws:kinesis:us-east-1:000000000001:stream/a/b:c");
    let endpoint = EndpointConfig::new("us-east-1")
        .resolve_data_plane(Some(&arn))
        .unwrap();
    assert_eq!(
        endpoint.host(),
        "000000000001.data-kinesis.us-east-1.amazonaws.com"
    );
}

#[test]
fn regional_shortcut_equals_the_resolution_without_flags_or_arn() {
    for region in [
        "us-east-1",
        "cn-northwest-1",
        "us-gov-east-1",
        "us-iso-west-1",
        "us-isob-east-1",
        "eu-isoe-west-1",
        "us-isof-east-1",
        "eusc-de-east-1",
        "aws-global",
        "local",
    ] {
        let config = EndpointConfig::new(region);
        assert_eq!(
            Endpoint::regional(region).unwrap(),
            config.resolve_data_plane(None).unwrap()
        );
        assert_eq!(
            Endpoint::regional(region).unwrap(),
            config.resolve_control_plane(None).unwrap()
        );
    }
}

#[test]
fn unknown_regions_fall_back_to_aws() {
    let config = EndpointConfig::new("mars-north-1").use_dual_stack(true);
    assert_eq!(config.partition(), "aws");
    assert_eq!(
        config.resolve_data_plane(None).unwrap().host(),
        "kinesis.mars-north-1.api.aws"
    );
    let arn = stream_arn("aws", "mars-north-1");
    assert_eq!(
        config.resolve_data_plane(Some(&arn)).unwrap().host(),
        "123456789012.data-kinesis.mars-north-1.api.aws"
    );
}

#[test]
fn put_record_input_resolves_with_its_stream_arn() {
    let config = EndpointConfig::new("us-east-1");
    let by_arn = PutRecordInput::builder()
        .stream_arn("arn:aws:kinesis:us-east-1:123456789012:stream/orders")
        .partition_key("k")
        .data(&b"x"[..])
        .build()
        .unwrap();
    let endpoint = config.resolve_for(&by_arn).unwrap();
    assert_eq!(
        endpoint.host(),
        "123456789012.data-kinesis.us-east-1.amazonaws.com"
    );
    let request = by_arn.to_http_request(&endpoint);
    assert_eq!(
        request.uri().to_string(),
        "https://123456789012.data-kinesis.us-east-1.amazonaws.com/"
    );
    assert_eq!(
        request.headers()["host"],
        "123456789012.data-kinesis.us-east-1.amazonaws.com"
    );

    let by_name = PutRecordInput::builder()
        .stream_name("orders")
        .partition_key("k")
        .data(&b"x"[..])
        .build()
        .unwrap();
    assert_eq!(
        config.resolve_for(&by_name).unwrap().host(),
        "kinesis.us-east-1.amazonaws.com"
    );
}

#[test]
fn a_custom_endpoint_wins_over_region_and_arn() {
    let local = Endpoint::custom("http://127.0.0.1:4567").unwrap();
    let vpce = "https://vpce-0123-abcd.kinesis.us-east-1.vpce.amazonaws.com";
    let arns = [
        stream_arn("aws", "us-east-1"),
        // The ARN is not looked at: even one the rules would refuse.
        arn("arn:aws-cn:s3:kinesis:us-east-1:123456789012:stream/s"),
    ];
    // The region is not needed either.
    for region in ["us-east-1", "us-iso-east-1", "not a region"] {
        let config = EndpointConfig::new(region).custom_endpoint(local.clone());
        assert_eq!(config.custom(), Some(&local));
        assert_eq!(config.resolve_data_plane(None).unwrap(), local);
        for arn in &arns {
            assert_eq!(config.resolve_data_plane(Some(arn)).unwrap(), local);
            assert_eq!(config.resolve_control_plane(Some(arn)).unwrap(), local);
        }
        let config = EndpointConfig::new(region).custom_url(vpce).unwrap();
        let endpoint = config.resolve_data_plane(Some(&arns[0])).unwrap();
        assert_eq!(endpoint.uri().to_string(), format!("{vpce}/"));
        assert_eq!(
            endpoint.host(),
            "vpce-0123-abcd.kinesis.us-east-1.vpce.amazonaws.com"
        );
    }
}

#[test]
fn custom_url_is_checked_as_endpoint_custom() {
    assert!(matches!(
        EndpointConfig::new("us-east-1").custom_url("ftp://h"),
        Err(EndpointError::UnsupportedScheme { .. })
    ));
    assert!(matches!(
        EndpointConfig::new("us-east-1").custom_url("http://h/?q"),
        Err(EndpointError::ForbiddenPart { part: "query", .. })
    ));
}

#[test]
fn fips_or_dual_stack_with_a_custom_endpoint_is_an_error() {
    let custom = EndpointConfig::new("us-east-1")
        .custom_url("https://example.com")
        .unwrap();
    let arn = stream_arn("aws", "us-east-1");
    for arn in [None, Some(&arn)] {
        let fips = custom.clone().use_fips(true);
        assert_eq!(
            fips.resolve_data_plane(arn),
            Err(EndpointError::FipsWithCustomEndpoint)
        );
        // FIPS is reported first when both are on, as in the rules.
        assert_eq!(
            fips.clone().use_dual_stack(true).resolve_control_plane(arn),
            Err(EndpointError::FipsWithCustomEndpoint)
        );
        assert_eq!(
            custom.clone().use_dual_stack(true).resolve_data_plane(arn),
            Err(EndpointError::DualStackWithCustomEndpoint)
        );
    }
    assert_eq!(
        EndpointError::FipsWithCustomEndpoint.to_string(),
        "FIPS cannot be combined with a custom endpoint; turn FIPS off and give the FIPS \
         endpoint's URL as the custom endpoint, or drop the custom endpoint"
    );
}

#[test]
fn a_region_that_is_not_a_host_label_is_an_error() {
    let arn = stream_arn("aws", "us-east-1");
    for region in [
        "",
        "us east-1",
        "us.east-1",
        "-us-east-1",
        "us-east-1-",
        "ü",
        &"a".repeat(64),
    ] {
        for flags in FLAGS {
            let config = config(region, flags);
            for result in [
                config.resolve_data_plane(None),
                config.resolve_data_plane(Some(&arn)),
                config.resolve_control_plane(Some(&arn)),
            ] {
                assert_eq!(
                    result,
                    Err(EndpointError::InvalidRegion {
                        region: region.to_owned()
                    }),
                    "{region:?}"
                );
            }
        }
    }
    assert_eq!(
        EndpointConfig::new("us east-1")
            .resolve_data_plane(None)
            .unwrap_err()
            .to_string(),
        "region \"us east-1\" is not a valid host label (for example us-east-1)"
    );
}

fn data_plane_error(region: &str, arn_text: &str) -> EndpointError {
    let arn = arn(arn_text);
    let config = EndpointConfig::new(region);
    let data = config.resolve_data_plane(Some(&arn)).unwrap_err();
    let control = config.resolve_control_plane(Some(&arn)).unwrap_err();
    assert_eq!(data, control);
    data
}

#[test]
fn an_arn_in_another_partition_is_an_error() {
    let e = data_plane_error(
        "us-east-1",
        "arn:aws-cn:kinesis:cn-north-1:123456789012:stream/orders",
    );
    assert_eq!(
        e,
        EndpointError::StreamArnPartitionMismatch {
            arn_partition: "aws-cn".to_owned(),
            region: "us-east-1".to_owned(),
            region_partition: "aws",
        }
    );
    assert_eq!(
        e.to_string(),
        "the stream ARN is in partition aws-cn but region us-east-1 is in partition aws; \
         use a region of aws-cn"
    );
    // GovCloud is its own partition, though it shares `amazonaws.com`.
    assert!(matches!(
        data_plane_error(
            "us-gov-west-1",
            "arn:aws:kinesis:us-west-2:123456789012:stream/s"
        ),
        EndpointError::StreamArnPartitionMismatch {
            region_partition: "aws-us-gov",
            ..
        }
    ));
    // A partition no table knows never matches.
    assert!(matches!(
        data_plane_error(
            "us-east-1",
            "arn:aws-mars:kinesis:us-east-1:123456789012:stream/s"
        ),
        EndpointError::StreamArnPartitionMismatch { .. }
    ));
}

#[test]
fn an_arn_that_does_not_parse_is_an_error() {
    // `arn:aws.*:kinesis:` lets an empty service part through.
    let e = data_plane_error(
        "us-east-1",
        "arn:aws::kinesis:us-east-1:123456789012:stream/s",
    );
    assert_eq!(e, EndpointError::StreamArnUnparsable);
    assert!(
        e.to_string()
            .contains("arn:partition:service:region:account-id:resource")
    );
}

#[test]
fn an_arn_account_id_that_is_not_a_host_label_is_an_error() {
    for (text, account_id) in [
        ("arn:aws:kinesis:us-east-1::123456789012:stream/s", ""),
        ("arn:aws:kinesis:us-east-1:a_b:123456789012:stream/s", "a_b"),
        ("arn:aws:kinesis:us-east-1: :123456789012:stream/s", " "),
    ] {
        assert_eq!(
            data_plane_error("us-east-1", text),
            EndpointError::StreamArnAccountId {
                account_id: account_id.to_owned()
            },
            "{text}"
        );
    }
}

#[test]
fn an_arn_region_that_is_empty_or_not_a_host_label_is_an_error() {
    for (text, region) in [
        ("arn:aws:kinesis::123456789012:stream/s", ""),
        ("arn:aws:kinesis:  :123456789012:stream/s", "  "),
        (
            "arn:aws:kinesis:us.east.1:123456789012:stream/s",
            "us.east.1",
        ),
    ] {
        let e = data_plane_error("us-east-1", text);
        assert_eq!(
            e,
            EndpointError::StreamArnRegion {
                region: region.to_owned()
            },
            "{text}"
        );
    }
    assert_eq!(
        data_plane_error("us-east-1", "arn:aws:kinesis::123456789012:stream/s").to_string(),
        "the stream ARN's region \"\" is not a valid host label; give the ARN with the \
         stream's region, for example arn:aws:kinesis:us-east-1:123456789012:stream/name"
    );
}

#[test]
fn an_arn_of_another_service_is_an_error() {
    assert_eq!(
        data_plane_error(
            "us-east-1",
            "arn:aws:s3:kinesis:us-east-1:123456789012:stream/s"
        ),
        EndpointError::StreamArnService {
            service: "s3".to_owned()
        }
    );
}

#[test]
fn an_arn_of_another_resource_type_is_an_error() {
    for (text, resource_type) in [
        (
            "arn:aws:kinesis:us-east-1:123456789012:table/t:123456789012:stream/s",
            "table",
        ),
        // Empty: the rules' "no ARN type specified".
        (
            "arn:aws:kinesis:us-east-1:123456789012::123456789012:stream/s",
            "",
        ),
    ] {
        assert_eq!(
            data_plane_error("us-east-1", text),
            EndpointError::StreamArnResourceType {
                resource_type: resource_type.to_owned()
            },
            "{text}"
        );
    }
}

#[test]
fn arn_checks_run_in_the_rules_order() {
    // Account id, then region, then service, then resource type, then partition.
    assert!(matches!(
        data_plane_error("us-east-1", "arn:aws-cn:s3:kinesis: :123456789012:stream/s"),
        EndpointError::StreamArnAccountId { .. }
    ));
    assert!(matches!(
        data_plane_error(
            "us-east-1",
            "arn:aws-cn:s3:x.y:kinesis::123456789012:stream/s"
        ),
        EndpointError::StreamArnRegion { .. }
    ));
    assert!(matches!(
        data_plane_error("us-east-1", "arn:aws-cn:s3:kinesis:r:123456789012:stream/s"),
        EndpointError::StreamArnService { .. }
    ));
    assert!(matches!(
        data_plane_error(
            "us-east-1",
            "arn:aws-cn:kinesis:r:a:table/t:123456789012:stream/s"
        ),
        EndpointError::StreamArnResourceType { .. }
    ));
}

#[test]
fn config_accessors_and_debug() {
    let config = EndpointConfig::new("us-gov-east-1")
        .use_fips(true)
        .use_dual_stack(false);
    assert_eq!(config.region(), "us-gov-east-1");
    assert_eq!(config.partition(), "aws-us-gov");
    assert!(config.is_fips());
    assert!(!config.is_dual_stack());
    assert_eq!(config.custom(), None);
    assert_eq!(config.clone(), config);
    let debug = format!("{config:?}");
    assert!(debug.contains("aws-us-gov") && debug.contains("use_fips: true"));
}

/// Every label 1 to 63 of `[a-zA-Z0-9-]`, not starting or ending with `-`.
fn is_dns_host(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

fn host_label() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?",
        prop::sample::select(vec![
            "us-east-1",
            "cn-north-1",
            "us-gov-west-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
            "us-isof-south-1",
            "eusc-de-east-1",
            "aws-global",
        ])
        .prop_map(str::to_owned),
    ]
}

fn region() -> impl Strategy<Value = String> {
    prop_oneof![4 => host_label(), 1 => any::<String>()]
}

/// ARNs that the `StreamARN` input pattern accepts, most of them well formed.
fn stream_arn_text() -> impl Strategy<Value = String> {
    let partition = prop::sample::select(vec![
        "aws",
        "aws-cn",
        "aws-us-gov",
        "aws-iso",
        "aws-iso-b",
        "aws-iso-e",
        "aws-iso-f",
        "aws-eusc",
        "aws-x",
    ]);
    let part = prop_oneof![3 => host_label(), 1 => "[^:\n\r]{0,8}"];
    (
        partition,
        part.clone(),
        part,
        "[0-9]{12}",
        "[a-zA-Z0-9_.:/-]{1,20}",
    )
        .prop_map(|(partition, region, extra, account, name)| {
            if extra.len() % 3 == 0 {
                // An extra part before the account shifts what the rules read.
                format!("arn:{partition}:kinesis:{region}:{extra}:{account}:stream/{name}")
            } else {
                format!("arn:{partition}:kinesis:{region}:{account}:stream/{name}")
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_resolved_endpoint_is_an_https_uri_with_a_dns_host(
        region in region(),
        fips in any::<bool>(),
        dual_stack in any::<bool>(),
        arn_text in prop::option::of(stream_arn_text()),
        control in any::<bool>(),
    ) {
        let arn = arn_text.as_deref().and_then(|t| StreamArn::new(t).ok());
        let config = EndpointConfig::new(&region).use_fips(fips).use_dual_stack(dual_stack);
        let result = if control {
            config.resolve_control_plane(arn.as_ref())
        } else {
            config.resolve_data_plane(arn.as_ref())
        };
        if let Ok(endpoint) = result {
            let uri = endpoint.uri();
            prop_assert_eq!(uri.scheme_str(), Some("https"));
            prop_assert_eq!(uri.path(), "/");
            prop_assert!(uri.query().is_none());
            let host = endpoint.host();
            prop_assert!(is_dns_host(host), "{}", host);
            prop_assert_eq!(uri.authority().map(|a| a.as_str()), Some(host));
            let text = uri.to_string();
            prop_assert_eq!(&text, &format!("https://{host}/"));
            prop_assert_eq!(&text.parse::<http::Uri>().unwrap(), uri);
            // The host carries the configured region as a whole label.
            prop_assert!(host.split('.').any(|l| l == region), "{} {}", host, region);
            prop_assert!(host.contains("kinesis"));
        } else {
            // Only an invalid region or an ARN can make resolution fail.
            let invalid_region = EndpointError::InvalidRegion { region: region.clone() };
            let explained = arn.is_some() || result == Err(invalid_region);
            prop_assert!(explained, "{:?}", result);
        }
    }

    #[test]
    fn a_custom_endpoint_is_returned_as_given(
        region in region(),
        arn_text in prop::option::of(stream_arn_text()),
        port in 1u16..,
    ) {
        let arn = arn_text.as_deref().and_then(|t| StreamArn::new(t).ok());
        let custom = Endpoint::custom(&format!("http://localhost:{port}")).unwrap();
        let config = EndpointConfig::new(&region).custom_endpoint(custom.clone());
        prop_assert_eq!(config.resolve_data_plane(arn.as_ref()), Ok(custom.clone()));
        prop_assert_eq!(config.resolve_control_plane(arn.as_ref()), Ok(custom));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn an_arn_of_the_regions_partition_gives_the_account_endpoint(
        region in host_label(),
        fips in any::<bool>(),
        dual_stack in any::<bool>(),
        account in "[0-9]{12}",
        arn_region in host_label(),
        name in "[a-zA-Z0-9_.-]{1,128}",
    ) {
        let config = EndpointConfig::new(&region).use_fips(fips).use_dual_stack(dual_stack);
        let arn = arn(&format!(
            "arn:{}:kinesis:{arn_region}:{account}:stream/{name}",
            config.partition()
        ));
        let data = config.resolve_data_plane(Some(&arn)).unwrap();
        let control = config.resolve_control_plane(Some(&arn)).unwrap();
        prop_assert!(is_dns_host(data.host()), "{}", data.host());
        prop_assert!(is_dns_host(control.host()), "{}", control.host());
        prop_assert_eq!(data.uri().scheme_str(), Some("https"));
        if matches!(config.partition(), "aws-iso" | "aws-iso-b") {
            prop_assert_eq!(&data, &config.resolve_data_plane(None).unwrap());
            prop_assert_eq!(&control, &data);
        } else {
            let fips = if fips { "-fips" } else { "" };
            let data_prefix = format!("{account}.data-kinesis{fips}.{region}.");
            let control_prefix = format!("{account}.control-kinesis{fips}.{region}.");
            prop_assert!(data.host().starts_with(&data_prefix), "{}", data.host());
            prop_assert!(control.host().starts_with(&control_prefix), "{}", control.host());
            prop_assert_eq!(
                &data.host()[data_prefix.len()..],
                &control.host()[control_prefix.len()..]
            );
        }
    }
}
