//! [`ProfilePlan`]: what resolving a profile would do, computed without network by the
//! providers' own decision functions (the same checks, in the same order, with the same
//! texts), so that a command can tell a user exactly what a provider would do.
//!
//! A plan reads the files it is given and the token cache files (never writes or locks
//! them), resolves endpoints (pure), and sends nothing.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use jiff::Timestamp;
use ssokit_config_parser::{FileLocations, Location, ProfileSet, Section, Source};
use ssokit_token_cache::{CachedToken, ReadError, RoleCacheFile, TokenCacheFile};

use crate::cache::TOKEN_WINDOW;
use crate::config::ProviderConfig;
use crate::error::CredentialsError;
use crate::providers::container::{authorization_source, container_endpoint};
use crate::providers::imds::imds_settings;
use crate::providers::sso::{SsoPlan, TokenSource, legacy_read, legacy_usable};
use crate::providers::token::token_request;
use crate::providers::web_identity::{environment_sts, environment_web_identity};
use crate::role_cache::{entry_file, usable};
use crate::role_chain::{Base, Hop, RoleChain, Roles, StsTarget, WebIdentity, resolve};
use crate::session::{SessionRequest, refreshable, session_read, valid};

/// The profiles as the providers read them: both files for credentials, the config file
/// only for tokens (SPEC §7.1), loaded by the providers' own loaders.
///
/// It also remembers each token cache file it reads, so that the profiles sharing a session
/// or a start URL read their cache file once.
#[derive(Debug)]
pub struct PlanFiles {
    locations: FileLocations,
    both: ProfileSet,
    /// `None` when the credentials file is empty or absent: then `both` is the same view.
    config_only: Option<ProfileSet>,
    reads: Mutex<HashMap<PathBuf, CacheRead>>,
}

/// What reading one cache file gave.
type CacheRead = Result<Option<CachedToken>, ReadError>;

impl PlanFiles {
    /// Finds and reads the files of `config` (its explicit paths, else the environment's,
    /// else under its home). The error is the providers' (E-HOME, E-READ, E-PARSE).
    pub fn load(config: &ProviderConfig) -> Result<Self, CredentialsError> {
        let locations = config.file_locations()?;
        let config_text = ProviderConfig::read(locations.config())?;
        let credentials_text = ProviderConfig::read(locations.credentials())?;
        // A credentials file with nothing in it changes nothing: parse the config once.
        let config_only = if credentials_text.text().trim().is_empty() {
            None
        } else {
            let empty = Source::empty(locations.credentials());
            Some(ProviderConfig::parse(config_text.clone(), empty)?)
        };
        Ok(Self {
            both: ProviderConfig::parse(config_text, credentials_text)?,
            config_only,
            locations,
            reads: Mutex::default(),
        })
    }

    /// The cache entry of sso-session `name` (for listing sessions): the token provider's
    /// judgement with the default 300 s window.
    pub fn session_cache_entry(&self, config: &ProviderConfig, name: &str) -> CacheEntry {
        session_entry(config, self, name, TOKEN_WINDOW)
    }

    /// Reads `cache`, or returns what an earlier read of it gave.
    fn read(&self, cache: &TokenCacheFile) -> CacheRead {
        let mut reads = self.reads.lock().unwrap_or_else(PoisonError::into_inner);
        reads
            .entry(cache.path().to_path_buf())
            .or_insert_with(|| cache.read())
            .clone()
    }

    /// The config file alone, as the token provider sees it.
    fn config_only(&self) -> &ProfileSet {
        self.config_only.as_ref().unwrap_or(&self.both)
    }

    /// Where the two files are.
    pub fn locations(&self) -> &FileLocations {
        &self.locations
    }

    /// Both files merged, as the credentials providers see them.
    pub fn profiles(&self) -> &ProfileSet {
        &self.both
    }
}

/// What the default providers would do for one profile: `ProfileCredentialsProvider` and
/// `SsoTokenProvider`.
#[derive(Debug)]
pub struct ProfilePlan {
    name: String,
    location: Location,
    credentials: Result<CredentialsRoute, CredentialsError>,
    token: Result<TokenRoute, CredentialsError>,
}

impl ProfilePlan {
    /// The plan of `profile` (a profile of [`files.profiles()`](PlanFiles::profiles)),
    /// with `config`'s clock, environment and home. Reads cache files; no network.
    pub fn new(config: &ProviderConfig, files: &PlanFiles, profile: &Section<'_>) -> Self {
        let name = profile.name();
        let credentials = resolve(config, &files.both, name)
            .map(|chain| CredentialsRoute::of(config, files, chain));
        let token = token_request(config, files.config_only(), name, TOKEN_WINDOW)
            .map(|request| TokenRoute::of(config, files, &request));
        Self {
            name: name.to_owned(),
            location: profile.location(),
            credentials,
            token,
        }
    }

    /// The profile's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the profile's header is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// What `ProfileCredentialsProvider` would use, or the error it would give (whose
    /// [`kind`](CredentialsError::kind) tells whether a chain would move on or stop).
    pub fn credentials(&self) -> Result<&CredentialsRoute, &CredentialsError> {
        self.credentials.as_ref()
    }

    /// What `SsoTokenProvider` would use, or the error it would give.
    pub fn token(&self) -> Result<&TokenRoute, &CredentialsError> {
        self.token.as_ref()
    }
}

/// Where a profile's credentials would come from.
#[derive(Debug)]
#[non_exhaustive]
pub enum CredentialsRoute {
    /// `aws_access_key_id` and `aws_secret_access_key`.
    StaticKeys,
    /// IAM Identity Center: a bearer token, then `GetRoleCredentials`.
    Sso(Box<SsoRoute>),
    /// A `credential_process` command would run (the plan never runs it).
    Process {
        /// The `credential_process` line.
        location: Option<Location>,
    },
    /// `AssumeRoleWithWebIdentity` with a token file.
    WebIdentity(Box<WebIdentityRoute>),
    /// `credential_source`: `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
    CredentialSource(&'static str),
    /// A base, then `AssumeRole` hops.
    RoleChain(Box<RoleChainRoute>),
}

impl CredentialsRoute {
    fn of(config: &ProviderConfig, files: &PlanFiles, chain: RoleChain) -> Self {
        let RoleChain { base, roles } = chain;
        let base_profile = base.profile().map(str::to_owned);
        let base = Self::of_base(config, files, base);
        match roles {
            Some(Roles { hops, sts }) => Self::RoleChain(Box::new(RoleChainRoute {
                base,
                base_profile,
                hops: hops
                    .into_iter()
                    .map(|hop| HopRoute::of(config, hop))
                    .collect(),
                sts: StsRoute::of(&sts),
            })),
            None => base,
        }
    }

    fn of_base(config: &ProviderConfig, files: &PlanFiles, base: Base) -> Self {
        match base {
            Base::Static { .. } => Self::StaticKeys,
            Base::Sso(plan) => Self::Sso(Box::new(SsoRoute::of(config, files, &plan))),
            Base::Process(process) => Self::Process {
                location: process.location,
            },
            Base::Named { source, .. } => Self::CredentialSource(source.name()),
            Base::WebIdentity { web, sts } => {
                Self::WebIdentity(Box::new(WebIdentityRoute::of(web, &sts)))
            }
        }
    }
}

/// A role chain: its base, the hops base first, and STS.
#[derive(Debug)]
pub struct RoleChainRoute {
    base: CredentialsRoute,
    base_profile: Option<String>,
    hops: Vec<HopRoute>,
    sts: StsRoute,
}

impl RoleChainRoute {
    /// Where the base's credentials come from (never a chain itself).
    pub fn base(&self) -> &CredentialsRoute {
        &self.base
    }

    /// The profile of the base (`None` for a `credential_source`).
    pub fn base_profile(&self) -> Option<&str> {
        self.base_profile.as_deref()
    }

    /// The `AssumeRole` hops, in the order they run.
    pub fn hops(&self) -> &[HopRoute] {
        &self.hops
    }

    /// Where STS calls go.
    pub fn sts(&self) -> &StsRoute {
        &self.sts
    }
}

/// One `AssumeRole` hop of a chain.
#[derive(Debug)]
pub struct HopRoute {
    profile: String,
    role_arn: String,
    mfa_serial: Option<String>,
    /// The entry file (a path, nothing read), `None` when the disk cache is off.
    role_cache: Result<Option<RoleCacheFile>, CredentialsError>,
}

impl HopRoute {
    fn of(config: &ProviderConfig, hop: Hop) -> Self {
        Self {
            role_cache: entry_file(config, &hop.role_cache_key()),
            profile: hop.profile.unwrap_or_default(),
            role_arn: hop.role_arn,
            mfa_serial: hop.mfa_serial,
        }
    }

    /// The hop's role credential cache entry (SPEC §21) at `now`, read when asked:
    /// `Ok(None)` when the disk cache is off, E-BOOL for a bad `SSOKIT_DISK_CACHE`.
    pub fn role_cache(&self, now: Timestamp) -> Result<Option<RoleCacheStatus>, &CredentialsError> {
        role_cache_status(&self.role_cache, now)
    }

    /// The profile that sets `role_arn`.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// The role.
    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }

    /// The MFA device, when the hop asks for a code.
    pub fn mfa_serial(&self) -> Option<&str> {
        self.mfa_serial.as_deref()
    }
}

/// A web identity role: the role, the token file and whether it exists now (its content
/// is never read by a plan), and STS.
#[derive(Debug)]
pub struct WebIdentityRoute {
    profile: Option<String>,
    role_arn: String,
    token_file: PathBuf,
    token_file_exists: bool,
    sts: StsRoute,
}

impl WebIdentityRoute {
    fn of(web: WebIdentity, sts: &StsTarget) -> Self {
        Self {
            token_file_exists: web.token_file.exists(),
            profile: web.profile,
            role_arn: web.role_arn,
            token_file: web.token_file,
            sts: StsRoute::of(sts),
        }
    }

    /// The profile that sets it; `None` for the environment's.
    pub fn profile(&self) -> Option<&str> {
        self.profile.as_deref()
    }

    /// The role.
    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }

    /// The token file, as configured.
    pub fn token_file(&self) -> &std::path::Path {
        &self.token_file
    }

    /// Whether the token file exists (checked when the plan was made).
    pub fn token_file_exists(&self) -> bool {
        self.token_file_exists
    }

    /// Where the call goes.
    pub fn sts(&self) -> &StsRoute {
        &self.sts
    }
}

/// Where STS calls go: the URL, the region and where the region came from.
#[derive(Debug)]
pub struct StsRoute {
    url: String,
    region: String,
    region_source: String,
}

impl StsRoute {
    fn of(sts: &StsTarget) -> Self {
        Self {
            url: sts.endpoint.endpoint().url(),
            region: sts.region.clone(),
            region_source: sts.region_source.clone(),
        }
    }

    /// The endpoint URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Where the region came from: `AWS_REGION`, `AWS_DEFAULT_REGION`, `profile <p>`,
    /// `the default`.
    pub fn region_source(&self) -> &str {
        &self.region_source
    }
}

/// What `ContainerCredentialsProvider` would call: the URL (without its query) and where
/// the authorization token would come from.
#[derive(Debug)]
pub struct ContainerRoute {
    url: String,
    authorization: Option<&'static str>,
}

impl ContainerRoute {
    /// The endpoint's URL without its query.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The variable the `authorization` header would come from, if any
    /// (`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or `AWS_CONTAINER_AUTHORIZATION_TOKEN`).
    pub fn authorization(&self) -> Option<&str> {
        self.authorization
    }
}

/// What `ContainerCredentialsProvider` would do with the environment of `config`: its
/// route, or its error (C-NONE is not configured; C-URL, C-HOST failed). Reads nothing.
pub fn container_route(config: &ProviderConfig) -> Result<ContainerRoute, CredentialsError> {
    let endpoint = container_endpoint(config.env())?;
    Ok(ContainerRoute {
        url: endpoint.url_without_query(),
        authorization: authorization_source(config.env()),
    })
}

/// What `ImdsCredentialsProvider` would use for profile `profile` of `files` (when it
/// exists) and the environment of `config`: the endpoint, or its error (I-DISABLED not
/// configured; I-ENDPOINT, E-BOOL failed). A plan never contacts the service, so whether it
/// is there stays unknown.
pub fn imds_endpoint_route(
    config: &ProviderConfig,
    files: Option<&PlanFiles>,
    profile: &str,
) -> Result<String, CredentialsError> {
    let section = files.and_then(|files| files.profiles().profile(profile));
    imds_settings(config, section.as_ref(), None).map(|settings| settings.endpoint.to_string())
}

/// What `WebIdentityTokenCredentialsProvider` would do with the environment, with profile
/// `profile`'s STS settings from `files` when it exists: its route, or its error (W-NONE
/// is not configured).
pub fn environment_web_identity_route(
    config: &ProviderConfig,
    files: Option<&PlanFiles>,
    profile: &str,
) -> Result<WebIdentityRoute, CredentialsError> {
    let web = environment_web_identity(config.env())?;
    let sts = environment_sts(config, files.map(PlanFiles::profiles), profile)?;
    Ok(WebIdentityRoute::of(web, &sts))
}

/// The SSO part of a plan: the role, the token's cache entry and the portal endpoint.
#[derive(Debug)]
pub struct SsoRoute {
    account: String,
    role: String,
    region: String,
    start_url: String,
    session: Option<String>,
    cache: CacheEntry,
    portal: Result<String, CredentialsError>,
    /// The entry file (a path, nothing read), `None` when the disk cache is off.
    role_cache: Result<Option<RoleCacheFile>, CredentialsError>,
}

impl SsoRoute {
    fn of(config: &ProviderConfig, files: &PlanFiles, plan: &SsoPlan) -> Self {
        let (session, cache) = match &plan.token {
            TokenSource::Session(request) => (
                Some(request.session.clone()),
                session_entry(config, files, &request.session, request.window),
            ),
            TokenSource::Legacy { start_url } => {
                (None, legacy_entry(config, files, &plan.profile, start_url))
            }
        };
        Self {
            account: plan.account.clone(),
            role: plan.role.clone(),
            region: plan.region.clone(),
            start_url: plan.start_url.clone(),
            session,
            cache,
            portal: plan.portal_endpoint().map(|e| e.url()),
            role_cache: entry_file(config, &plan.role_cache_key()),
        }
    }

    /// The role credential cache entry of these credentials (SPEC §21) at `now`, read when
    /// asked: `Ok(None)` when the disk cache is off, E-BOOL for a bad `SSOKIT_DISK_CACHE`.
    pub fn role_cache(&self, now: Timestamp) -> Result<Option<RoleCacheStatus>, &CredentialsError> {
        role_cache_status(&self.role_cache, now)
    }

    /// The account id.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The role name.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// The `sso_region` (the session's, or the legacy profile's).
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The IAM Identity Center start URL (the session's `sso_start_url`, or the legacy
    /// profile's).
    pub fn start_url(&self) -> &str {
        &self.start_url
    }

    /// The sso-session, or `None` for the legacy `sso_start_url` form.
    pub fn session(&self) -> Option<&str> {
        self.session.as_deref()
    }

    /// The bearer token's cache entry.
    pub fn cache(&self) -> &CacheEntry {
        &self.cache
    }

    /// The portal URL `GetRoleCredentials` would be sent to, or the endpoint error.
    pub fn portal(&self) -> Result<&str, &CredentialsError> {
        self.portal.as_deref()
    }
}

/// The token part of a plan: the session, its cache entry and the OIDC endpoint.
#[derive(Debug)]
pub struct TokenRoute {
    session: String,
    cache: CacheEntry,
    oidc: Result<String, CredentialsError>,
}

impl TokenRoute {
    fn of(config: &ProviderConfig, files: &PlanFiles, request: &SessionRequest) -> Self {
        Self {
            session: request.session.clone(),
            cache: session_entry(config, files, &request.session, request.window),
            oidc: request.oidc_endpoint().map(|e| e.url()),
        }
    }

    /// The sso-session.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// The token's cache entry.
    pub fn cache(&self) -> &CacheEntry {
        &self.cache
    }

    /// The SSO-OIDC URL a refresh would be sent to, or the endpoint error.
    pub fn oidc(&self) -> Result<&str, &CredentialsError> {
        self.oidc.as_deref()
    }
}

/// A token cache file and what a provider would make of it now.
#[derive(Debug)]
pub struct CacheEntry {
    path: Option<PathBuf>,
    state: CacheState,
}

impl CacheEntry {
    /// The cache file (`None` when no home is known).
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// Its state.
    pub fn state(&self) -> &CacheState {
        &self.state
    }
}

/// The state of a token cache file, as the provider judges it.
#[derive(Debug)]
#[non_exhaustive]
pub enum CacheState {
    /// No token: the provider's error (T-NOTOKEN, S-NOTOKEN).
    Absent(CredentialsError),
    /// The file cannot be used: the provider's error (T-CORRUPT, T-KEY, T-EXPIRES, E-READ).
    Unusable(CredentialsError),
    /// A token.
    Found(TokenStatus),
}

/// A cached token's expiry, freshness and (for sessions) whether it can be refreshed.
#[derive(Debug)]
pub struct TokenStatus {
    expires_at: Timestamp,
    freshness: Freshness,
    refresh: Option<Result<(), String>>,
    registration_expires_at: Option<Timestamp>,
}

impl TokenStatus {
    /// `registrationExpiresAt`, when the file holds a valid one.
    pub fn registration_expires_at(&self) -> Option<Timestamp> {
        self.registration_expires_at
    }

    /// `expiresAt`.
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }

    /// Whether the provider would use it as it is.
    pub fn freshness(&self) -> Freshness {
        self.freshness
    }

    /// For a session token: `Ok` if a refresh could be attempted, else why not (the
    /// provider's reason, e.g. `client registration expired at …`). `None` for a legacy
    /// token, which is never refreshed.
    pub fn refresh(&self) -> Option<Result<(), &str>> {
        self.refresh
            .as_ref()
            .map(|r| r.as_ref().map(|&()| ()).map_err(String::as_str))
    }
}

/// How a provider would treat a cached token now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Freshness {
    /// Used as it is (a session token beyond the 300 s window; a legacy token before its
    /// expiry).
    Valid,
    /// A session token inside the window: refreshed first, or used with a warning.
    Expiring,
    /// Past its expiry.
    Expired,
}

/// The session token's entry, judged by the session-token algorithm's own checks.
fn session_entry(
    config: &ProviderConfig,
    files: &PlanFiles,
    session: &str,
    window: Duration,
) -> CacheEntry {
    let now = config.clock().now();
    entry(config, files, session, |cache, read| {
        let token = session_read(cache, session, read)?;
        let freshness = if valid(&token, now, window) {
            Freshness::Valid
        } else {
            expiring_or_expired(&token, now)
        };
        Ok(TokenStatus {
            expires_at: token.expires_at(),
            freshness,
            refresh: Some(refreshable(&token, now)),
            registration_expires_at: token.registration_expires_at().and_then(Result::ok),
        })
    })
}

/// The legacy token's entry, judged by the SSO provider's own checks.
fn legacy_entry(
    config: &ProviderConfig,
    files: &PlanFiles,
    profile: &str,
    start_url: &str,
) -> CacheEntry {
    let now = config.clock().now();
    entry(config, files, start_url, |cache, read| {
        let token = legacy_read(cache, profile, read)?;
        let freshness = match legacy_usable(&token, now, profile) {
            Ok(()) => Freshness::Valid,
            Err(_) => Freshness::Expired,
        };
        Ok(TokenStatus {
            expires_at: token.expires_at(),
            freshness,
            refresh: None,
            registration_expires_at: None,
        })
    })
}

fn expiring_or_expired(token: &CachedToken, now: Timestamp) -> Freshness {
    if token.expires_at() > now {
        Freshness::Expiring
    } else {
        Freshness::Expired
    }
}

/// Reads the cache file of `key` (once per plan files; no corrupt-file re-read delay) and
/// judges it.
fn entry(
    config: &ProviderConfig,
    files: &PlanFiles,
    key: &str,
    judge: impl FnOnce(
        &TokenCacheFile,
        Result<Option<CachedToken>, ReadError>,
    ) -> Result<TokenStatus, CredentialsError>,
) -> CacheEntry {
    let cache = match config.cache_file(key) {
        Ok(cache) => cache.with_corrupt_retry_delay(Duration::ZERO),
        Err(error) => {
            return CacheEntry {
                path: None,
                state: CacheState::Unusable(error),
            };
        }
    };
    let read = files.read(&cache);
    let absent = matches!(read, Ok(None));
    let state = match judge(&cache, read) {
        Ok(status) => CacheState::Found(status),
        Err(error) if absent => CacheState::Absent(error),
        Err(error) => CacheState::Unusable(error),
    };
    CacheEntry {
        path: Some(cache.path().to_path_buf()),
        state,
    }
}

/// A role credential cache entry and what a load would make of it now (SPEC §21).
#[derive(Debug)]
pub struct RoleCacheStatus {
    path: PathBuf,
    state: RoleCacheState,
}

impl RoleCacheStatus {
    /// The entry's file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// What a load would do with it.
    pub fn state(&self) -> &RoleCacheState {
        &self.state
    }
}

/// The state of a role credential cache entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RoleCacheState {
    /// Used as it is: at least 15 minutes before its `Expiration`.
    Usable(Timestamp),
    /// Under 15 minutes left (or expired): the next load fetches new credentials.
    Expiring(Timestamp),
    /// No entry: the next load fetches and writes one.
    Absent,
    /// Not a valid entry (D-CORRUPT's detail): ignored, then replaced by the next write.
    Invalid(String),
}

/// The entry of `file` at `now`, read once (no re-read delay, no lock); `Ok(None)` when
/// the disk cache is off. Only a caller that shows entries reads them (`ssokit doctor`),
/// not every plan.
fn role_cache_status(
    file: &Result<Option<RoleCacheFile>, CredentialsError>,
    now: Timestamp,
) -> Result<Option<RoleCacheStatus>, &CredentialsError> {
    let Some(file) = file.as_ref()? else {
        return Ok(None);
    };
    let state = match file.read_once() {
        Ok(Some(entry)) if usable(&entry, now) => RoleCacheState::Usable(entry.expiration()),
        Ok(Some(entry)) => RoleCacheState::Expiring(entry.expiration()),
        Ok(None) => RoleCacheState::Absent,
        Err(e) => RoleCacheState::Invalid(e.detail()),
    };
    Ok(Some(RoleCacheStatus {
        path: file.path().to_path_buf(),
        state,
    }))
}
