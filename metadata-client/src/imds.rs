//! IMDSv2 (SPEC §16.2-16.5): the endpoint and its mode, the session token (reused until
//! shortly before its TTL ends), the IMDSv1 fallback rule, the extended credentials path
//! then the legacy one, and the absence rule (an absent service costs one connection
//! attempt of at most 1 s).

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use ssokit_http::{
    Endpoint, EndpointConfig, EndpointError, EndpointOverride, HttpClient, HttpSettings, Method,
    ProxySettings, Regional, Request, Response, ServiceEndpoint, encode_component,
};

use crate::credentials::{CodeRule, MetadataCredentials, parse_credentials};
use crate::error::{ImdsError, exchange_detail};

/// The IPv4 endpoint.
pub const IPV4_ENDPOINT: &str = "http://169.254.169.254";
/// The IPv6 endpoint.
pub const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";

const TOKEN_PATH: &str = "/latest/api/token";
const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
const EXTENDED: &str = "/latest/meta-data/iam/security-credentials-extended/";
const LEGACY: &str = "/latest/meta-data/iam/security-credentials/";

/// The TTL asked for, and the longest accepted.
const MAX_TTL: u64 = 21_600;
/// A token is renewed this long before its TTL ends.
const TOKEN_MARGIN: Duration = Duration::from_secs(120);

/// IMDS as endpoint resolution sees it: an override only.
#[derive(Clone, Copy)]
struct Imds;

impl ServiceEndpoint for Imds {
    fn endpoint_env_var(self) -> &'static str {
        "AWS_EC2_METADATA_SERVICE_ENDPOINT"
    }

    fn services_key(self) -> &'static str {
        "imds"
    }

    fn rule_name(self) -> &'static str {
        "instance metadata"
    }

    fn insecure_http_message(self, host: &str, source: &str) -> String {
        format!("plain http to {host} from {source}")
    }

    fn regional_host(self, _regional: &Regional<'_>) -> Result<String, EndpointError> {
        Err(EndpointError::MissingRegion)
    }
}

/// The IMDS endpoint: an explicit one, or the IPv4 / IPv6 address of the endpoint mode.
#[derive(Clone, PartialEq, Eq)]
pub struct ImdsEndpoint {
    endpoint: Endpoint,
}

impl fmt::Debug for ImdsEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ImdsEndpoint")
            .field(&self.endpoint.url())
            .finish()
    }
}

impl fmt::Display for ImdsEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.endpoint.url())
    }
}

impl ImdsEndpoint {
    /// The endpoint (`(value, source)`: the builder's, `AWS_EC2_METADATA_SERVICE_ENDPOINT`
    /// or the profile's `ec2_metadata_service_endpoint`, already chosen by the caller),
    /// else the mode's (`(value, source)`, `IPv4` or `IPv6` in any case; default IPv4).
    /// I-ENDPOINT for a bad value. Pure.
    pub fn resolve(
        endpoint: Option<(&str, &str)>,
        mode: Option<(&str, &str)>,
    ) -> Result<Self, ImdsError> {
        if let Some((value, source)) = endpoint.filter(|(v, _)| !v.is_empty()) {
            return Self::parse(value, source);
        }
        let url = match mode.filter(|(v, _)| !v.is_empty()) {
            None => IPV4_ENDPOINT,
            Some((value, _)) if value.eq_ignore_ascii_case("ipv4") => IPV4_ENDPOINT,
            Some((value, _)) if value.eq_ignore_ascii_case("ipv6") => IPV6_ENDPOINT,
            Some((value, source)) => {
                return Err(ImdsError::Endpoint(format!(
                    "invalid value \"{value}\" for {source}: expected IPv4 or IPv6"
                )));
            }
        };
        Self::parse(url, "the endpoint mode")
    }

    fn parse(value: &str, source: &str) -> Result<Self, ImdsError> {
        let endpoint = EndpointConfig::new()
            .endpoint_override(Some(EndpointOverride::new(value, source)))
            .allow_insecure_http(true)
            .resolve(Imds)
            .map_err(|e| {
                let reason = match e {
                    EndpointError::InvalidUrl { reason, .. } => reason,
                    other => other.to_string(),
                };
                ImdsError::Endpoint(format!(
                    "invalid IMDS endpoint \"{value}\" from {source}: {reason}"
                ))
            })?;
        Ok(Self { endpoint })
    }

    /// The URL of the token request (`<endpoint>/latest/api/token`).
    pub fn token_url(&self) -> String {
        self.endpoint.operation_url(TOKEN_PATH)
    }
}

/// What the client remembers between loads: the session token and which credentials path
/// the service has.
#[derive(Default)]
struct State {
    token: Option<SessionToken>,
    legacy_path: bool,
}

struct SessionToken {
    value: String,
    renew_at: Timestamp,
}

/// How this load talks to IMDS: with a token (v2) or without (the v1 fallback).
enum Mode {
    V2(String),
    V1,
}

/// A client of the instance metadata service, holding its token and path state. Connect
/// 1 s, 1 s per attempt, 3 attempts (delays uniform in `[0, 0.1·2^i s)`), never through a
/// proxy. `Debug` shows the endpoint only, never the token.
pub struct ImdsClient {
    endpoint: ImdsEndpoint,
    http: HttpClient,
    /// The setting that disables IMDSv1, when it does.
    v1_disabled: Option<String>,
    state: Mutex<State>,
}

impl fmt::Debug for ImdsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImdsClient")
            .field("endpoint", &self.endpoint)
            .field("v1_disabled", &self.v1_disabled)
            .finish_non_exhaustive()
    }
}

impl ImdsClient {
    /// A client of `endpoint` with `settings`' sleep and jitter (its timeouts, attempts
    /// and proxies are replaced by IMDS's own). `v1_disabled` names the setting that
    /// disables the IMDSv1 fallback, if one does. No I/O.
    pub fn new(
        endpoint: ImdsEndpoint,
        settings: HttpSettings,
        v1_disabled: Option<String>,
    ) -> Self {
        let settings = settings
            .connect_timeout(Duration::from_secs(1))
            .attempt_timeout(Duration::from_secs(1))
            .retry_delay_unit(Duration::from_millis(100))
            .proxy(ProxySettings::none());
        Self {
            endpoint,
            http: HttpClient::new(settings.max_attempts(3)),
            v1_disabled,
            state: Mutex::new(State::default()),
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &ImdsEndpoint {
        &self.endpoint
    }

    /// The role's credentials at `now` (SPEC §16.3-16.4): a token (reused, or a `PUT`),
    /// the role from the listing, its credentials.
    pub async fn credentials(&self, now: Timestamp) -> Result<MetadataCredentials, ImdsError> {
        let mut load = Load {
            client: self,
            first: true,
            now,
        };
        let mut mode = load.mode().await?;
        let mut retried_role = false;
        loop {
            let role = load.role(&mut mode).await?;
            match load.role_credentials(&mut mode, &role).await? {
                Some(credentials) => return Ok(credentials),
                // The role went away between the two requests: once more from the listing.
                None if !retried_role => retried_role = true,
                None => return Err(load.no_role()),
            }
        }
    }

    fn base_path(&self) -> &'static str {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.legacy_path { LEGACY } else { EXTENDED }
    }

    fn use_legacy_path(&self) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .legacy_path = true;
    }
}

/// One load: whether its first request is still to come, and its time.
struct Load<'a> {
    client: &'a ImdsClient,
    first: bool,
    now: Timestamp,
}

impl Load<'_> {
    fn endpoint(&self) -> String {
        self.client.endpoint.to_string()
    }

    fn no_role(&self) -> ImdsError {
        ImdsError::NoRole {
            endpoint: self.endpoint(),
        }
    }

    /// The token to use: the remembered one, a new one, or v1 (SPEC §16.3).
    async fn mode(&mut self) -> Result<Mode, ImdsError> {
        {
            let state = self
                .client
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(token) = state.token.as_ref().filter(|t| self.now < t.renew_at) {
                return Ok(Mode::V2(token.value.clone()));
            }
        }
        self.new_token().await
    }

    /// `PUT /latest/api/token`.
    async fn new_token(&mut self) -> Result<Mode, ImdsError> {
        let request = Request::new(
            "IMDS token",
            Method::Put,
            &self.client.endpoint.endpoint,
            TOKEN_PATH,
        )
        .header(TTL_HEADER, MAX_TTL.to_string())
        .header("content-length", "0");
        match self.send("PUT", TOKEN_PATH, &request).await {
            Ok(response) => {
                let token = self.check_token(response.body())?;
                let ttl = response
                    .header(TTL_HEADER)
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .filter(|t| (1..=MAX_TTL).contains(t))
                    .unwrap_or(MAX_TTL);
                let lifetime = Duration::from_secs(ttl).saturating_sub(TOKEN_MARGIN);
                let renew_at = self
                    .now
                    .checked_add(SignedDuration::try_from(lifetime).unwrap_or(SignedDuration::ZERO))
                    .unwrap_or(self.now);
                self.client
                    .state
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .token = Some(SessionToken {
                    value: token.clone(),
                    renew_at,
                });
                Ok(Mode::V2(token))
            }
            Err(Failure::Status(status @ 403..=405, _)) => match &self.client.v1_disabled {
                Some(source) => Err(ImdsError::V1Disabled {
                    endpoint: self.endpoint(),
                    status,
                    source_name: source.clone(),
                }),
                None => Ok(Mode::V1),
            },
            Err(failure) => Err(failure.into_error()),
        }
    }

    /// I-TOKEN: 1-4096 bytes of `0x21-0x7E`.
    fn check_token(&self, body: &[u8]) -> Result<String, ImdsError> {
        valid_token(body).map_err(|detail| ImdsError::Token {
            endpoint: self.endpoint(),
            detail,
        })
    }

    /// The role the listing names (SPEC §16.4 step 1).
    async fn role(&mut self, mode: &mut Mode) -> Result<String, ImdsError> {
        loop {
            let path = self.client.base_path();
            match self.get(mode, path).await {
                Ok(response) => {
                    let text = String::from_utf8_lossy(response.body());
                    let role = text.lines().next().unwrap_or_default().trim();
                    if role.is_empty() {
                        return Err(self.no_role());
                    }
                    return Ok(role.to_owned());
                }
                Err(Failure::Status(404, _)) if path == EXTENDED => self.client.use_legacy_path(),
                Err(Failure::Status(404, _)) => return Err(self.no_role()),
                Err(failure) => return Err(failure.into_error()),
            }
        }
    }

    /// The role's credentials (step 2); `None` on a 404.
    async fn role_credentials(
        &mut self,
        mode: &mut Mode,
        role: &str,
    ) -> Result<Option<MetadataCredentials>, ImdsError> {
        let path = format!("{}{}", self.client.base_path(), encode_component(role));
        match self.get(mode, &path).await {
            Ok(response) => parse_credentials(response.body(), CodeRule::Required)
                .map(Some)
                .map_err(|detail| ImdsError::Shape {
                    role: role.to_owned(),
                    detail,
                }),
            Err(Failure::Status(404, _)) => Ok(None),
            Err(failure) => Err(failure.into_error()),
        }
    }

    /// `GET path` with the token; a 401 gets a new token and the request once more.
    async fn get(&mut self, mode: &mut Mode, path: &str) -> Result<Response, Failure> {
        let request = |mode: &Mode| {
            let request = Request::new("IMDS", Method::Get, &self.client.endpoint.endpoint, path);
            match mode {
                Mode::V2(token) => request.secret_header(TOKEN_HEADER, token.clone()),
                Mode::V1 => request,
            }
        };
        match self.send("GET", path, &request(mode)).await {
            Err(Failure::Status(401, _)) => {
                *mode = self.new_token().await.map_err(Failure::Done)?;
                self.send("GET", path, &request(mode)).await
            }
            other => other,
        }
    }

    /// Sends `request`: the load's first request once (a connection failure or timeout is
    /// I-UNREACH), the others with the retries.
    async fn send(
        &mut self,
        method: &'static str,
        path: &str,
        request: &Request,
    ) -> Result<Response, Failure> {
        let first = std::mem::replace(&mut self.first, false);
        let http = &self.client.http;
        let outcome = if first {
            match http.send_once(request).await {
                Err(e @ (ssokit_http::Error::Io { .. } | ssokit_http::Error::Timeout { .. })) => {
                    return Err(Failure::Done(ImdsError::Unreachable {
                        endpoint: self.endpoint(),
                        detail: exchange_detail(&e),
                        cause: Box::new(e),
                    }));
                }
                // An answer came, so the service is there: a 5xx gets the rest of the
                // attempts, with their delays.
                Err(ssokit_http::Error::Service(service)) if service.status() >= 500 => {
                    http.send_continued(request, 1).await
                }
                other => other,
            }
        } else {
            http.send(request).await
        };
        outcome.map_err(|error| {
            let http = ImdsError::Http {
                method,
                path: path.to_owned(),
                endpoint: self.endpoint(),
                detail: exchange_detail(&error),
            };
            match error {
                ssokit_http::Error::Service(service) => Failure::Status(service.status(), http),
                _ => Failure::Done(http),
            }
        })
    }
}

/// The token of a 200 answer to the token request, or what is wrong with it.
pub(crate) fn valid_token(body: &[u8]) -> Result<String, &'static str> {
    if body.is_empty() {
        return Err("empty");
    }
    if body.len() > 4096 {
        return Err("longer than 4096 bytes");
    }
    if !body.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err("characters outside 0x21-0x7E");
    }
    Ok(String::from_utf8_lossy(body).into_owned())
}

/// A request that did not succeed: an error status the caller may act on (with the I-HTTP
/// error it is otherwise), or a final error.
enum Failure {
    Status(u16, ImdsError),
    Done(ImdsError),
}

impl Failure {
    fn into_error(self) -> ImdsError {
        match self {
            Failure::Status(_, error) | Failure::Done(error) => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_and_modes() {
        let url = |e: Option<(&str, &str)>, m: Option<(&str, &str)>| {
            ImdsEndpoint::resolve(e, m).map(|e| e.token_url())
        };
        assert_eq!(
            url(None, None).unwrap(),
            "http://169.254.169.254/latest/api/token"
        );
        assert_eq!(
            url(
                None,
                Some(("ipV6", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"))
            )
            .unwrap(),
            "http://[fd00:ec2::254]/latest/api/token"
        );
        assert_eq!(
            url(
                Some(("http://127.0.0.1:9/prefix/", "x")),
                Some(("IPv6", "m"))
            )
            .unwrap(),
            "http://127.0.0.1:9/prefix/latest/api/token"
        );
        assert_eq!(
            url(
                None,
                Some(("IPv5", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"))
            )
            .unwrap_err()
            .to_string(),
            "invalid value \"IPv5\" for AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: expected IPv4 or IPv6"
        );
        let error = url(
            Some(("169.254.169.254", "AWS_EC2_METADATA_SERVICE_ENDPOINT")),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with(
                "invalid IMDS endpoint \"169.254.169.254\" from AWS_EC2_METADATA_SERVICE_ENDPOINT: "
            ),
            "{error}"
        );
    }
}
