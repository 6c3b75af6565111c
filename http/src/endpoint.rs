//! Endpoint resolution (SPEC §5): an override URL or the rule set's regional host, FIPS and
//! dual-stack flags, region validation, and the plain-http-only-to-loopback rule.
//!
//! Everything here is pure: the caller passes resolved values (region, flags, the winning
//! override and its source name) and a [`ServiceEndpoint`] (a service client's rule set),
//! and gets an [`Endpoint`] or an [`EndpointError`]. The precedence among override
//! sources (§5.1) lives in [`EndpointOverrideSources::select`], parameterised by service.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use crate::partition::{Partition, partition_of};

/// A service as endpoint resolution sees it: the names of its override settings (SPEC
/// §5.1) and its rule set's regional host (SPEC §5.3-5.5). Service clients implement it
/// for their services; this crate knows none.
pub trait ServiceEndpoint: Copy {
    /// The environment variable naming this service's endpoint override
    /// (`AWS_ENDPOINT_URL_<SERVICE_ID>`).
    fn endpoint_env_var(self) -> &'static str;

    /// The service's key inside a `[services NAME]` section (`sso`, `sso_oidc`, `sts`).
    fn services_key(self) -> &'static str;

    /// What the regional endpoint is called in an endpoint's source text: `the <name>
    /// endpoint for region <region>`.
    fn rule_name(self) -> &'static str;

    /// The refusal of plain `http` to `host` (from `source`), in the service's words: what
    /// would travel in clear text differs per service.
    fn insecure_http_message(self, host: &str, source: &str) -> String;

    /// The host of the service's endpoint for `regional` (its region is validated).
    fn regional_host(self, regional: &Regional<'_>) -> Result<String, EndpointError>;
}

/// What a rule set decides a regional host from: the region, its partition and the FIPS
/// and dual-stack flags.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Regional<'a> {
    /// The region (valid as a host label).
    pub region: &'a str,
    /// Its partition.
    pub partition: &'static Partition,
    /// `AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint`.
    pub use_fips: bool,
    /// `AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint`.
    pub use_dual_stack: bool,
}

/// The standard AWS regional host `<prefix>[-fips].<region>.<suffix>`, the dual-stack
/// suffix when asked, and the rule sets' errors when the partition lacks FIPS or
/// dual-stack.
pub fn standard_regional_host(
    prefix: &str,
    regional: &Regional<'_>,
) -> Result<String, EndpointError> {
    let Regional {
        region,
        partition,
        use_fips,
        use_dual_stack,
    } = *regional;
    let fips = partition.supports_fips();
    let dual = partition.supports_dual_stack();
    match (use_fips, use_dual_stack) {
        (true, true) if !(fips && dual) => Err(EndpointError::UnsupportedByPartition {
            message: "FIPS and DualStack are enabled, but this partition does not support one or both",
        }),
        (true, false) if !fips => Err(EndpointError::UnsupportedByPartition {
            message: "FIPS is enabled but this partition does not support FIPS",
        }),
        (false, true) if !dual => Err(EndpointError::UnsupportedByPartition {
            message: "DualStack is enabled but this partition does not support DualStack",
        }),
        (true, true) => Ok(format!(
            "{prefix}-fips.{region}.{}",
            partition.dual_stack_dns_suffix()
        )),
        (true, false) => Ok(format!("{prefix}-fips.{region}.{}", partition.dns_suffix())),
        (false, true) => Ok(format!(
            "{prefix}.{region}.{}",
            partition.dual_stack_dns_suffix()
        )),
        (false, false) => Ok(format!("{prefix}.{region}.{}", partition.dns_suffix())),
    }
}

/// Errors resolving an endpoint (the P-* texts of SPEC §0).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The region is missing or empty.
    #[error("Missing region in config")]
    MissingRegion,
    /// The region is not a valid host label.
    #[error("Invalid region in config: \"{region}\"")]
    InvalidRegion {
        /// The rejected region.
        region: String,
    },
    /// FIPS was requested together with a custom endpoint.
    #[error("Invalid Configuration: FIPS and custom endpoint are not supported")]
    FipsWithCustomEndpoint,
    /// Dual-stack was requested together with a custom endpoint.
    #[error("Invalid Configuration: Dualstack and custom endpoint are not supported")]
    DualStackWithCustomEndpoint,
    /// FIPS and/or dual-stack is not supported by the region's partition.
    #[error("{message}")]
    UnsupportedByPartition {
        /// The rule set's own wording.
        message: &'static str,
    },
    /// The override is not an absolute http(s) URL with a host and no query or fragment.
    #[error("invalid endpoint URL \"{value}\" from {source_name}: {reason}")]
    InvalidUrl {
        /// The rejected value.
        value: String,
        /// Where it came from (e.g. `AWS_ENDPOINT_URL_SSO`).
        source_name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Plain `http` to a host that is not loopback, without the explicit opt-in; the text
    /// is the service's ([`ServiceEndpoint::insecure_http_message`]).
    #[error("{message}")]
    InsecureHttp {
        /// The host the URL names.
        host: String,
        /// Where the URL came from.
        source_name: String,
        /// The service's refusal (SSO's P-HTTP, STS's R-HTTP).
        message: String,
    },
}

/// An endpoint override and the name of where it came from (used in error messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointOverride {
    /// The URL as configured.
    pub url: String,
    /// Its source, e.g. `AWS_ENDPOINT_URL_SSO` or `[services local] sso endpoint_url`.
    pub source: String,
}

impl EndpointOverride {
    /// An override `url` from `source`.
    pub fn new(url: impl Into<String>, source: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            source: source.into(),
        }
    }
}

/// A value from a named config section (a `[services NAME]` group or a profile).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedValue {
    /// The section's name (`NAME` of `[services NAME]`, or the profile name).
    pub name: String,
    /// The `endpoint_url` value found there.
    pub value: String,
}

impl NamedValue {
    /// `value` found in the section `name`.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// Every candidate endpoint override, as the caller resolved them from its configuration.
/// [`select`](Self::select) applies the SDK precedence (SPEC §5.1). Empty values count as
/// unset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointOverrideSources {
    /// An endpoint set in code (a builder); always honoured.
    pub builder: Option<String>,
    /// `AWS_ENDPOINT_URL_SSO` (portal) or `AWS_ENDPOINT_URL_SSO_OIDC` (OIDC).
    pub service_env: Option<String>,
    /// `endpoint_url` of the service's group in the `[services NAME]` section the profile
    /// names.
    pub services_section: Option<NamedValue>,
    /// `AWS_ENDPOINT_URL`.
    pub global_env: Option<String>,
    /// The profile's own `endpoint_url`.
    pub profile: Option<NamedValue>,
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, else the profile's
    /// `ignore_configured_endpoint_urls`: only the builder value counts.
    pub ignore_configured_endpoint_urls: bool,
}

impl EndpointOverrideSources {
    /// The winning override for `service` and its source name: builder, service variable,
    /// `[services]`, `AWS_ENDPOINT_URL`, profile `endpoint_url`; only the builder when
    /// configured endpoints are ignored. `None` means "use the regional endpoint".
    pub fn select(&self, service: impl ServiceEndpoint) -> Option<EndpointOverride> {
        fn set(value: Option<&String>) -> Option<&String> {
            value.filter(|v| !v.is_empty())
        }
        if let Some(url) = set(self.builder.as_ref()) {
            return Some(EndpointOverride::new(url, "the builder's endpoint_url"));
        }
        if self.ignore_configured_endpoint_urls {
            return None;
        }
        if let Some(url) = set(self.service_env.as_ref()) {
            return Some(EndpointOverride::new(url, service.endpoint_env_var()));
        }
        if let Some(section) = self
            .services_section
            .as_ref()
            .filter(|s| !s.value.is_empty())
        {
            return Some(EndpointOverride::new(
                &section.value,
                format!(
                    "[services {}] {} endpoint_url",
                    section.name,
                    service.services_key()
                ),
            ));
        }
        if let Some(url) = set(self.global_env.as_ref()) {
            return Some(EndpointOverride::new(url, "AWS_ENDPOINT_URL"));
        }
        if let Some(profile) = self.profile.as_ref().filter(|p| !p.value.is_empty()) {
            return Some(EndpointOverride::new(
                &profile.value,
                format!("endpoint_url of profile {}", profile.name),
            ));
        }
        None
    }
}

/// The resolved inputs of endpoint resolution for one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointConfig {
    region: Option<String>,
    use_fips: bool,
    use_dual_stack: bool,
    endpoint_override: Option<EndpointOverride>,
    allow_insecure_http: bool,
}

impl EndpointConfig {
    /// No region, no flags, no override.
    pub fn new() -> Self {
        Self::default()
    }

    /// The region (`sso_region`); empty counts as unset.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into()).filter(|r| !r.is_empty());
        self
    }

    /// The region, if set.
    pub fn region_name(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Use FIPS endpoints (`AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint`).
    #[must_use]
    pub fn use_fips(mut self, on: bool) -> Self {
        self.use_fips = on;
        self
    }

    /// Use dual-stack endpoints (`AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint`).
    #[must_use]
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.use_dual_stack = on;
        self
    }

    /// The winning endpoint override, if any (see [`EndpointOverrideSources::select`]).
    #[must_use]
    pub fn endpoint_override(mut self, endpoint: Option<EndpointOverride>) -> Self {
        self.endpoint_override = endpoint;
        self
    }

    /// Allow plain `http` overrides to hosts that are not loopback (off by default: the
    /// bearer token must not travel in clear text).
    #[must_use]
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Resolve the endpoint of `service` (SPEC §5.3-5.5). Pure: no I/O.
    pub fn resolve(&self, service: impl ServiceEndpoint) -> Result<Endpoint, EndpointError> {
        if let Some(region) = &self.region {
            validate_region(region)?;
        }
        if let Some(endpoint) = &self.endpoint_override {
            if self.use_fips {
                return Err(EndpointError::FipsWithCustomEndpoint);
            }
            if self.use_dual_stack {
                return Err(EndpointError::DualStackWithCustomEndpoint);
            }
            return Endpoint::from_override(endpoint, self.allow_insecure_http, service);
        }
        let region = self.region.as_deref().ok_or(EndpointError::MissingRegion)?;
        let partition = partition_of(region);
        let host = service.regional_host(&Regional {
            region,
            partition,
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
        })?;
        Ok(Endpoint {
            secure: true,
            authority: host.clone(),
            host,
            port: 443,
            path_prefix: String::new(),
            source: format!("the {} endpoint for region {region}", service.rule_name()),
        })
    }
}

/// Whether `region` can name a host: `^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`.
pub fn is_valid_region(region: &str) -> bool {
    let bytes = region.as_bytes();
    let edge_ok = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    (1..=63).contains(&bytes.len())
        && edge_ok(bytes.first())
        && edge_ok(bytes.last())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// [`is_valid_region`], as the rule sets' error.
fn validate_region(region: &str) -> Result<(), EndpointError> {
    if is_valid_region(region) {
        Ok(())
    } else {
        Err(EndpointError::InvalidRegion {
            region: region.to_owned(),
        })
    }
}

/// A resolved endpoint: scheme, authority and path prefix. Obtained only from
/// [`EndpointConfig::resolve`], so a plain-http endpoint to a non-loopback host exists only
/// when the caller opted in.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    secure: bool,
    /// `host[:port]` as written (IPv6 in brackets).
    authority: String,
    /// The host (IPv6 in brackets), lower case.
    host: String,
    port: u16,
    /// The path without one trailing `/`, e.g. `/prefix` or empty.
    path_prefix: String,
    source: String,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &self.url())
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url())
    }
}

impl Endpoint {
    fn from_override(
        endpoint: &EndpointOverride,
        allow_insecure_http: bool,
        service: impl ServiceEndpoint,
    ) -> Result<Self, EndpointError> {
        let invalid = |reason: &str| EndpointError::InvalidUrl {
            value: endpoint.url.clone(),
            source_name: endpoint.source.clone(),
            reason: reason.to_owned(),
        };
        let value = endpoint.url.as_str();
        if value.is_empty() {
            return Err(invalid("the URL is empty"));
        }
        let (scheme, rest) = value
            .split_once("://")
            .ok_or_else(|| invalid("expected an absolute http:// or https:// URL"))?;
        let secure = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return Err(invalid("expected an absolute http:// or https:// URL")),
        };
        if rest.contains('?') {
            return Err(invalid("a query is not allowed"));
        }
        if rest.contains('#') {
            return Err(invalid("a fragment is not allowed"));
        }
        let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        if authority.contains('@') {
            return Err(invalid("user information is not allowed"));
        }
        let (host, port) = split_host_port(authority).map_err(invalid)?;
        let port = port.unwrap_or(if secure { 443 } else { 80 });
        if !path.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(invalid(
                "the path must be ASCII without spaces (percent-encode it)",
            ));
        }
        let check = format!(
            "{}://{authority}{path}",
            if secure { "https" } else { "http" }
        );
        if check.parse::<hyper::Uri>().is_err() {
            return Err(invalid("not a valid URL"));
        }
        let host = host.to_ascii_lowercase();
        if !secure && !allow_insecure_http && !is_loopback_host(&host) {
            return Err(EndpointError::InsecureHttp {
                message: service.insecure_http_message(&host, &endpoint.source),
                host,
                source_name: endpoint.source.clone(),
            });
        }
        let path_prefix = path.strip_suffix('/').unwrap_or(path).to_owned();
        Ok(Endpoint {
            secure,
            authority: authority.to_ascii_lowercase(),
            host,
            port,
            path_prefix,
            source: endpoint.source.clone(),
        })
    }

    /// The endpoint as a URL, e.g. `https://portal.sso.us-east-1.amazonaws.com` or
    /// `http://127.0.0.1:8080/prefix`.
    pub fn url(&self) -> String {
        format!("{}://{}{}", self.scheme(), self.authority, self.path_prefix)
    }

    /// `https` or `http`.
    pub fn scheme(&self) -> &'static str {
        if self.secure { "https" } else { "http" }
    }

    /// The host (lower case; an IPv6 address in brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, explicit or the scheme's default.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The path prefix of an override URL, without a trailing `/` (empty for regional
    /// endpoints).
    pub fn path_prefix(&self) -> &str {
        &self.path_prefix
    }

    /// The `host` header of a request to it: the host, with the port only when it is not
    /// the scheme's default.
    pub fn host_header(&self) -> String {
        let default = if self.secure { 443 } else { 80 };
        if self.port == default {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// Where the endpoint came from (an override's source name, or the regional rule).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the endpoint uses TLS.
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// The URL of an operation path (`/federation/credentials`, `/token`), without query.
    pub fn operation_url(&self, path: &str) -> String {
        format!("{}{path}", self.url())
    }
}

/// Splits `host[:port]` (IPv6 in brackets). The port, when present, must be 0-65535.
fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), &'static str> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']').ok_or("unterminated IPv6 address")?;
        let (host, rest) = authority.split_at(end + 1);
        if host[1..end].parse::<Ipv6Addr>().is_err() {
            return Err("invalid IPv6 address");
        }
        match rest.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if rest.is_empty() => (host, None),
            None => return Err("invalid host"),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("missing host");
    }
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().map_err(|_| "invalid port")?)
        }
        Some(_) => return Err("invalid port"),
        None => None,
    };
    Ok((host, port))
}

/// Loopback per SPEC §1: `localhost`, `*.localhost`, 127.0.0.0/8, `::1` (host lower case,
/// IPv6 possibly in brackets).
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if bare == "localhost" || bare.ends_with(".localhost") {
        return true;
    }
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => ip.is_loopback(),
        Err(_) => false,
    }
}
