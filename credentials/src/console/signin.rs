//! The pure part of `ssokit console` (SPEC §24 steps 2 and 4): the arguments' checks
//! (C-DURATION, C-DEST), the region, the partition's sign-in and console hosts
//! (C-PARTITION), the federation endpoint (the partition's sign-in host, or
//! `SSOKIT_FEDERATION_ENDPOINT` under the §5.5 rules) and the login URL. No I/O.

use ssokit_config_parser::Env;
use ssokit_http::{
    Endpoint, EndpointConfig, EndpointError, EndpointOverride, Regional, ServiceEndpoint,
    encode_component, partition_of,
};

use crate::error::{CredentialsError, ErrorCode};

/// The shortest `--duration` the sign-in endpoint accepts, in seconds (15 minutes).
pub const MIN_CONSOLE_DURATION: u32 = 900;
/// The longest `--duration` the sign-in endpoint accepts, in seconds (12 hours).
pub const MAX_CONSOLE_DURATION: u32 = 43_200;
/// The variable that overrides the federation endpoint (its path is kept, `/federation` is
/// appended).
pub const FEDERATION_ENDPOINT_VAR: &str = "SSOKIT_FEDERATION_ENDPOINT";
/// The region when nothing names one.
const DEFAULT_REGION: &str = "us-east-1";

/// `--duration`: whole seconds (ASCII digits only) from 900 to 43200, else C-DURATION (a
/// usage error: [`ErrorCode::ConsoleArgument`]).
pub fn parse_console_duration(value: &str) -> Result<u32, CredentialsError> {
    value
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| value.parse::<u32>().ok())
        .flatten()
        .filter(|n| (MIN_CONSOLE_DURATION..=MAX_CONSOLE_DURATION).contains(n))
        .ok_or_else(|| {
            CredentialsError::failed(
                ErrorCode::ConsoleArgument,
                format!(
                    "invalid --duration \"{value}\": expected whole seconds from {MIN_CONSOLE_DURATION} to {MAX_CONSOLE_DURATION}"
                ),
            )
        })
}

/// `--destination`: an absolute `https` URL (scheme `https` in any case, `://`, a host; no
/// white space or control characters anywhere), else C-DEST (a usage error:
/// [`ErrorCode::ConsoleArgument`]).
pub fn check_console_destination(value: &str) -> Result<(), CredentialsError> {
    let host_present = value
        .split_once("://")
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("https"))
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or_default())
        .and_then(|authority| authority.rsplit('@').next())
        .is_some_and(|host| !host.is_empty() && !host.starts_with(':'));
    let clean = !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if host_present && clean {
        Ok(())
    } else {
        Err(CredentialsError::failed(
            ErrorCode::ConsoleArgument,
            format!("invalid --destination \"{value}\": expected an absolute https URL"),
        ))
    }
}

/// The console's region (SPEC §24 step 2): `--region`, `AWS_REGION`,
/// `AWS_DEFAULT_REGION`, the profile's `region`, the `sso_region` behind the credentials,
/// `us-east-1`; empty values count as unset.
pub(crate) fn console_region(
    explicit: Option<&str>,
    env: &Env,
    profile_region: Option<&str>,
    sso_region: Option<&str>,
) -> String {
    [
        explicit,
        env.get("AWS_REGION"),
        env.get("AWS_DEFAULT_REGION"),
        profile_region,
        sso_region,
    ]
    .into_iter()
    .flatten()
    .find(|r| !r.is_empty())
    .unwrap_or(DEFAULT_REGION)
    .to_owned()
}

/// The AWS sign-in and console hosts of a region's partition (SPEC §24 step 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsoleHosts {
    partition: &'static str,
    signin: &'static str,
    console: &'static str,
}

impl ConsoleHosts {
    /// The hosts of `region`'s partition (SPEC §5.4): `aws`, `aws-us-gov`, `aws-cn` and
    /// `aws-eusc` have them; the iso partitions are C-PARTITION.
    pub fn for_region(region: &str) -> Result<Self, CredentialsError> {
        let partition = partition_of(region).id();
        let (signin, console) = match partition {
            "aws" => ("signin.aws.amazon.com", "console.aws.amazon.com"),
            "aws-us-gov" => (
                "signin.amazonaws-us-gov.com",
                "console.amazonaws-us-gov.com",
            ),
            "aws-cn" => ("signin.amazonaws.cn", "console.amazonaws.cn"),
            "aws-eusc" => ("signin.amazonaws-eusc.eu", "console.amazonaws-eusc.eu"),
            _ => {
                return Err(CredentialsError::failed(
                    ErrorCode::Console,
                    format!(
                        "the AWS console sign-in is not available for region {region} (partition {partition})"
                    ),
                ));
            }
        };
        Ok(Self {
            partition,
            signin,
            console,
        })
    }

    /// The partition id (`aws`, `aws-us-gov`, ...).
    pub fn partition(&self) -> &'static str {
        self.partition
    }

    /// The sign-in host (`signin.aws.amazon.com`).
    pub fn signin_host(&self) -> &'static str {
        self.signin
    }

    /// The console host (`console.aws.amazon.com`).
    pub fn console_host(&self) -> &'static str {
        self.console
    }

    /// The default destination: `https://<console host>/console/home?region=<region>`.
    pub fn default_destination(&self, region: &str) -> String {
        format!(
            "https://{}/console/home?region={}",
            self.console,
            encode_component(region)
        )
    }
}

/// The federation endpoint as endpoint resolution sees it: its host is the partition's
/// sign-in host, whatever the region within it; its override is
/// [`FEDERATION_ENDPOINT_VAR`].
#[derive(Clone, Copy, Debug)]
struct Federation;

impl ServiceEndpoint for Federation {
    fn endpoint_env_var(self) -> &'static str {
        FEDERATION_ENDPOINT_VAR
    }

    fn services_key(self) -> &'static str {
        "signin"
    }

    fn rule_name(self) -> &'static str {
        "AWS sign-in"
    }

    fn insecure_http_message(self, host: &str, source: &str) -> String {
        format!(
            "refusing to send AWS credentials over plain http to {host} (from {source}); use https, or allow insecure http explicitly"
        )
    }

    fn regional_host(self, regional: &Regional<'_>) -> Result<String, EndpointError> {
        ConsoleHosts::for_region(regional.region)
            .map(|hosts| hosts.signin.to_owned())
            .map_err(|_| EndpointError::UnsupportedByPartition {
                message: "the AWS console sign-in is not available in this partition",
            })
    }
}

/// The federation endpoint for `region` (SPEC §24 step 2): `https://<sign-in host>`, or
/// the override (an absolute http(s) URL whose path is kept; plain http only to loopback
/// unless `allow_insecure_http`: SPEC §5.5, P-URL, P-HTTP, P-REGION). Requests go to its
/// `/federation`.
pub(crate) fn federation_endpoint(
    region: &str,
    endpoint_override: Option<&str>,
    allow_insecure_http: bool,
) -> Result<Endpoint, CredentialsError> {
    EndpointConfig::new()
        .region(region)
        .endpoint_override(
            endpoint_override.map(|url| EndpointOverride::new(url, FEDERATION_ENDPOINT_VAR)),
        )
        .allow_insecure_http(allow_insecure_http)
        .resolve(Federation)
        .map_err(|e| CredentialsError::failed(ErrorCode::Endpoint, e.to_string()).caused_by(e))
}

/// The login URL (SPEC §24 step 4): `<base>?Action=login&Issuer=<i>&Destination=<d>&SigninToken=<token>`,
/// the values encoded strictly (SPEC §4.2). It holds the sign-in token: a secret.
pub(crate) fn login_url(base: &str, issuer: &str, destination: &str, token: &str) -> String {
    format!(
        "{base}?Action=login&Issuer={}&Destination={}&SigninToken={}",
        encode_component(issuer),
        encode_component(destination),
        encode_component(token)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_whole_seconds_in_range() {
        assert_eq!(parse_console_duration("900").ok(), Some(900));
        assert_eq!(parse_console_duration("3600").ok(), Some(3600));
        assert_eq!(parse_console_duration("43200").ok(), Some(43_200));
        for bad in [
            "60",
            "899",
            "43201",
            "+3600",
            "3600s",
            " 3600",
            "1e3",
            "",
            "99999999999",
        ] {
            let error = parse_console_duration(bad).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("invalid --duration \"{bad}\": expected whole seconds from 900 to 43200")
            );
            assert_eq!(error.code(), ErrorCode::ConsoleArgument);
        }
    }

    #[test]
    fn destinations_are_absolute_https_urls() {
        for good in [
            "https://console.aws.amazon.com/s3/home?region=eu-west-1#x",
            "HTTPS://example.com",
            "https://[::1]:8443/a",
        ] {
            assert!(check_console_destination(good).is_ok(), "{good}");
        }
        for bad in [
            "http://console.aws.amazon.com/",
            "/console/home",
            "console.aws.amazon.com",
            "https://",
            "https:///path",
            "https://a b/",
            "javascript:alert(1)",
            "https://x/\n",
        ] {
            let error = check_console_destination(bad).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("invalid --destination \"{bad}\": expected an absolute https URL"),
            );
            assert_eq!(error.code(), ErrorCode::ConsoleArgument);
        }
    }

    #[test]
    fn the_region_comes_from_the_first_source_that_names_one() {
        let env = Env::from_pairs([("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "eu-central-1")]);
        assert_eq!(
            console_region(Some("ap-south-1"), &env, Some("x"), Some("y")),
            "ap-south-1"
        );
        assert_eq!(
            console_region(None, &env, Some("x"), Some("y")),
            "eu-central-1"
        );
        let env = Env::from_pairs([("AWS_REGION", "us-west-2"), ("AWS_DEFAULT_REGION", "x")]);
        assert_eq!(console_region(None, &env, None, None), "us-west-2");
        let none = Env::new();
        assert_eq!(
            console_region(None, &none, Some("ca-central-1"), Some("y")),
            "ca-central-1"
        );
        assert_eq!(
            console_region(None, &none, None, Some("eu-west-1")),
            "eu-west-1"
        );
        assert_eq!(console_region(Some(""), &none, None, None), "us-east-1");
    }

    /// The whole `--print` URL of each partition without an override: what a user would
    /// open, built without any network.
    #[test]
    fn the_login_url_of_each_partition() {
        let cases = [
            (
                "eu-west-1",
                "aws",
                "https://signin.aws.amazon.com/federation",
                "https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1",
            ),
            (
                "us-gov-west-1",
                "aws-us-gov",
                "https://signin.amazonaws-us-gov.com/federation",
                "https%3A%2F%2Fconsole.amazonaws-us-gov.com%2Fconsole%2Fhome%3Fregion%3Dus-gov-west-1",
            ),
            (
                "cn-north-1",
                "aws-cn",
                "https://signin.amazonaws.cn/federation",
                "https%3A%2F%2Fconsole.amazonaws.cn%2Fconsole%2Fhome%3Fregion%3Dcn-north-1",
            ),
            (
                "eusc-de-east-1",
                "aws-eusc",
                "https://signin.amazonaws-eusc.eu/federation",
                "https%3A%2F%2Fconsole.amazonaws-eusc.eu%2Fconsole%2Fhome%3Fregion%3Deusc-de-east-1",
            ),
        ];
        for (region, partition, base, destination) in cases {
            let hosts = ConsoleHosts::for_region(region).unwrap();
            assert_eq!(hosts.partition(), partition);
            let endpoint = federation_endpoint(region, None, false).unwrap();
            assert_eq!(endpoint.operation_url("/federation"), base);
            let url = login_url(
                &endpoint.operation_url("/federation"),
                "https://d-abc123.awsapps.com/start",
                &hosts.default_destination(region),
                "st-1",
            );
            assert_eq!(
                url,
                format!(
                    "{base}?Action=login&Issuer=https%3A%2F%2Fd-abc123.awsapps.com%2Fstart&Destination={destination}&SigninToken=st-1"
                )
            );
        }
        // No issuer: an empty value; a token's reserved characters are encoded.
        assert_eq!(
            login_url("https://s/federation", "", "https://d/", "a+b/c="),
            "https://s/federation?Action=login&Issuer=&Destination=https%3A%2F%2Fd%2F&SigninToken=a%2Bb%2Fc%3D"
        );
    }

    #[test]
    fn iso_partitions_have_no_console_sign_in() {
        for (region, partition) in [
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
        ] {
            assert_eq!(
                ConsoleHosts::for_region(region).unwrap_err().to_string(),
                format!(
                    "the AWS console sign-in is not available for region {region} (partition {partition})"
                )
            );
        }
    }

    #[test]
    fn the_override_keeps_its_path_and_the_plain_http_rule() {
        let endpoint =
            federation_endpoint("eu-west-1", Some("http://127.0.0.1:9/prefix/"), false).unwrap();
        assert_eq!(
            endpoint.operation_url("/federation"),
            "http://127.0.0.1:9/prefix/federation"
        );
        let endpoint =
            federation_endpoint("eu-west-1", Some("https://signin.example.com"), false).unwrap();
        assert_eq!(
            endpoint.operation_url("/federation"),
            "https://signin.example.com/federation"
        );
        assert_eq!(
            federation_endpoint("eu-west-1", Some("http://signin.example.com"), false)
                .unwrap_err()
                .to_string(),
            "refusing to send AWS credentials over plain http to signin.example.com (from SSOKIT_FEDERATION_ENDPOINT); use https, or allow insecure http explicitly"
        );
        assert!(federation_endpoint("eu-west-1", Some("http://signin.example.com"), true).is_ok());
        assert_eq!(
            federation_endpoint("eu-west-1", Some("https://s/?a=1"), false)
                .unwrap_err()
                .to_string(),
            "invalid endpoint URL \"https://s/?a=1\" from SSOKIT_FEDERATION_ENDPOINT: a query is not allowed"
        );
        assert_eq!(
            federation_endpoint("bad region", None, false)
                .unwrap_err()
                .to_string(),
            "Invalid region in config: \"bad region\""
        );
    }
}
