//! The container credentials endpoint (SPEC §16.1): ECS task roles
//! (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on 169.254.170.2) and full URIs (ECS
//! Anywhere, EKS Pod Identity on 169.254.170.23 / `fd00:ec2::23`, loopback agents), with an
//! optional authorization token.

use std::fmt;
use std::time::Duration;

use ssokit_http::{
    Endpoint, EndpointConfig, EndpointError, EndpointOverride, HttpClient, HttpSettings, Method,
    ProxySettings, Regional, Request, ServiceEndpoint, is_loopback_host,
};

use crate::credentials::{CodeRule, MetadataCredentials, parse_credentials};
use crate::error::ContainerError;

/// The ECS agent's address, which a relative URI is appended to.
pub const ECS_HOST: &str = "169.254.170.2";

/// The operation name in the HTTP stack's messages.
const OPERATION: &str = "container credentials";

/// The hosts plain http may reach besides loopback.
const HTTP_HOSTS: [&str; 3] = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"];

/// Where the container credentials are: the URL (query kept) from the environment.
#[derive(Clone, PartialEq, Eq)]
pub struct ContainerEndpoint {
    endpoint: Endpoint,
    /// Path and query, as given.
    target: String,
    /// The variable it came from.
    var: &'static str,
}

impl fmt::Debug for ContainerEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerEndpoint")
            .field("url", &self.url_without_query())
            .field("var", &self.var)
            .finish_non_exhaustive()
    }
}

/// The container endpoint as the stack's endpoint resolution sees it: an override only.
#[derive(Clone, Copy)]
struct Container;

impl ServiceEndpoint for Container {
    fn endpoint_env_var(self) -> &'static str {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI"
    }

    fn services_key(self) -> &'static str {
        "container"
    }

    fn rule_name(self) -> &'static str {
        "container credentials"
    }

    fn insecure_http_message(self, host: &str, _source: &str) -> String {
        host_refused(host)
    }

    fn regional_host(self, _regional: &Regional<'_>) -> Result<String, EndpointError> {
        Err(EndpointError::MissingRegion)
    }
}

fn host_refused(host: &str) -> String {
    format!(
        "refusing container credentials over plain http from {host} (AWS_CONTAINER_CREDENTIALS_FULL_URI): allowed are loopback, 169.254.170.2, 169.254.170.23 and fd00:ec2::23, or https"
    )
}

impl ContainerEndpoint {
    /// The endpoint the two variables name (`RELATIVE_URI` wins), `None` when neither is
    /// set (C-NONE), or C-URL / C-HOST. Empty values count as unset. No DNS lookup.
    pub fn from_variables(
        relative_uri: Option<&str>,
        full_uri: Option<&str>,
    ) -> Result<Option<Self>, ContainerError> {
        let set = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_owned);
        if let Some(relative) = set(relative_uri) {
            let var = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
            if !relative.starts_with('/') {
                return Err(url_error(
                    &relative,
                    var,
                    "a relative URI must start with /",
                ));
            }
            return Self::parse(&format!("http://{ECS_HOST}{relative}"), &relative, var).map(Some);
        }
        match set(full_uri) {
            Some(full) => {
                let var = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
                Self::parse(&full, &full, var).map(Some)
            }
            None => Ok(None),
        }
    }

    /// `url` split and checked; `shown` is the value as the variable holds it.
    fn parse(url: &str, shown: &str, var: &'static str) -> Result<Self, ContainerError> {
        let absolute = "expected an absolute http or https URL";
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| url_error(shown, var, absolute))?;
        let secure = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return Err(url_error(shown, var, absolute)),
        };
        if rest.contains('#') {
            return Err(url_error(shown, var, "a fragment is not allowed"));
        }
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(end);
        let host_part = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host_part.is_empty() || host_part.starts_with(':') {
            return Err(url_error(shown, var, "the URL has no host"));
        }
        let target = match target {
            "" => "/".to_owned(),
            t if t.starts_with('?') => format!("/{t}"),
            t => t.to_owned(),
        };
        let base = format!("{}://{authority}", if secure { "https" } else { "http" });
        let endpoint = EndpointConfig::new()
            .endpoint_override(Some(EndpointOverride::new(&base, var)))
            .allow_insecure_http(true)
            .resolve(Container)
            .map_err(|e| match e {
                EndpointError::InvalidUrl { reason, .. } => url_error(shown, var, &reason),
                other => url_error(shown, var, &other.to_string()),
            })?;
        let host = endpoint.host();
        if !secure && !is_loopback_host(host) && !HTTP_HOSTS.contains(&host) {
            return Err(ContainerError::Host {
                message: host_refused(host),
            });
        }
        Ok(Self {
            endpoint,
            target,
            var,
        })
    }

    /// The whole URL, query included: what is requested. Messages show
    /// [`url_without_query`](Self::url_without_query) instead.
    pub fn url(&self) -> String {
        format!("{}{}", self.endpoint.url(), self.target)
    }

    /// The URL without its query, as messages show it.
    pub fn url_without_query(&self) -> String {
        let path = self.target.split('?').next().unwrap_or_default();
        format!("{}{path}", self.endpoint.url())
    }

    /// The variable the endpoint came from.
    pub fn var(&self) -> &'static str {
        self.var
    }

    /// Whether the endpoint is https.
    pub fn is_secure(&self) -> bool {
        self.endpoint.is_secure()
    }
}

fn url_error(value: &str, var: &'static str, reason: &str) -> ContainerError {
    ContainerError::Url {
        value: value.to_owned(),
        var,
        reason: reason.to_owned(),
    }
}

/// The authorization token's check (C-TOKEN): not empty, no CR or LF. `source` names where
/// it came from (the file's path, or `AWS_CONTAINER_AUTHORIZATION_TOKEN`).
pub fn check_authorization(token: &str, source: &str) -> Result<(), ContainerError> {
    if token.is_empty() {
        return Err(ContainerError::Token(format!(
            "the container authorization token from {source} is empty"
        )));
    }
    if token.contains(['\r', '\n']) {
        return Err(ContainerError::Token(format!(
            "the container authorization token from {source} contains CR or LF"
        )));
    }
    Ok(())
}

/// A client of the container endpoint: connect 2 s, 5 s per attempt, 3 attempts, the
/// standard retry delays; plain http never through a proxy, https through the proxies
/// given. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ContainerClient {
    http: HttpClient,
    direct: HttpClient,
}

impl ContainerClient {
    /// A client over `settings` (its proxies, CA bundle, sleep and jitter); the timeouts
    /// and attempts are the container endpoint's own.
    pub fn new(settings: HttpSettings) -> Self {
        let settings = settings
            .connect_timeout(Duration::from_secs(2))
            .attempt_timeout(Duration::from_secs(5))
            .max_attempts(3);
        Self {
            direct: HttpClient::new(settings.clone().proxy(ProxySettings::none())),
            http: HttpClient::new(settings),
        }
    }

    /// `GET <url>` with `accept: application/json` and `authorization` when given (a
    /// secret header), then the credentials document (C-HTTP, C-SHAPE).
    pub async fn credentials(
        &self,
        endpoint: &ContainerEndpoint,
        authorization: Option<&str>,
    ) -> Result<MetadataCredentials, ContainerError> {
        let (path, query) = endpoint
            .target
            .split_once('?')
            .unwrap_or((endpoint.target.as_str(), ""));
        let mut request = Request::new(OPERATION, Method::Get, &endpoint.endpoint, path)
            .query(query)
            .header("accept", "application/json")
            .error_reader(crate::error::read_json_error);
        if let Some(token) = authorization {
            check_authorization(token, "the caller")?;
            request = request.secret_header("authorization", token);
        }
        let client = if endpoint.is_secure() {
            &self.http
        } else {
            &self.direct
        };
        let url = endpoint.url_without_query();
        let response = client
            .send(&request)
            .await
            .map_err(|e| ContainerError::http(&url, e))?;
        parse_credentials(response.body(), CodeRule::Optional)
            .map_err(|detail| ContainerError::Shape { url, detail })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(value: &str) -> Result<Option<ContainerEndpoint>, ContainerError> {
        ContainerEndpoint::from_variables(None, Some(value))
    }

    #[test]
    fn relative_uri_wins_and_goes_to_the_ecs_agent() {
        let endpoint = ContainerEndpoint::from_variables(Some("/v2/creds?id=1"), Some("https://x"))
            .unwrap()
            .unwrap();
        assert_eq!(
            endpoint.url_without_query(),
            "http://169.254.170.2/v2/creds"
        );
        assert_eq!(endpoint.var(), "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
        assert_eq!(
            ContainerEndpoint::from_variables(Some("v2/creds"), None)
                .unwrap_err()
                .to_string(),
            "invalid container credentials URL \"v2/creds\" from AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: a relative URI must start with /"
        );
        assert_eq!(
            ContainerEndpoint::from_variables(Some(""), Some("")).unwrap(),
            None
        );
    }

    #[test]
    fn full_uri_hosts() {
        for ok in [
            "http://127.0.0.1:8080/creds?task=1",
            "http://localhost/creds",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "http://[::1]:1234/",
            "https://creds.example.com/path",
        ] {
            assert!(full(ok).unwrap().is_some(), "{ok}");
        }
        assert_eq!(
            full("http://192.0.2.10/creds").unwrap_err().to_string(),
            "refusing container credentials over plain http from 192.0.2.10 (AWS_CONTAINER_CREDENTIALS_FULL_URI): allowed are loopback, 169.254.170.2, 169.254.170.23 and fd00:ec2::23, or https"
        );
        for (bad, reason) in [
            ("ftp://127.0.0.1/", "expected an absolute http or https URL"),
            ("127.0.0.1/creds", "expected an absolute http or https URL"),
            ("http:///creds", "the URL has no host"),
            ("http://127.0.0.1/creds#x", "a fragment is not allowed"),
        ] {
            assert_eq!(
                full(bad).unwrap_err().to_string(),
                format!(
                    "invalid container credentials URL \"{bad}\" from AWS_CONTAINER_CREDENTIALS_FULL_URI: {reason}"
                )
            );
        }
    }

    #[test]
    fn the_query_is_kept_but_not_shown() {
        let endpoint = full("http://127.0.0.1:9/creds?task=secret-ish")
            .unwrap()
            .unwrap();
        assert_eq!(endpoint.url_without_query(), "http://127.0.0.1:9/creds");
        assert_eq!(endpoint.url(), "http://127.0.0.1:9/creds?task=secret-ish");
        assert!(!format!("{endpoint:?}").contains("task="));
    }

    #[test]
    fn tokens_with_cr_or_lf_are_refused() {
        assert!(check_authorization("pod-token-1", "f").is_ok());
        assert_eq!(
            check_authorization("pod-token-1\n", "H/pod-token")
                .unwrap_err()
                .to_string(),
            "the container authorization token from H/pod-token contains CR or LF"
        );
        assert_eq!(
            check_authorization("", "AWS_CONTAINER_AUTHORIZATION_TOKEN")
                .unwrap_err()
                .to_string(),
            "the container authorization token from AWS_CONTAINER_AUTHORIZATION_TOKEN is empty"
        );
    }
}
