//! The AWS partition table (generated from `partitions.json`) and region-to-partition lookup.

#[rustfmt::skip]
#[path = "generated/partitions.rs"]
mod table;

/// One AWS partition: which regions belong to it and how its host names end.
#[derive(Debug)]
pub struct Partition {
    /// Partition id, e.g. `aws`, `aws-us-gov`.
    pub(crate) id: &'static str,
    /// Regions listed by name, sorted.
    pub(crate) regions: &'static [&'static str],
    /// The partition's `regionRegex`, as `-`-separated segments.
    pub(crate) pattern: &'static [Segment],
    /// DNS suffix of regular endpoints.
    pub(crate) dns_suffix: &'static str,
    /// DNS suffix of dual-stack endpoints.
    pub(crate) dual_stack_dns_suffix: &'static str,
    /// Whether FIPS endpoints exist.
    pub(crate) supports_fips: bool,
    /// Whether dual-stack endpoints exist.
    pub(crate) supports_dual_stack: bool,
}

/// One `-`-separated piece of a region pattern.
#[derive(Debug)]
pub(crate) enum Segment {
    /// Exactly one of these literals.
    OneOf(&'static [&'static str]),
    /// `\w+`: one or more ASCII letters, digits or `_`.
    Word,
    /// `\d+`: one or more ASCII digits.
    Digits,
}

impl Segment {
    fn matches(&self, piece: &str) -> bool {
        match self {
            Segment::OneOf(choices) => choices.contains(&piece),
            Segment::Word => {
                !piece.is_empty()
                    && piece
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            }
            Segment::Digits => !piece.is_empty() && piece.bytes().all(|b| b.is_ascii_digit()),
        }
    }
}

impl Partition {
    /// The partition id, e.g. `aws`, `aws-cn`, `aws-us-gov`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The DNS suffix of regular endpoints, e.g. `amazonaws.com`.
    pub fn dns_suffix(&self) -> &'static str {
        self.dns_suffix
    }

    /// The DNS suffix of dual-stack endpoints, e.g. `api.aws`.
    pub fn dual_stack_dns_suffix(&self) -> &'static str {
        self.dual_stack_dns_suffix
    }

    /// Whether the partition has FIPS endpoints.
    pub fn supports_fips(&self) -> bool {
        self.supports_fips
    }

    /// Whether the partition has dual-stack endpoints.
    pub fn supports_dual_stack(&self) -> bool {
        self.supports_dual_stack
    }

    fn pattern_matches(&self, region: &str) -> bool {
        let pieces: Vec<&str> = region.split('-').collect();
        pieces.len() == self.pattern.len()
            && self
                .pattern
                .iter()
                .zip(&pieces)
                .all(|(segment, piece)| segment.matches(piece))
    }
}

/// The partition of `region`: an exact region list first, then the region patterns, else
/// `aws` (as the SDKs' `aws.partition` function does).
pub fn partition_of(region: &str) -> &'static Partition {
    let all = table::PARTITIONS;
    all.iter()
        .find(|p| p.regions.binary_search(&region).is_ok())
        .or_else(|| all.iter().find(|p| p.pattern_matches(region)))
        .or_else(|| all.iter().find(|p| p.id == "aws"))
        .unwrap_or(&FALLBACK)
}

/// Used only if the generated table somehow lacks `aws`; keeps the lookup total.
static FALLBACK: Partition = Partition {
    id: "aws",
    regions: &[],
    pattern: &[],
    dns_suffix: "amazonaws.com",
    dual_stack_dns_suffix: "api.aws",
    supports_fips: true,
    supports_dual_stack: true,
};

#[cfg(test)]
mod tests {
    use super::partition_of;

    #[test]
    fn regions_map_to_their_partitions() {
        for (region, id) in [
            ("us-east-1", "aws"),
            ("eu-west-1", "aws"),
            ("mx-central-9", "aws"),
            ("cn-north-1", "aws-cn"),
            ("cn-south-7", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-gov-north-5", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("eusc-de-east-1", "aws-eusc"),
            ("eusc-de-west-2", "aws-eusc"),
            ("aws-global", "aws"),
            ("aws-cn-global", "aws-cn"),
            ("unknown", "aws"),
            ("zz-east-1", "aws"),
            ("us-east-x", "aws"),
        ] {
            assert_eq!(partition_of(region).id, id, "{region}");
        }
    }

    #[test]
    fn suffixes_come_from_the_table() {
        let cn = partition_of("cn-north-1");
        assert_eq!(cn.dns_suffix, "amazonaws.com.cn");
        assert_eq!(cn.dual_stack_dns_suffix, "api.amazonwebservices.com.cn");
        assert!(cn.supports_fips && cn.supports_dual_stack);
        assert_eq!(partition_of("eusc-de-east-1").dns_suffix, "amazonaws.eu");
    }
}
