//! The AWS partition table, as published in the AWS SDKs' `partitions.json` (version 1.1).

/// One AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Partition {
    /// The partition's name (`outputs.name`), as it appears in ARNs: `aws`, `aws-cn`, ...
    pub(crate) name: &'static str,
    /// `outputs.dnsSuffix`.
    pub(crate) dns_suffix: &'static str,
    /// `outputs.dualStackDnsSuffix`.
    pub(crate) dual_stack_dns_suffix: &'static str,
    /// `outputs.supportsFIPS`.
    pub(crate) supports_fips: bool,
    /// `outputs.supportsDualStack`.
    pub(crate) supports_dual_stack: bool,
    /// The region-name prefixes of the partition's `regionRegex`, `^({prefixes})\-\w+\-\d+$`.
    pub(crate) region_prefixes: &'static [&'static str],
    /// The partition's named global pseudo-region (for example `aws-global`), if it lists one.
    pub(crate) global_region: Option<&'static str>,
}

pub(crate) const AWS: Partition = Partition {
    name: "aws",
    dns_suffix: "amazonaws.com",
    dual_stack_dns_suffix: "api.aws",
    supports_fips: true,
    supports_dual_stack: true,
    region_prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
    global_region: Some("aws-global"),
};

/// Every partition. Their region patterns do not overlap, so the order does not matter.
pub(crate) const PARTITIONS: [Partition; 8] = [
    AWS,
    Partition {
        name: "aws-cn",
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
        region_prefixes: &["cn"],
        global_region: Some("aws-cn-global"),
    },
    Partition {
        name: "aws-us-gov",
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        region_prefixes: &["us-gov"],
        global_region: Some("aws-us-gov-global"),
    },
    Partition {
        name: "aws-iso",
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
        region_prefixes: &["us-iso"],
        global_region: Some("aws-iso-global"),
    },
    Partition {
        name: "aws-iso-b",
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
        supports_fips: true,
        supports_dual_stack: true,
        region_prefixes: &["us-isob"],
        global_region: Some("aws-iso-b-global"),
    },
    Partition {
        name: "aws-iso-e",
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: true,
        region_prefixes: &["eu-isoe"],
        global_region: Some("aws-iso-e-global"),
    },
    Partition {
        name: "aws-iso-f",
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
        region_prefixes: &["us-isof"],
        global_region: Some("aws-iso-f-global"),
    },
    Partition {
        name: "aws-eusc",
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
        supports_fips: true,
        supports_dual_stack: true,
        // `^eusc\-(de)\-\w+\-\d+$`; the table lists no `aws-eusc-global`.
        region_prefixes: &["eusc-de"],
        global_region: None,
    },
];

impl Partition {
    /// The partition of a region, as the rules' `aws.partition` finds it: a global pseudo-region
    /// by name (the only regions listed that the patterns miss), then by pattern; else `aws`.
    pub(crate) fn of_region(region: &str) -> &'static Partition {
        PARTITIONS
            .iter()
            .find(|p| p.global_region == Some(region))
            .or_else(|| {
                PARTITIONS.iter().find(|p| {
                    p.region_prefixes
                        .iter()
                        .any(|prefix| matches_region_regex(region, prefix))
                })
            })
            .unwrap_or(&PARTITIONS[0])
    }
}

/// `^{prefix}\-\w+\-\d+$`, with `\w` = `[A-Za-z0-9_]` and `\d` = `[0-9]`.
fn matches_region_regex(region: &str, prefix: &str) -> bool {
    let Some(rest) = region
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('-'))
    else {
        return false;
    };
    let Some((word, digits)) = rest.split_once('-') else {
        return false;
    };
    !word.is_empty()
        && word.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        && !digits.is_empty()
        && digits.bytes().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_their_partitions() {
        let cases = [
            ("us-east-1", "aws"),
            ("il-central-1", "aws"),
            ("mx-central-1", "aws"),
            ("aws-global", "aws"),
            ("cn-northwest-1", "aws-cn"),
            ("aws-cn-global", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("aws-us-gov-global", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("aws-iso-global", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("aws-iso-b-global", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("aws-iso-e-global", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("aws-iso-f-global", "aws-iso-f"),
            ("eusc-de-east-1", "aws-eusc"),
            // Not listed by any partition and matched by no pattern: the `aws` fallback.
            ("aws-eusc-global", "aws"),
            ("eusc-fr-east-1", "aws"),
            ("mars-north-1", "aws"),
            ("us-east", "aws"),
            ("us-east-1a", "aws"),
            ("local", "aws"),
        ];
        for (region, partition) in cases {
            assert_eq!(Partition::of_region(region).name, partition, "{region}");
        }
    }

    #[test]
    fn every_partition_supports_fips_and_dual_stack_today() {
        assert!(
            PARTITIONS
                .iter()
                .all(|p| p.supports_fips && p.supports_dual_stack)
        );
    }
}
