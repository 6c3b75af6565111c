//! AWS IAM Identity Center (SSO) credentials and SSO bearer tokens, resolved from the
//! shared config files and the SSO token cache exactly as the AWS SDKs do, without their
//! bugs. The Rust counterpart of the JavaScript SDK v2's `AWS.SsoCredentials` and
//! `AWS.SSOTokenProvider`.
//!
//! What it does:
//! - [`Credentials`] and [`Token`], cheap to clone, secrets redacted in `Debug`/`Display`;
//! - the object-safe [`ProvideCredentials`] and [`ProvideToken`] traits and one error type,
//!   [`CredentialsError`], whose [`ErrorKind`] tells a chain whether to try the next
//!   provider (not configured) or stop (failed), whose `Display` is the SPEC §0 text and
//!   whose [`location`](CredentialsError::location) names the offending setting's line;
//! - [`SsoTokenProvider`]: the session profile's token, refreshed through `CreateToken`
//!   under the cache file's cross-process lock, at most once per expired token across the
//!   providers sharing a [`ProviderConfig`] and across processes, written back losslessly;
//! - [`SsoCredentialsProvider`]: legacy and sso-session profiles, `GetRoleCredentials`;
//! - [`EnvironmentCredentialsProvider`] (`AWS_*`, `AMAZON_*`),
//!   [`ProfileCredentialsProvider`] (static keys, SSO, `credential_process`, web identity,
//!   `credential_source`, and the `role_arn` hops of a `source_profile` path, SPEC §15) and
//!   [`WebIdentityTokenCredentialsProvider`] (`AWS_WEB_IDENTITY_TOKEN_FILE`),
//!   [`ContainerCredentialsProvider`] (ECS, EKS Pod Identity) and [`ImdsCredentialsProvider`]
//!   (IMDSv2, with static stability), which the chain crate puts in order;
//! - [`AssumeRoleCredentialsProvider`]: STS `AssumeRole` signed by any source provider's
//!   credentials, one hop of a role chain, asking a [`ProvideMfaCode`] when the role wants
//!   MFA;
//! - one caching mechanism for all of them ([`Cached`], which every provider dereferences
//!   to) with v2's `expired` / `expireTime` / `expiryWindow` / `needsRefresh` / `get` /
//!   `refresh`, loads through the crate's one [`SingleFlight`], and a cached `get()` that
//!   takes one uncontended read lock;
//! - [`list_accounts`] and [`list_roles`] (`ssokit accounts`, `ssokit roles`): what an SSO
//!   sign-in may use, every page, the roles of many accounts fetched by
//!   [`MAX_IN_FLIGHT`] workers under one [`listing_pacing`], each role with the profiles
//!   that use it;
//! - [`console_link`] and [`open_console`]: the AWS console sign-in URL for resolved
//!   credentials (`getSigninToken` at the partition's sign-in endpoint) and a loopback
//!   redirector that gives a browser the link without putting the sign-in token in any
//!   process's arguments (`ssokit console`);
//! - [`ProfilePlan`]: what resolving a profile would do (which provider, which cache file in
//!   which state, which endpoint, or the provider's own error), computed without network by
//!   the providers' own decision functions.
//!
//! What it does **not** do: read the process environment, the home directory or the system
//! clock (a [`ProviderConfig`] brings an [`Env`](ssokit_config_parser::Env) snapshot, the
//! home and a [`Clock`]; the chain crate has the real ones); order providers into chains;
//! log in (`aws sso login`); speak HTTP or sign (the service clients do); print secrets.
//!
//! # Example
//!
//! A legacy SSO profile against the loopback fake portal, in a temporary home:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! # runtime.block_on(async {
//! use ssokit_config_parser::{Env, Home};
//! use ssokit_credentials::{ProviderConfig, SsoCredentialsProvider, TestClock};
//! use ssokit_fake_portal::FakePortal;
//!
//! let portal = FakePortal::start()?;
//! let home = tempfile::tempdir()?;
//! std::fs::create_dir_all(home.path().join(".aws/sso/cache"))?;
//! std::fs::write(
//!     home.path().join(".aws/config"),
//!     "[profile a]\nsso_start_url = https://d-abc123.awsapps.com/start\nsso_region = us-east-1\n\
//!      sso_account_id = 111122223333\nsso_role_name = LegacyRole\n",
//! )?;
//! std::fs::write(
//!     home.path().join(".aws/sso/cache/40a89917e3175433e361b710a9d43528d7f1890a.json"),
//!     r#"{"accessToken": "legacy-at", "expiresAt": "2026-03-01T14:00:00Z"}"#,
//! )?;
//!
//! let env = Env::from_pairs([("AWS_ENDPOINT_URL_SSO", portal.url())]);
//! let clock = TestClock::new("2026-03-01T12:00:00Z".parse()?);
//! let config = ProviderConfig::new(env, clock).with_home(Home::new(home.path()));
//! let provider = SsoCredentialsProvider::builder(config).profile_name("a").build();
//!
//! let credentials = provider.get().await?;
//! assert_eq!(credentials.access_key_id(), "ASIAMOCKACCESSKEY");
//! assert_eq!(credentials.account_id(), Some("111122223333"));
//! assert_eq!(provider.expire_time(), Some("2026-03-01T13:00:00Z".parse()?));
//! assert!(!format!("{credentials:?}").contains("mockSecretKey"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```
//!
//! Providers need a Tokio runtime (loads run as tasks, so a dropped caller never cancels
//! the others); construction does no I/O.
//!
//! # Differences from the AWS SDKs
//!
//! - A legacy token is expired when `expiresAt <= now` (v2: 15 minutes early); an invalid
//!   `expiresAt` is an error (v2: valid forever), zone-less times are UTC.
//! - Profile `sso_region` / `sso_start_url` different from the session's is S-MISMATCH
//!   (v2: the session wins silently).
//! - A token that is still valid but cannot be refreshed, or whose refresh fails, is
//!   returned with a warning (v2: an error); an expired one gives T-FAILED with the real
//!   cause (v2: an uncaught exception).
//! - The refresh throttle is 30 s per cache file, in the shared state and the lock file (v2:
//!   one stamp per process); `registrationExpiresAt` is checked; a response without
//!   `refreshToken` keeps the old one (v2 removes it).
//! - Write-back is atomic, 0600 and lossless, and processes coordinate through a lock file,
//!   so N processes make one `CreateToken` (v2: in place, every process refreshes).
//! - Providers load lazily and are never wedged by a failed load (v2 loads in the
//!   constructor).
//! - Static keys win over `sso_*` keys in one profile.
//! - Role chains start from any base (SSO included), cache each hop on its own (a chain
//!   refreshes only the hops that expired), stop cycles and chains over 8 roles with an
//!   error naming the profiles, refuse `source_profile` with `credential_source`, and ask
//!   for an MFA code instead of dropping `mfa_serial` (SPEC §15.9).
//!
//! # Features
//! None.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The providers, one file each.
mod providers;

// The machinery they share.
mod assignments;
mod builder;
mod cache;
mod clock;
mod config;
mod console;
mod error;
mod files;
mod login;
mod loopback;
mod mfa;
mod plan;
mod process;
mod provider;
mod refresh_state;
mod role_cache;
mod role_chain;
mod session;
mod single_flight;
mod steps;
mod types;

pub use assignments::{
    AssignedRole, Fanout, MAX_IN_FLIGHT, STARTS_PER_SECOND, THROTTLED_ATTEMPTS, list_accounts,
    list_roles, list_roles_of_accounts, listing_pacing,
};
pub use cache::{CREDENTIALS_WINDOW, TOKEN_WINDOW};
pub use clock::{Clock, TestClock};
pub use config::ProviderConfig;
pub use console::run::{ConsoleLink, ConsoleRequest, console_link, open_console};
pub use console::signin::{
    ConsoleHosts, FEDERATION_ENDPOINT_VAR, MAX_CONSOLE_DURATION, MIN_CONSOLE_DURATION,
    check_console_destination, parse_console_duration,
};
pub use error::{CredentialsError, ErrorCode, ErrorKind, TokenError};
pub use login::browser::{OpenBrowser, SystemBrowser, may_open};
pub use login::callback::CallbackListener;
pub use login::flow::{Flow, FlowChoice, FlowOptions, OsKind, choose_flow};
pub use login::logout::{
    LogoutFile, LogoutScope, LogoutSummary, logout, logout_files, logout_role_entries,
};
pub use login::pkce::{PkceSecrets, authorize_url};
pub use login::run::{LoginOutcome, LoginOutput, LoginRequest, login};
pub use login::target::{LoginTarget, LoginTargetRequest, TargetKind};
pub use mfa::ProvideMfaCode;
pub use plan::{
    CacheEntry, CacheState, ContainerRoute, CredentialsRoute, Freshness, HopRoute, PlanFiles,
    ProfilePlan, RoleCacheState, RoleCacheStatus, RoleChainRoute, SsoRoute, StsRoute, TokenRoute,
    TokenStatus, WebIdentityRoute, container_route, environment_web_identity_route,
    imds_endpoint_route,
};
pub use process::{MAX_PROCESS_DEPTH, PROCESS_DEPTH_VAR};
pub use provider::{Cached, ProvideCredentials, ProvideToken};
pub use providers::assume_role::{
    AssumeRoleCredentialsProvider, AssumeRoleCredentialsProviderBuilder,
};
pub use providers::container::ContainerCredentialsProvider;
pub use providers::environment::EnvironmentCredentialsProvider;
pub use providers::imds::{ImdsCredentialsProvider, ImdsCredentialsProviderBuilder};
pub use providers::profile::{ProfileCredentialsProvider, ProfileCredentialsProviderBuilder};
pub use providers::sso::{SsoCredentialsProvider, SsoCredentialsProviderBuilder};
pub use providers::token::{SsoTokenProvider, SsoTokenProviderBuilder};
pub use providers::web_identity::{
    WebIdentityTokenCredentialsProvider, WebIdentityTokenCredentialsProviderBuilder,
};
pub use refresh_state::SessionTokenStates;
pub use single_flight::{Abandoned, Flight, SingleFlight};
pub use types::{Credentials, Expiring, Token};
