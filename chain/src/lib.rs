//! The drop-in default credentials and token chains of ssokit, and the facade over its
//! crates: AWS IAM Identity Center (SSO) credentials and SSO bearer tokens resolved from
//! the shared config files and the `aws sso login` cache as the AWS SDKs do.
//!
//! What it does:
//! - [`CredentialsProviderChain`] (the SDK's default credential provider chain, SPEC §17:
//!   `AWS_*` and `AMAZON_*` variables, then the profile: static keys, SSO,
//!   `credential_process`, web identity and `credential_source`, with the `role_arn` hops
//!   of its `source_profile` path; then the environment's web identity, the container
//!   endpoint and IMDS) and
//!   [`TokenProviderChain`] (the SSO token provider), with
//!   builders to add, insert, remove and reorder providers. A provider that is not
//!   configured is skipped; one that is configured but failed stops the walk with its
//!   error (a broken SSO setup is never hidden behind a later provider); when none is
//!   configured, [`ChainError`] lists what each looked for. Concurrent
//!   [`resolve`](CredentialsProviderChain::resolve) calls share one walk;
//! - [`DefaultProviders`]: both default chains over one [`ProviderConfig`] (one HTTP
//!   client, one token refresh state), for `AWS_PROFILE` or an explicit profile;
//! - the only code in ssokit's libraries that reads the real process:
//!   [`provider_config_from_process`] ([`process_env`], [`os_home`], [`SystemClock`]),
//!   [`DefaultProviders::from_process`], [`CredentialsProviderChain::from_process`],
//!   [`TokenProviderChain::from_process`], and the one-call [`credentials()`] and [`token()`];
//! - the lower crates as modules ([`config`], [`token_cache`], [`http`], [`sso_client`],
//!   [`sts_client`], [`metadata_client`], [`credentials`](mod@credentials)) and their main
//!   types at the root;
//! - `tracing` events for each step (which provider, why it was skipped, which one
//!   answered; the providers add files, refreshes and calls), never with a secret.
//!
//! What it does **not** do: log in (`aws sso login`); sign requests other than its own STS
//! calls; install a
//! process-wide crypto provider (TLS uses rustls with ring, passed as a value); cache
//! values itself (the providers do).
//!
//! # Example
//!
//! In a program, one line: `let credentials = ssokit_chain::credentials().await?;`. The
//! same with the world passed in, against the loopback fake portal:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! # runtime.block_on(async {
//! use ssokit_chain::config::{Env, Home};
//! use ssokit_chain::{DefaultProviders, ProviderConfig, TestClock};
//!
//! let portal = ssokit_fake_portal::FakePortal::start()?;
//! let home = tempfile::tempdir()?;
//! std::fs::create_dir_all(home.path().join(".aws/sso/cache"))?;
//! std::fs::write(
//!     home.path().join(".aws/config"),
//!     "[profile s]\nsso_session = dev\nsso_account_id = 444455556666\nsso_role_name = SessionRole\n\
//!      [sso-session dev]\nsso_start_url = https://d-abc123.awsapps.com/start\nsso_region = eu-west-1\n",
//! )?;
//! std::fs::write(
//!     home.path().join(".aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json"),
//!     r#"{"accessToken": "session-at", "expiresAt": "2026-03-01T14:00:00Z"}"#,
//! )?;
//!
//! let env = Env::from_pairs([("AWS_PROFILE", "s"), ("AWS_ENDPOINT_URL_SSO", portal.url())]);
//! let clock = TestClock::new("2026-03-01T12:00:00Z".parse()?);
//! let defaults = DefaultProviders::new(ProviderConfig::new(env, clock).with_home(Home::new(home.path())));
//!
//! let credentials = defaults.credentials_chain().resolve().await?;
//! assert_eq!(credentials.access_key_id(), "ASIAMOCKACCESSKEY");
//! assert_eq!(credentials.account_id(), Some("444455556666"));
//! let token = defaults.token_chain().resolve().await?;
//! assert_eq!(token.token(), "session-at");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```
//!
//! Chains and providers need a Tokio runtime (walks and loads run as tasks, so a dropped
//! caller never cancels the others); construction does no I/O.
//!
//! # From the AWS SDK for JavaScript v2
//!
//! | JS v2 | ssokit |
//! |---|---|
//! | `AWS.SsoCredentials` | [`SsoCredentialsProvider`] |
//! | options `profile`, `filename` | builder `.profile_name(p)`, `.credentials_file(path)` (also `.config_file(path)`) |
//! | option `httpOptions`, `ssoClient` | `.http_settings(s)`, `.http_client(c)` ([`http::HttpSettings`], [`sso_client::SsoClient`]) |
//! | `callback`, `get(cb)`, `getPromise()` | `.build()`, then `async get()` |
//! | `refresh(cb)`, `refreshPromise()` | `async refresh()` |
//! | properties `expired`, `expireTime`, `expiryWindow` | `expired()`, `expire_time()`, `expiry_window()` |
//! | `needsRefresh()` | `needs_refresh()` |
//! | `AWS.SSOTokenProvider` (option `profile`; `token`) | [`SsoTokenProvider`] (`.profile_name(p)`; [`Token::token`]) |
//! | `AWS.Credentials`, `AWS.Token` | [`Credentials`], [`Token`] |
//! | `AWS.CredentialProviderChain` | [`CredentialsProviderChain`] |
//! | `AWS.TokenProviderChain` | [`TokenProviderChain`] |
//! | `defaultProviders` | [`CredentialsProviderChain::default_providers`], [`TokenProviderChain::default_providers`], [`DefaultProviders`] |
//! | `providers` (array, edited in place) | [`CredentialsProviderChain::builder`]: `push`, `insert`, `remove`, `move_to` |
//! | `resolve(cb)`, `resolvePromise()` | `async resolve()` |
//! | `AWS.config.getCredentials`, `AWS.config.getToken` | [`credentials()`], [`token()`] |
//! | `AWS.EnvironmentCredentials('AWS')` | [`EnvironmentCredentialsProvider`] |
//! | `AWS.SharedIniFileCredentials`, `AWS.ProcessCredentials` | [`ProfileCredentialsProvider`] |
//!
//! Each type carries `#[doc(alias)]` with its v2 name, so searching these docs for a v2
//! name finds it.
//!
//! # Differences from the AWS SDKs
//!
//! - v2's chain moves to the next provider on any error and reports only the last one;
//!   ssokit stops at a provider that is configured but failed, and when none is configured
//!   lists every provider's reason (K-ANY).
//! - Static keys win over `sso_*` keys in one profile (JS v3, Go); v2 and botocore use SSO.
//! - An explicit profile skips the environment providers (the AWS CLI's `--profile`).
//! - The rest (file locations, cache expiry, refresh, write-back, endpoints, HTTP) is in
//!   the lower crates' docs and SPEC §12.
//!
//! # Features
//!
//! - `aws-sdk` (off by default): the `aws_sdk` module adapts the chains to `aws-credential-types`'
//!   `ProvideCredentials` and `ProvideToken`, so an `aws-sdk-*` client can use ssokit
//!   (`.credentials_provider(...)`, `.token_provider(...)`). Without it, the crate pulls in
//!   no AWS SDK crate.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod chains;
mod defaults;
mod error;
mod process;
mod walk;

#[cfg(feature = "aws-sdk")]
pub mod aws_sdk;

pub use chains::{
    CredentialsProviderChain, CredentialsProviderChainBuilder, TokenProviderChain,
    TokenProviderChainBuilder,
};
pub use defaults::{DefaultProviders, credentials, token};
pub use error::{ChainError, ChainErrorKind};
pub use process::{SystemClock, os_home, process_env, provider_config_from_process};

/// The shared config files: locations, grammar, profiles (`ssokit-config-parser`).
pub use ssokit_config_parser as config;
/// The providers and their types (`ssokit-credentials`).
pub use ssokit_credentials as credentials;
/// The HTTP stack: settings, proxies, CA bundles, endpoints (`ssokit-http`).
pub use ssokit_http as http;
/// The container credentials endpoint and IMDSv2 (`ssokit-metadata-client`).
pub use ssokit_metadata_client as metadata_client;
/// `GetRoleCredentials` and `CreateToken` (`ssokit-sso-client`).
pub use ssokit_sso_client as sso_client;
/// `AssumeRole` and `AssumeRoleWithWebIdentity` (`ssokit-sts-client`).
pub use ssokit_sts_client as sts_client;
/// The SSO token cache file format (`ssokit-token-cache`).
pub use ssokit_token_cache as token_cache;

pub use ssokit_credentials::{
    AssumeRoleCredentialsProvider, Clock, ContainerCredentialsProvider, Credentials,
    CredentialsError, EnvironmentCredentialsProvider, ErrorCode, ErrorKind,
    ImdsCredentialsProvider, ProfileCredentialsProvider, ProvideCredentials, ProvideMfaCode,
    ProvideToken, ProviderConfig, SsoCredentialsProvider, SsoTokenProvider, TestClock, Token,
    WebIdentityTokenCredentialsProvider,
};
