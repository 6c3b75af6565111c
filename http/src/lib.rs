//! The one hardened HTTP stack of ssokit, under every service client (SSO portal and
//! SSO-OIDC today; STS, the container endpoint and instance metadata later).
//!
//! What it does:
//! - sends a [`Request`] over one pooled keep-alive HTTP/1.1 client ([`HttpClient`]) and
//!   returns the 2xx [`Response`] or a typed [`Error`] whose `source()` chain reaches the
//!   I/O or TLS error;
//! - TLS via rustls with the ring provider passed as a value: the OS trust store plus an
//!   optional PEM bundle ([`CaBundle`]); HTTP CONNECT proxies and `NO_PROXY`
//!   ([`ProxySettings`]);
//! - connect and per-attempt timeouts, the SDK standard retry policy (5xx, 429, throttling
//!   codes, I/O errors and timeouts; injectable sleep and jitter) ([`HttpSettings`]), a
//!   1 MiB response cap; redirects are never followed;
//! - endpoints: the AWS partition table ([`partition_of`]), the override precedence of
//!   SPEC §5.1 parameterised by service ([`EndpointOverrideSources::select`]), and
//!   [`EndpointConfig::resolve`], which refuses plain `http` to anything but loopback unless
//!   the caller opts in. A service client supplies its rule set as a [`ServiceEndpoint`].
//!
//! What it does not do: know any AWS service, operation or wire format (a service client
//! names its operation, builds the request and reads its own bodies and error answers);
//! read AWS config files, the token cache, the environment or the clock; sign requests;
//! log (no request log can hold a bearer token or a signature); install a process-wide
//! crypto provider.
//!
//! The one environment read happens inside `rustls-native-certs` when the OS trust store is
//! loaded: it honours `SSL_CERT_FILE` / `SSL_CERT_DIR`, as SPEC §6 asks.
//! [`HttpSettings::native_roots`]`(false)` skips the OS store entirely.
//!
//! Requests need a Tokio runtime with the I/O and time drivers; building a client does no
//! I/O. The crate has no Cargo features: HTTP/1.1, rustls with ring, OS roots.
//!
//! # Example
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! # runtime.block_on(async {
//! use ssokit_http::{
//!     EndpointConfig, EndpointError, EndpointOverride, HttpClient, HttpSettings, Method,
//!     Regional, Request, ServiceEndpoint, standard_regional_host,
//! };
//!
//! /// A service's rule set: here the SSO portal's.
//! #[derive(Clone, Copy)]
//! struct Portal;
//!
//! impl ServiceEndpoint for Portal {
//!     fn endpoint_env_var(self) -> &'static str { "AWS_ENDPOINT_URL_SSO" }
//!     fn services_key(self) -> &'static str { "sso" }
//!     fn rule_name(self) -> &'static str { "portal.sso" }
//!     fn insecure_http_message(self, host: &str, source: &str) -> String {
//!         format!("refusing plain http to {host} (from {source})")
//!     }
//!     fn regional_host(self, regional: &Regional<'_>) -> Result<String, EndpointError> {
//!         standard_regional_host("portal.sso", regional)
//!     }
//! }
//!
//! let regional = EndpointConfig::new().region("eu-west-1").resolve(Portal)?;
//! assert_eq!(regional.url(), "https://portal.sso.eu-west-1.amazonaws.com");
//!
//! // A loopback fake of the SSO portal stands in for AWS here.
//! let portal = ssokit_fake_portal::FakePortal::start()?;
//! let endpoint = EndpointConfig::new()
//!     .endpoint_override(Some(EndpointOverride::new(portal.url(), "AWS_ENDPOINT_URL_SSO")))
//!     .resolve(Portal)?;
//! let request = Request::new("GetRoleCredentials", Method::Get, &endpoint, "/federation/credentials")
//!     .query("account_id=111122223333&role_name=LegacyRole")
//!     .secret_header("x-amz-sso_bearer_token", "legacy-at");
//! let client = HttpClient::new(HttpSettings::default());
//! let response = client.send(&request).await?;
//! assert_eq!(response.status(), 200);
//! // Headers that hold secrets never print.
//! assert!(!format!("{request:?}").contains("legacy-at"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod endpoint;
mod error;
mod pacing;
mod partition;
mod proxy;
mod request;
mod settings;
mod tls;

pub use client::HttpClient;
pub use endpoint::{
    Endpoint, EndpointConfig, EndpointError, EndpointOverride, EndpointOverrideSources, NamedValue,
    Regional, ServiceEndpoint, is_loopback_host, is_valid_region, standard_regional_host,
};
pub use error::{Attempts, Cause, Error, Seconds, ServiceError, is_throttling_code};
pub use pacing::Pacing;
pub use partition::{Partition, partition_of};
pub use proxy::ProxySettings;
pub use request::{ErrorAnswer, Method, Request, Response, USER_AGENT_VALUE, encode_component};
pub use settings::{HttpSettings, SleepFuture, random_fraction};
pub use tls::CaBundle;
