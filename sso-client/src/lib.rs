//! The network layer of ssokit: AWS IAM Identity Center `GetRoleCredentials` (SSO portal)
//! and `CreateToken` with a refresh-token grant (SSO-OIDC), over hardened HTTP.
//!
//! What it does:
//! - sends both operations byte-exact as the AWS SDKs do ([`SsoClient`]);
//! - resolves endpoints from the region with the AWS partition table and rule sets,
//!   FIPS and dual-stack flags, or from an override URL ([`EndpointConfig`]), and picks the
//!   winning override among its sources ([`EndpointOverrideSources`]);
//! - refuses plain `http` to anything but loopback unless the caller opts in;
//! - TLS via rustls with the ring provider passed as a value: the OS trust store plus an
//!   optional PEM bundle ([`CaBundle`]); HTTP CONNECT proxies ([`ProxySettings`]);
//! - connect and per-attempt timeouts, the SDK standard retry policy with injectable sleep
//!   and jitter ([`HttpSettings`]), 1 MiB response cap, one pooled keep-alive client;
//! - typed errors with the service's status, code and message ([`Error`],
//!   [`ServiceError`]); no token, key or secret in any `Debug`, `Display` or error.
//!
//! What it does not do: read AWS config files, the token cache, the environment or the
//! clock (the caller passes resolved values); sign requests (both operations are
//! unsigned); log in (`RegisterClient`, `StartDeviceAuthorization`); follow redirects; log
//! (nothing is logged, so no request log can hold the bearer token or the `CreateToken`
//! body); install a process-wide crypto provider.
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
//! use ssokit_sso_client::{
//!     EndpointConfig, EndpointOverride, GetRoleCredentialsRequest, HttpSettings, Service, SsoClient,
//! };
//!
//! // A loopback fake of the SSO portal stands in for AWS here.
//! let portal = ssokit_fake_portal::FakePortal::start()?;
//! let endpoint = EndpointConfig::new()
//!     .region("us-east-1")
//!     .endpoint_override(Some(EndpointOverride::new(portal.url(), "AWS_ENDPOINT_URL_SSO")))
//!     .resolve(Service::Portal)?;
//!
//! let client = SsoClient::new(HttpSettings::default());
//! let request = GetRoleCredentialsRequest::new("111122223333", "LegacyRole", "legacy-at");
//! let credentials = client.get_role_credentials(&endpoint, &request).await?;
//! assert_eq!(credentials.access_key_id(), "ASIAMOCKACCESSKEY");
//! assert_eq!(credentials.expiration_millis(), 1_772_370_000_000);
//! // Secrets never print.
//! assert!(!format!("{credentials:?}").contains("mockSecretKey"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```
//!
//! # Differences from the AWS SDKs
//!
//! Plain `http` only to loopback unless allowed; redirects are not followed; responses
//! are capped at 1 MiB; `expiration` must be a positive integer (JS v2 used `parseInt`);
//! the error code is never overwritten by a later guess. Through a proxy, plain-http
//! targets are tunnelled with CONNECT too (they only exist with the insecure opt-in).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod endpoint;
mod error;
mod model;
mod partition;
mod proxy;
mod settings;
mod tls;
mod transport;
mod wire;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;

pub use client::{SsoClient, USER_AGENT_VALUE};
pub use endpoint::{
    Endpoint, EndpointConfig, EndpointError, EndpointOverride, EndpointOverrideSources, NamedValue,
    Service,
};
pub use error::{Error, Operation, ServiceError, ServiceErrorKind, ShapeDetail, TokenShapeDetail};
pub use model::{
    CreateTokenRequest, CreateTokenResponse, GetRoleCredentialsRequest, RoleCredentials,
};
pub use proxy::ProxySettings;
pub use settings::{HttpSettings, SleepFuture};
pub use tls::CaBundle;
