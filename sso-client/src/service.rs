//! The two SSO services as endpoint resolution sees them: their override names and their
//! rule sets' regional hosts (the `portal.sso` and `oidc` prefixes, SPEC §5.3-5.5).

use ssokit_http::{EndpointError, Regional, ServiceEndpoint, standard_regional_host};

/// Which of the two services an endpoint is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Service {
    /// The SSO portal (`portal.sso.<region>…`), which serves `GetRoleCredentials` and
    /// `Logout`.
    Portal,
    /// SSO-OIDC (`oidc.<region>…`), which serves `CreateToken`, `RegisterClient` and
    /// `StartDeviceAuthorization` (and the browser's `authorize` page).
    Oidc,
}

impl Service {
    /// The first host label of the service's regional endpoints.
    pub fn prefix(self) -> &'static str {
        match self {
            Service::Portal => "portal.sso",
            Service::Oidc => "oidc",
        }
    }
}

impl ServiceEndpoint for Service {
    fn endpoint_env_var(self) -> &'static str {
        match self {
            Service::Portal => "AWS_ENDPOINT_URL_SSO",
            Service::Oidc => "AWS_ENDPOINT_URL_SSO_OIDC",
        }
    }

    fn services_key(self) -> &'static str {
        match self {
            Service::Portal => "sso",
            Service::Oidc => "sso_oidc",
        }
    }

    fn rule_name(self) -> &'static str {
        self.prefix()
    }

    /// P-HTTP: the bearer token must not travel in clear text.
    fn insecure_http_message(self, host: &str, source: &str) -> String {
        format!(
            "refusing to send SSO credentials over plain http to {host} (from {source}); use https, or allow insecure http explicitly"
        )
    }

    /// The SSO rule sets: the standard template, except that FIPS in `aws-us-gov` is the
    /// plain `<prefix>.<region>.amazonaws.com` host.
    fn regional_host(self, regional: &Regional<'_>) -> Result<String, EndpointError> {
        let prefix = self.prefix();
        let partition = regional.partition;
        if regional.use_fips
            && !regional.use_dual_stack
            && partition.id() == "aws-us-gov"
            && partition.supports_fips()
        {
            return Ok(format!("{prefix}.{}.amazonaws.com", regional.region));
        }
        standard_regional_host(prefix, regional)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssokit_http::{EndpointConfig, EndpointOverride, EndpointOverrideSources, NamedValue};

    fn over(url: &str) -> EndpointConfig {
        EndpointConfig::new()
            .region("us-east-1")
            .endpoint_override(Some(EndpointOverride::new(url, "AWS_ENDPOINT_URL_SSO")))
    }

    #[test]
    fn regional_hosts() {
        let cfg = EndpointConfig::new().region("eu-west-1");
        assert_eq!(
            cfg.resolve(Service::Portal).unwrap().url(),
            "https://portal.sso.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            cfg.resolve(Service::Oidc).unwrap().url(),
            "https://oidc.eu-west-1.amazonaws.com"
        );
        let gov = EndpointConfig::new().region("us-gov-west-1").use_fips(true);
        assert_eq!(
            gov.resolve(Service::Oidc).unwrap().url(),
            "https://oidc.us-gov-west-1.amazonaws.com"
        );
        let both = EndpointConfig::new()
            .region("us-east-2")
            .use_fips(true)
            .use_dual_stack(true);
        assert_eq!(
            both.resolve(Service::Portal).unwrap().url(),
            "https://portal.sso-fips.us-east-2.api.aws"
        );
        // Pseudo-regions are not rewritten.
        let pseudo = EndpointConfig::new().region("fips-us-east-1");
        assert_eq!(
            pseudo.resolve(Service::Portal).unwrap().url(),
            "https://portal.sso.fips-us-east-1.amazonaws.com"
        );
    }

    #[test]
    fn region_validation() {
        for bad in [
            "us_east_1",
            "-us-east-1",
            "us-east-1-",
            "us.east.1",
            "é",
            &"a".repeat(64),
        ] {
            let err = EndpointConfig::new()
                .region(bad)
                .resolve(Service::Portal)
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("Invalid region in config: \"{bad}\"")
            );
        }
        for good in ["a", "us-east-1", "A1", &"a".repeat(63)] {
            assert!(
                EndpointConfig::new()
                    .region(good)
                    .resolve(Service::Portal)
                    .is_ok(),
                "{good}"
            );
        }
        let err = EndpointConfig::new().resolve(Service::Portal).unwrap_err();
        assert_eq!(err.to_string(), "Missing region in config");
        let err = EndpointConfig::new()
            .region("")
            .resolve(Service::Portal)
            .unwrap_err();
        assert_eq!(err.to_string(), "Missing region in config");
        // Override or not, the region must be valid.
        let err = over("https://example.com")
            .region("us_east_1")
            .resolve(Service::Portal)
            .unwrap_err();
        assert_eq!(err.to_string(), "Invalid region in config: \"us_east_1\"");
    }

    #[test]
    fn override_with_flags_is_refused() {
        let err = over("https://example.com")
            .use_fips(true)
            .resolve(Service::Portal)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Invalid Configuration: FIPS and custom endpoint are not supported"
        );
        let err = over("https://example.com")
            .use_dual_stack(true)
            .resolve(Service::Oidc)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Invalid Configuration: Dualstack and custom endpoint are not supported"
        );
    }

    #[test]
    fn override_path_prefix_keeps_all_but_one_trailing_slash() {
        let e = over("http://127.0.0.1:8080/prefix/")
            .resolve(Service::Portal)
            .unwrap();
        assert_eq!(e.url(), "http://127.0.0.1:8080/prefix");
        assert_eq!(
            e.operation_url("/federation/credentials"),
            "http://127.0.0.1:8080/prefix/federation/credentials"
        );
        let e = over("https://Example.COM")
            .resolve(Service::Portal)
            .unwrap();
        assert_eq!(
            (e.url().as_str(), e.host(), e.port()),
            ("https://example.com", "example.com", 443)
        );
        let e = over("https://example.com/a//")
            .resolve(Service::Portal)
            .unwrap();
        assert_eq!(e.url(), "https://example.com/a/");
        let e = over("http://[::1]:9/").resolve(Service::Portal).unwrap();
        assert_eq!(
            (e.url().as_str(), e.host(), e.port()),
            ("http://[::1]:9", "[::1]", 9)
        );
    }

    #[test]
    fn invalid_override_urls() {
        for (url, reason) in [
            ("", "the URL is empty"),
            (
                "example.com",
                "expected an absolute http:// or https:// URL",
            ),
            (
                "ftp://example.com",
                "expected an absolute http:// or https:// URL",
            ),
            ("https://", "missing host"),
            ("https:///path", "missing host"),
            ("https://example.com:99999", "invalid port"),
            ("https://example.com:x", "invalid port"),
            ("https://example.com/?a=b", "a query is not allowed"),
            ("https://example.com/#x", "a fragment is not allowed"),
            (
                "https://user:pw@example.com",
                "user information is not allowed",
            ),
            (
                "https://example.com/a b",
                "the path must be ASCII without spaces (percent-encode it)",
            ),
            ("https://[::1", "unterminated IPv6 address"),
            ("https://exa mple.com", "not a valid URL"),
        ] {
            let err = over(url).resolve(Service::Portal).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid endpoint URL \"{url}\" from AWS_ENDPOINT_URL_SSO: {reason}"),
                "{url}"
            );
        }
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for host in [
            "127.0.0.1",
            "127.1.2.3",
            "localhost",
            "LOCALHOST",
            "a.localhost",
            "[::1]",
        ] {
            assert!(
                over(&format!("http://{host}:1"))
                    .resolve(Service::Portal)
                    .is_ok(),
                "{host}"
            );
        }
        for host in [
            "sso.example.internal",
            "10.0.0.1",
            "128.0.0.1",
            "localhost.example.com",
            "[::2]",
        ] {
            let err = over(&format!("http://{host}:8080"))
                .resolve(Service::Portal)
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "refusing to send SSO credentials over plain http to {host} (from AWS_ENDPOINT_URL_SSO); use https, or allow insecure http explicitly"
                )
            );
            assert!(
                over(&format!("http://{host}:8080"))
                    .allow_insecure_http(true)
                    .resolve(Service::Portal)
                    .is_ok()
            );
        }
    }

    #[test]
    fn override_precedence() {
        let full = EndpointOverrideSources {
            builder: Some("https://builder".into()),
            service_env: Some("https://service-env".into()),
            services_section: Some(NamedValue::new("local", "https://services")),
            global_env: Some("https://global-env".into()),
            profile: Some(NamedValue::new("a", "https://profile")),
            ignore_configured_endpoint_urls: false,
        };
        let pick = |s: &EndpointOverrideSources, svc| s.select(svc).map(|o| (o.url, o.source));
        let o = |u: &str, s: &str| Some((u.to_owned(), s.to_owned()));
        assert_eq!(
            pick(&full, Service::Portal),
            o("https://builder", "the builder's endpoint_url")
        );
        let mut s = EndpointOverrideSources {
            builder: None,
            ..full.clone()
        };
        assert_eq!(
            pick(&s, Service::Portal),
            o("https://service-env", "AWS_ENDPOINT_URL_SSO")
        );
        assert_eq!(
            pick(&s, Service::Oidc),
            o("https://service-env", "AWS_ENDPOINT_URL_SSO_OIDC")
        );
        s.service_env = Some(String::new());
        assert_eq!(
            pick(&s, Service::Portal),
            o("https://services", "[services local] sso endpoint_url")
        );
        assert_eq!(
            pick(&s, Service::Oidc),
            o("https://services", "[services local] sso_oidc endpoint_url")
        );
        s.services_section = None;
        assert_eq!(
            pick(&s, Service::Portal),
            o("https://global-env", "AWS_ENDPOINT_URL")
        );
        s.global_env = None;
        assert_eq!(
            pick(&s, Service::Portal),
            o("https://profile", "endpoint_url of profile a")
        );
        s.profile = None;
        assert_eq!(pick(&s, Service::Portal), None);
        let ignored = EndpointOverrideSources {
            builder: None,
            ignore_configured_endpoint_urls: true,
            ..full.clone()
        };
        assert_eq!(pick(&ignored, Service::Portal), None);
        let ignored = EndpointOverrideSources {
            ignore_configured_endpoint_urls: true,
            ..full
        };
        assert_eq!(
            pick(&ignored, Service::Portal),
            o("https://builder", "the builder's endpoint_url")
        );
    }
}
