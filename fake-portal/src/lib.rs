//! A loopback fake of the AWS SSO portal (`GetRoleCredentials`, `Logout`, `ListAccounts`,
//! `ListAccountRoles`), SSO-OIDC
//! (`CreateToken` with every grant, `RegisterClient`, the `authorize` page,
//! `StartDeviceAuthorization`), STS (`AssumeRole`, `AssumeRoleWithWebIdentity`), the EC2
//! instance metadata service (IMDSv2: the session token and the credentials paths), the
//! container credentials endpoint and the AWS sign-in federation endpoint
//! (`getSigninToken`, the console login page) for tests and demos. Dev-only: never published, never a
//! dependency of a library's normal build.
//!
//! What it does: a real hyper 1 HTTP/1.1 server on `127.0.0.1` (an ephemeral port) that
//! answers `GET …/federation/credentials`, `POST …/logout`, `GET …/assignment/accounts`,
//! `GET …/assignment/roles` (paginated, from an [`Organisation`]), `POST …/token`,
//! `POST …/client/register`, `GET …/authorize`, `POST …/device_authorization`, STS's
//! form-encoded `POST …/`, IMDS's `PUT …/latest/api/token` and
//! `GET …/latest/meta-data/iam/security-credentials…`, `GET …/federation?Action=getSigninToken…`
//! and `…?Action=login…`, and any other `GET` as the container
//! endpoint (any path prefix) with the SPEC §13 "Portal" and §18 "F" defaults, a checking
//! SSO-OIDC login, a faithful STS, a token-checking IMDS, or scripted [`Answer`]s (status,
//! headers, body, delay, dropped connection, truncated or oversized body), records every
//! request ([`RecordedRequest`]) and counts requests per [`Operation`]. The fake SSO-OIDC
//! registers clients (`client-<n>` / `csecret-<n>`), serves the authorization page with
//! PKCE (a 302 to the registered loopback redirect URI, any port, with `code-<n>` and the
//! state), starts device authorizations (`device-code-<n>`, [`USER_CODE`]) and checks each
//! grant at the token exchange (the code's client, redirect URI and S256 verifier; the
//! device code's client), answering as Identity Center does (`InvalidGrantException`,
//! `InvalidClientException`). Its names are numbered, not SPEC §26's literals (`cid-new`,
//! `dc-1`, `ABCD-EFGH`): tests count registrations and codes by their names, and the leak
//! scans ([`sandbox::SECRETS`]) need prefixes that cannot occur by chance (`dc-` can, inside
//! a UUID); a test that wants the literals scripts them. The fake STS speaks STS's wire format (query protocol, XML
//! answers and errors), checks the SigV4 signature of every `AssumeRole` with
//! `ssokit-sigv4` against the keys it trusts ([`FakePortal::trust_keys`] and every key it
//! hands out, so role chains work) and issues new keys per call; see [`FakePortal`].
//! [`FakePortal::start_https`] serves TLS with a CA it generates ([`FakePortal::ca_pem`]);
//! [`FakeProxy`] is an HTTP CONNECT proxy that counts its tunnels.
//!
//! [`sandbox`] is the setup every integration test of the workspace shares: a temporary
//! HOME copied from the generated SPEC §13 home with a started fake as its endpoints, the
//! shared conformance data located in place, and a capture of the `tracing` output.
//!
//! What it does not do: listen on anything but loopback; tunnel to anything but loopback;
//! validate bearer tokens, refresh tokens, web identity tokens (beyond "not empty") or
//! container authorization tokens (client secrets are checked for the login grants and
//! `StartDeviceAuthorization` only); expire IMDS tokens, client registrations, codes or
//! device authorizations; serve IMDS paths other than the token and the credentials, or the
//! device verification page; compare signing times with a clock; implement any other STS or
//! SSO operation.
//!
//! Each fake runs on its own thread with its own Tokio runtime, so it works from plain
//! `#[test]`s, from any `#[tokio::test]` flavour and from `cargo xtask demo`; it stops when
//! dropped.
//!
//! ```
//! use ssokit_fake_portal::{Answer, FakePortal, Operation};
//!
//! let portal = FakePortal::start()?;
//! portal.script(Operation::CreateToken, [
//!     Answer::service_error(Operation::CreateToken, "InvalidGrantException", "Invalid refresh token provided"),
//! ]);
//! portal.trust_keys("AKIDBASE", "base-secret", None);
//! portal.script(Operation::AssumeRole, [
//!     Answer::sts_error(400, "Throttling", "Rate exceeded"),
//!     Answer::default_for(Operation::AssumeRole),
//! ]);
//! assert!(portal.url().starts_with("http://127.0.0.1:"));
//! assert_eq!(portal.count(Operation::CreateToken), 0);
//! # Ok::<(), std::io::Error>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod answer;
mod background;
mod form;
mod imds;
mod oidc;
mod operation;
mod organisation;
mod proxy;
mod request;
pub mod sandbox;
mod server;
mod sts;
mod tls;
mod xml;

pub use answer::{
    Answer, CONSOLE_PAGE, DEFAULT_CONTAINER_BODY, DEFAULT_CREDENTIALS_BODY,
    DEFAULT_LOGIN_TOKEN_BODY, DEFAULT_SIGNIN_TOKEN_BODY, DEFAULT_TOKEN_BODY,
};
pub use imds::{DEFAULT_IMDS_CREDENTIALS_BODY, IMDS_ROLE};
pub use oidc::{CLIENT_SECRET_EXPIRES_AT, DEVICE_CODE_GRANT_TYPE, USER_CODE};
pub use operation::Operation;
pub use organisation::{FIXTURE_PAGE_SIZE, FakeAccount, Organisation};
pub use proxy::FakeProxy;
pub use request::RecordedRequest;
pub use server::FakePortal;
pub use sts::STATIC_KEYS;
pub use tls::TLS_NAMES;
