//! The client of AWS IAM Identity Center: `GetRoleCredentials` (SSO portal) and
//! `CreateToken` with a refresh-token grant (SSO-OIDC), on ssokit's one HTTP stack
//! (`ssokit-http`).
//!
//! What it does:
//! - sends both operations byte-exact as the AWS SDKs do ([`SsoClient`]) and validates
//!   their answers ([`RoleCredentials`], [`CreateTokenResponse`]);
//! - the two services' endpoint rule sets and override names ([`Service`], a
//!   [`ServiceEndpoint`](ssokit_http::ServiceEndpoint) for `ssokit_http::EndpointConfig`);
//! - reads their error answers (`x-amzn-ErrorType`, JSON bodies) into the stack's
//!   [`ServiceError`](ssokit_http::ServiceError), and knows the modeled codes
//!   ([`ServiceErrorKind`]) and the SPEC §8.6 texts ([`role_credentials_message`]);
//! - typed errors ([`Error`]); no token, key or secret in any `Debug`, `Display` or error.
//!
//! What it does not do: transport, TLS, proxies, retries, timeouts, partitions or the
//! override precedence (all in `ssokit-http`); read AWS config files, the token cache, the
//! environment or the clock (the caller passes resolved values); sign requests (both
//! operations are unsigned); log in (`RegisterClient`, `StartDeviceAuthorization`); log.
//!
//! Requests need a Tokio runtime with the I/O and time drivers; building a client does no
//! I/O. The crate has no Cargo features.
//!
//! # Example
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! # runtime.block_on(async {
//! use ssokit_http::{EndpointConfig, EndpointOverride, HttpSettings};
//! use ssokit_sso_client::{GetRoleCredentialsRequest, Service, SsoClient};
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
mod error;
mod model;
mod service;
mod wire;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;

pub use client::SsoClient;
pub use error::{
    Error, Operation, ServiceErrorKind, ShapeDetail, TokenShapeDetail, role_credentials_message,
};
pub use model::{
    CreateTokenRequest, CreateTokenResponse, GetRoleCredentialsRequest, RoleCredentials,
};
pub use service::Service;
