//! STS as endpoint resolution sees it (SPEC §14.5): its override names, its rule set (the
//! regional endpoints, FIPS, dual-stack, the legacy global endpoint) and the signing region.

use ssokit_http::{
    Endpoint, EndpointConfig, EndpointError, Regional, ServiceEndpoint, standard_regional_host,
};

use crate::error::Error;

/// The regions the legacy setting (`sts_regional_endpoints = legacy`) sends to the global
/// endpoint.
const LEGACY_GLOBAL_REGIONS: [&str; 16] = [
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// The host of the global endpoint.
const GLOBAL_HOST: &str = "sts.amazonaws.com";

/// The region the global endpoint signs for.
const GLOBAL_SIGNING_REGION: &str = "us-east-1";

/// STS, with or without the legacy global endpoint (`AWS_STS_REGIONAL_ENDPOINTS` /
/// `sts_regional_endpoints`: `regional`, the default, or `legacy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Sts {
    legacy_global: bool,
}

impl Sts {
    /// Regional endpoints (the default).
    pub fn regional() -> Self {
        Self::default()
    }

    /// The legacy setting: the 16 regions of the old global endpoint use it.
    pub fn legacy_global() -> Self {
        Self {
            legacy_global: true,
        }
    }
}

impl ServiceEndpoint for Sts {
    fn endpoint_env_var(self) -> &'static str {
        "AWS_ENDPOINT_URL_STS"
    }

    fn services_key(self) -> &'static str {
        "sts"
    }

    fn rule_name(self) -> &'static str {
        "sts"
    }

    /// R-HTTP: STS's answers hold secret keys.
    fn insecure_http_message(self, host: &str, source: &str) -> String {
        format!(
            "refusing to call STS over plain http at {host} (from {source}): its answer holds secret keys; use https, or allow insecure http explicitly"
        )
    }

    /// `aws-global`, and with the legacy setting the 16 old regions, use
    /// `sts.amazonaws.com` (not with FIPS or dual-stack); FIPS in `aws-us-gov` is the plain
    /// host; else the standard template.
    fn regional_host(self, regional: &Regional<'_>) -> Result<String, EndpointError> {
        let region = regional.region;
        let flags = regional.use_fips || regional.use_dual_stack;
        let global = region == "aws-global"
            || (self.legacy_global && LEGACY_GLOBAL_REGIONS.contains(&region));
        if global && !flags {
            return Ok(GLOBAL_HOST.to_owned());
        }
        let partition = regional.partition;
        if regional.use_fips && !regional.use_dual_stack && partition.id() == "aws-us-gov" {
            return Ok(format!("sts.{region}.amazonaws.com"));
        }
        standard_regional_host("sts", regional)
    }
}

/// An STS endpoint and the region requests to it are signed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StsEndpoint {
    endpoint: Endpoint,
    signing_region: String,
}

impl StsEndpoint {
    /// Resolves `config` for `sts` (SPEC §14.5): R-HTTP for plain http to a host that is not
    /// loopback, the P-* errors otherwise. The signing region is `us-east-1` for the global
    /// endpoint, else the configured region (an override's too; `us-east-1` when none is
    /// set).
    pub fn resolve(config: &EndpointConfig, sts: Sts) -> Result<Self, Error> {
        let endpoint = config.resolve(sts).map_err(Error::Endpoint)?;
        let signing_region = match config.region_name() {
            Some(region) if endpoint.host() != GLOBAL_HOST => region.to_owned(),
            _ => GLOBAL_SIGNING_REGION.to_owned(),
        };
        Ok(Self {
            endpoint,
            signing_region,
        })
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The region SigV4 signs for.
    pub fn signing_region(&self) -> &str {
        &self.signing_region
    }
}
