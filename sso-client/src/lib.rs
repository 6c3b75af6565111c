//! The client of AWS IAM Identity Center on ssokit's one HTTP stack (`ssokit-http`): the
//! SSO portal's `GetRoleCredentials`, `Logout`, `ListAccounts` and `ListAccountRoles`, and
//! SSO-OIDC's `CreateToken` (refresh
//! token, authorization code with PKCE, device code), `RegisterClient` and
//! `StartDeviceAuthorization`: the wire half of resolving credentials, of `ssokit login` and
//! of `ssokit logout`.
//!
//! What it does:
//! - sends every operation byte-exact as the AWS SDKs and the AWS CLI do ([`SsoClient`]:
//!   compact JSON bodies, members in the spec's order) and validates the answers
//!   ([`RoleCredentials`], [`CreateTokenResponse`], [`RegisterClientResponse`],
//!   [`StartDeviceAuthorizationResponse`], [`AccountsPage`], [`RolesPage`]), with the
//!   defaults of SPEC §19.7 (a device code's `expiresIn` 600 s and `interval` 5 s when
//!   absent);
//! - the portal's listings one page at a time or whole
//!   ([`SsoClient::list_all_accounts`], [`SsoClient::list_all_account_roles`]: pages in
//!   sequence, the `nextToken` rules of [`PageTokens`]), their requests paced when the
//!   caller fans out ([`SsoClient::with_pacing`]: a start limit, 429s retried with a shared
//!   pause, all `ssokit-http`'s [`Pacing`](ssokit_http::Pacing));
//! - the two services' endpoint rule sets and override names ([`Service`], a
//!   [`ServiceEndpoint`](ssokit_http::ServiceEndpoint) for `ssokit_http::EndpointConfig`);
//! - reads their error answers (`x-amzn-ErrorType`, JSON and OAuth bodies) into the stack's
//!   [`ServiceError`](ssokit_http::ServiceError), and knows the modeled codes
//!   ([`ServiceErrorKind`], [`Error::service_kind`]: what a device code poll goes by) and
//!   the SPEC §8.6 texts ([`role_credentials_message`]); retries `RegisterClient`'s
//!   `SlowDownException` as a throttle, never `CreateToken`'s `AuthorizationPending` or
//!   `SlowDown` (the caller's poll loop);
//! - typed errors ([`Error`]); no token, key, client secret, authorization or device code,
//!   or code verifier in any `Debug`, `Display` or error.
//!
//! What it does not do: transport, TLS, proxies, retries, timeouts, partitions or the
//! override precedence (all in `ssokit-http`); read AWS config files, the token cache, the
//! client registration cache, the environment or the clock (the caller passes resolved
//! values); sign requests (every operation is unsigned); the login flow itself (choosing
//! the flow, the PKCE verifier and state, the loopback listener, the browser, the device
//! code's poll loop and its timing, locks, files); fan a listing out over several accounts
//! (`ssokit-credentials` does, with up to 4 workers sharing one pacing); log.
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
mod listing;
mod model;
mod service;
mod wire;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;

pub use client::SsoClient;
pub use error::{
    DeviceAuthorizationShapeDetail, Error, ListingShapeDetail, Operation, RegistrationShapeDetail,
    ServiceErrorKind, ShapeDetail, TokenShapeDetail, role_credentials_message,
};
pub use listing::{
    AccountInfo, AccountsPage, ListAccountRolesRequest, ListAccountsRequest, MAX_PAGES,
    MAX_RESULTS, PageTokens, RoleInfo, RolesPage,
};
pub use model::{
    CreateTokenRequest, CreateTokenResponse, DEFAULT_SCOPE, DEVICE_CODE_GRANT_TYPE,
    GetRoleCredentialsRequest, REGISTERED_REDIRECT_URI, RegisterClientRequest,
    RegisterClientResponse, RoleCredentials, StartDeviceAuthorizationRequest,
    StartDeviceAuthorizationResponse,
};
pub use service::Service;
