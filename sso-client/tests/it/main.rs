//! Integration tests of ssokit-sso-client, over real sockets on 127.0.0.1 against the fake
//! portal. Modules mirror `src/`.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "test code: a panic is a failed test; skips are announced on stderr"
)]

mod client;
mod endpoint;
mod listing;
mod model;
mod proxy;
mod tls;
mod transport;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ssokit_http::{Endpoint, EndpointConfig, EndpointOverride, HttpSettings, ServiceEndpoint};
use ssokit_sso_client::{
    CreateTokenRequest, CreateTokenResponse, Error, GetRoleCredentialsRequest, RoleCredentials,
    Service, SsoClient,
};

/// Settings for tests: no retry delay, no OS trust store.
pub(crate) fn settings() -> HttpSettings {
    HttpSettings::new()
        .without_retry_delay()
        .native_roots(false)
}

/// Settings that record every retry delay instead of sleeping.
pub(crate) fn recording_settings() -> (HttpSettings, Arc<Mutex<Vec<Duration>>>) {
    let delays = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&delays);
    let settings = HttpSettings::new()
        .native_roots(false)
        .jitter(|| 0.5)
        .sleep(move |d| {
            seen.lock().unwrap().push(d);
            Box::pin(std::future::ready(()))
        });
    (settings, delays)
}

/// The endpoint of `service` overridden to `url` (as `AWS_ENDPOINT_URL_SSO` would).
pub(crate) fn endpoint_for(service: Service, url: &str) -> Endpoint {
    EndpointConfig::new()
        .region("us-east-1")
        .endpoint_override(Some(EndpointOverride::new(url, service.endpoint_env_var())))
        .resolve(service)
        .unwrap()
}

pub(crate) fn portal(url: &str) -> Endpoint {
    endpoint_for(Service::Portal, url)
}

pub(crate) fn oidc(url: &str) -> Endpoint {
    endpoint_for(Service::Oidc, url)
}

/// Scenario L's request.
pub(crate) fn legacy_request() -> GetRoleCredentialsRequest {
    GetRoleCredentialsRequest::new("111122223333", "LegacyRole", "legacy-at")
}

/// Scenario L's `GetRoleCredentials` through `client`, to the portal overridden to `url`.
pub(crate) async fn legacy_role_credentials(
    client: &SsoClient,
    url: &str,
) -> Result<RoleCredentials, Error> {
    client
        .get_role_credentials(&portal(url), &legacy_request())
        .await
}

/// The error of [`legacy_role_credentials`], which must fail.
pub(crate) async fn legacy_role_credentials_error(client: &SsoClient, url: &str) -> Error {
    legacy_role_credentials(client, url).await.unwrap_err()
}

/// A refresh-token `CreateToken` (client `cid`/`csecret`, refresh token `rt-1`) through
/// `client`, to the OIDC endpoint overridden to `url`.
pub(crate) async fn refresh_token(
    client: &SsoClient,
    url: &str,
) -> Result<CreateTokenResponse, Error> {
    client
        .create_token(
            &oidc(url),
            &CreateTokenRequest::refresh("cid", "csecret", "rt-1"),
        )
        .await
}
