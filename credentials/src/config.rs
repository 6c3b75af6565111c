//! [`ProviderConfig`]: the world a provider sees, passed in as values.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ssokit_config_parser::{
    Env, FileLocations, Home, HomeError, LoadError, Platform, ProfileSet, Section, Source,
    read_source,
};
use ssokit_http::{
    CaBundle, EndpointConfig, EndpointOverrideSources, HttpSettings, NamedValue, ProxySettings,
    ServiceEndpoint, SleepFuture,
};
use ssokit_metadata_client::{ContainerClient, ImdsClient, ImdsEndpoint};
use ssokit_sso_client::{Service, SsoClient};
use ssokit_sts_client::StsClient;
use ssokit_token_cache::{
    DEFAULT_CORRUPT_RETRY_DELAY, LockOptions, TokenCacheFile, cache_dir, role_cache_dir,
};

use crate::clock::Clock;
use crate::error::{CredentialsError, ErrorCode};
use crate::mfa::ProvideMfaCode;
use crate::refresh_state::SessionTokenStates;

/// Where [`ProviderConfig::with_warnings`] sends warnings.
type WarningSink = Arc<dyn Fn(&str) + Send + Sync>;

/// Where a configuration's warnings go, for work that outlives the borrow of its
/// configuration (a token refresh's leader task): the sink, else `tracing`.
/// The default says warnings through `tracing`.
#[derive(Clone, Default)]
pub(crate) struct Warner(Option<WarningSink>);

impl Warner {
    /// Says `text` as a warning.
    pub(crate) fn warn(&self, text: &str) {
        if let Some(sink) = &self.0 {
            sink(text);
        } else {
            tracing::warn!("{text}");
        }
    }
}

/// Everything a provider reads from the outside world, as values: the environment
/// snapshot, the home directory, the clock, the HTTP client (or its settings), explicit file
/// paths, the insecure-http opt-in and the shared token refresh state.
///
/// Clones share the lazily built HTTP clients and the refresh state, so the providers of one
/// chain share their connection pools and coordinate their refreshes. A client is built per
/// distinct set of profile HTTP settings (`ca_bundle`, `max_attempts`): profiles that set
/// none share one.
///
/// ```
/// use ssokit_config_parser::{Env, Home};
/// use ssokit_credentials::{ProviderConfig, TestClock};
///
/// let clock = TestClock::new("2026-03-01T12:00:00Z".parse()?);
/// let config = ProviderConfig::new(Env::from_pairs([("AWS_PROFILE", "dev")]), clock)
///     .with_home(Home::new("/home/me"));
/// assert_eq!(config.env().get("AWS_PROFILE"), Some("dev"));
/// # Ok::<(), jiff::Error>(())
/// ```
#[derive(Clone)]
pub struct ProviderConfig {
    env: Env,
    home: Result<Home, HomeError>,
    clock: Arc<dyn Clock>,
    client: Option<SsoClient>,
    lazy_clients: Arc<Mutex<HashMap<ClientKey, SsoClient>>>,
    /// One IMDS client (token, path state) per endpoint and IMDSv1 setting, shared by
    /// every clone.
    imds_clients: Arc<Mutex<HashMap<ImdsKey, Arc<ImdsClient>>>>,
    http_settings: Option<HttpSettings>,
    config_file: Option<PathBuf>,
    credentials_file: Option<PathBuf>,
    allow_insecure_http: bool,
    portal_endpoint: Option<String>,
    oidc_endpoint: Option<String>,
    sts_endpoint: Option<String>,
    mfa: Option<Arc<dyn ProvideMfaCode>>,
    states: SessionTokenStates,
    lock_options: LockOptions,
    corrupt_retry_delay: Duration,
    process_timeout: Duration,
    /// How waits that are not HTTP retries pass (a login's device-code polls).
    sleep: Arc<dyn Fn(Duration) -> SleepFuture + Send + Sync>,
    /// The role credential disk cache: the caller's choice (beats `SSOKIT_DISK_CACHE`) and
    /// the default (which it overrides).
    disk_cache: Option<bool>,
    disk_cache_default: bool,
    /// Where warnings go besides `tracing` (the CLI prints them).
    warnings: Option<WarningSink>,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("env", &self.env.names().collect::<Vec<_>>())
            .field("home", &self.home)
            .field("clock", &self.clock)
            .field("client", &self.client)
            .field("http_settings", &self.http_settings)
            .field("config_file", &self.config_file)
            .field("credentials_file", &self.credentials_file)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("portal_endpoint", &self.portal_endpoint)
            .field("oidc_endpoint", &self.oidc_endpoint)
            .field("sts_endpoint", &self.sts_endpoint)
            // Whether one is set only: a program's MFA code provider may hold a code.
            .field("mfa_code_provider", &self.mfa.is_some())
            .field("states", &self.states)
            .field("disk_cache", &self.disk_cache)
            .field("disk_cache_default", &self.disk_cache_default)
            .finish_non_exhaustive()
    }
}

impl ProviderConfig {
    /// A configuration over this environment snapshot and clock. The home directory is
    /// found in the snapshot (`HOME`, `USERPROFILE`, `HOMEDRIVE`+`HOMEPATH`); use
    /// [`with_os_home`](Self::with_os_home) to add the operating system's record, or
    /// [`with_home`](Self::with_home) to set it. No I/O.
    pub fn new(env: Env, clock: impl Clock + 'static) -> Self {
        let home = Home::resolve(&env, None, Platform::current());
        Self {
            env,
            home,
            clock: Arc::new(clock),
            client: None,
            lazy_clients: Arc::default(),
            imds_clients: Arc::default(),
            http_settings: None,
            config_file: None,
            credentials_file: None,
            allow_insecure_http: false,
            portal_endpoint: None,
            oidc_endpoint: None,
            sts_endpoint: None,
            mfa: None,
            states: SessionTokenStates::new(),
            lock_options: LockOptions::default(),
            corrupt_retry_delay: DEFAULT_CORRUPT_RETRY_DELAY,
            process_timeout: Duration::from_secs(60),
            sleep: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
            disk_cache: None,
            disk_cache_default: false,
            warnings: None,
        }
    }

    /// The home directory, set explicitly.
    #[must_use]
    pub fn with_home(mut self, home: Home) -> Self {
        self.home = Ok(home);
        self
    }

    /// Resolve the home from the snapshot, falling back to `os_home` (the operating
    /// system's record of the account's home, looked up by the caller).
    #[must_use]
    pub fn with_os_home(mut self, os_home: Option<&Path>) -> Self {
        self.home = Home::resolve(&self.env, os_home, Platform::current());
        self
    }

    /// Use this SSO client (and its connection pool) instead of building one.
    #[must_use]
    pub fn with_http_client(mut self, client: SsoClient) -> Self {
        self.client = Some(client);
        self
    }

    /// Build the SSO client from these settings (CA bundle, proxies and attempts from the
    /// environment and profile are applied on top).
    #[must_use]
    pub fn with_http_settings(mut self, settings: HttpSettings) -> Self {
        self.http_settings = Some(settings);
        self.lazy_clients = Arc::default();
        self
    }

    /// The config file, instead of `AWS_CONFIG_FILE` / `~/.aws/config`.
    #[must_use]
    pub fn with_config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// The credentials file, instead of `AWS_SHARED_CREDENTIALS_FILE` /
    /// `~/.aws/credentials`.
    #[must_use]
    pub fn with_credentials_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.credentials_file = Some(path.into());
        self
    }

    /// Allow plain-http endpoint overrides to hosts that are not loopback.
    #[must_use]
    pub fn with_allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The SSO portal endpoint (`GetRoleCredentials`), set in code: it wins over every
    /// configured override and is honoured even with `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`.
    #[must_use]
    pub fn with_portal_endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.portal_endpoint = Some(url.into());
        self
    }

    /// The SSO-OIDC endpoint (`CreateToken`), set in code; see
    /// [`with_portal_endpoint_url`](Self::with_portal_endpoint_url).
    #[must_use]
    pub fn with_oidc_endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.oidc_endpoint = Some(url.into());
        self
    }

    /// The STS endpoint (`AssumeRole`, `AssumeRoleWithWebIdentity`), set in code; see
    /// [`with_portal_endpoint_url`](Self::with_portal_endpoint_url).
    #[must_use]
    pub fn with_sts_endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.sts_endpoint = Some(url.into());
        self
    }

    /// Where a role hop with `mfa_serial` gets its MFA code (v2 `tokenCodeFn`). Without
    /// one, such a hop fails with R-MFA before any request.
    #[must_use]
    pub fn with_mfa_code_provider(mut self, provider: Arc<dyn ProvideMfaCode>) -> Self {
        self.mfa = Some(provider);
        self
    }

    /// Share this refresh state (e.g. with the providers of another chain).
    #[must_use]
    pub fn with_session_token_states(mut self, states: SessionTokenStates) -> Self {
        self.states = states;
        self
    }

    /// How to wait for the cache file's lock (default: 25-100 ms polls, 45 s).
    #[must_use]
    pub fn with_lock_options(mut self, options: LockOptions) -> Self {
        self.lock_options = options;
        self
    }

    /// The delay before a corrupt cache file is read a second time (default 100 ms).
    #[must_use]
    pub fn with_corrupt_retry_delay(mut self, delay: Duration) -> Self {
        self.corrupt_retry_delay = delay;
        self
    }

    /// How long a `credential_process` may run (default 60 s).
    #[must_use]
    pub fn with_process_timeout(mut self, timeout: Duration) -> Self {
        self.process_timeout = timeout;
        self
    }

    /// How a login's waits pass (default `tokio::time::sleep`; tests pass one that returns
    /// at once, or records the intervals).
    #[must_use]
    pub fn with_sleep(
        mut self,
        sleep: impl Fn(Duration) -> SleepFuture + Send + Sync + 'static,
    ) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }

    /// Whether the SSO provider and the assume-role step keep role credentials in the AWS
    /// CLI's cache, `~/.aws/cli/cache` (SPEC §21). This choice beats `SSOKIT_DISK_CACHE`.
    #[must_use]
    pub fn with_disk_cache(mut self, enabled: bool) -> Self {
        self.disk_cache = Some(enabled);
        self
    }

    /// The disk cache's default when neither [`with_disk_cache`](Self::with_disk_cache)
    /// nor `SSOKIT_DISK_CACHE` says: off for a library (as botocore), on for the CLI (as the
    /// `aws` command).
    #[must_use]
    pub fn with_disk_cache_by_default(mut self, enabled: bool) -> Self {
        self.disk_cache_default = enabled;
        self
    }

    /// Where warnings go (the role cache's D-* warnings): `sink` gets each text; without
    /// one they are `tracing` warnings.
    #[must_use]
    pub fn with_warnings(mut self, sink: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.warnings = Some(Arc::new(sink));
        self
    }

    /// Says `text` as a warning: to the sink, else as a `tracing` warning.
    pub(crate) fn warn(&self, text: &str) {
        self.warner().warn(text);
    }

    /// Where this configuration's warnings go, as a value of its own.
    pub(crate) fn warner(&self) -> Warner {
        Warner(self.warnings.clone())
    }

    /// The role cache directory when the disk cache is on (SPEC §21 switch), `None` when it
    /// is off or there is no home; E-BOOL for a `SSOKIT_DISK_CACHE` that is not a boolean.
    pub(crate) fn role_cache_dir(&self) -> Result<Option<PathBuf>, CredentialsError> {
        let enabled = match self.disk_cache {
            Some(enabled) => enabled,
            None => self
                .env
                .get_bool("SSOKIT_DISK_CACHE")
                .map_err(|e| bool_error(&e))?
                .unwrap_or(self.disk_cache_default),
        };
        Ok(match (&self.home, enabled) {
            (Ok(home), true) => Some(role_cache_dir(home.path())),
            _ => None,
        })
    }

    /// The delay before a corrupt cache file is read a second time.
    pub(crate) fn corrupt_retry_delay(&self) -> Duration {
        self.corrupt_retry_delay
    }

    /// Waits `duration` with the configured sleep.
    pub(crate) fn sleep(&self, duration: Duration) -> SleepFuture {
        (self.sleep)(duration)
    }

    /// The environment snapshot.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The home directory, or E-HOME.
    pub fn home(&self) -> Result<&Home, CredentialsError> {
        self.home
            .as_ref()
            .map_err(|e| CredentialsError::failed(ErrorCode::Home, e.to_string()).caused_by(*e))
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    /// The shared refresh state.
    pub fn session_token_states(&self) -> &SessionTokenStates {
        &self.states
    }

    /// The MFA code provider, if one is configured.
    pub(crate) fn mfa_code_provider(&self) -> Option<&Arc<dyn ProvideMfaCode>> {
        self.mfa.as_ref()
    }

    pub(crate) fn clock_arc(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.clock)
    }

    pub(crate) fn lock_options(&self) -> &LockOptions {
        &self.lock_options
    }

    pub(crate) fn process_timeout(&self) -> Duration {
        self.process_timeout
    }

    /// Where the config and credentials files are for this configuration: the explicit
    /// paths, else `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else under the home.
    pub fn file_locations(&self) -> Result<FileLocations, CredentialsError> {
        self.files(None, None)
    }

    /// The file locations, with a provider's own overrides first.
    pub(crate) fn files(
        &self,
        config_file: Option<&Path>,
        credentials_file: Option<&Path>,
    ) -> Result<FileLocations, CredentialsError> {
        let home = self.home()?;
        Ok(FileLocations::resolve(
            &self.env,
            home,
            config_file.or(self.config_file.as_deref()),
            credentials_file.or(self.credentials_file.as_deref()),
        ))
    }

    /// Whether a file path is set explicitly for a provider whose builder sets these: by
    /// the builder, by this configuration, or by `AWS_CONFIG_FILE` /
    /// `AWS_SHARED_CREDENTIALS_FILE`.
    pub(crate) fn sets_file_path(
        &self,
        config_file: Option<&Path>,
        credentials_file: Option<&Path>,
    ) -> bool {
        [
            config_file,
            credentials_file,
            self.config_file.as_deref(),
            self.credentials_file.as_deref(),
        ]
        .iter()
        .any(Option::is_some)
            || ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]
                .iter()
                .any(|var| self.env.get(var).is_some())
    }

    /// Loads both files (config first).
    pub(crate) fn load_profiles(files: &FileLocations) -> Result<ProfileSet, CredentialsError> {
        ProfileSet::load(files).map_err(|e| load_error(&e))
    }

    /// Loads the config file only (the token provider's view).
    pub(crate) fn load_config_only(files: &FileLocations) -> Result<ProfileSet, CredentialsError> {
        let config = Self::read(files.config())?;
        Self::parse(config, Source::empty(files.credentials()))
    }

    /// Reads one of the two files (absent = empty).
    pub(crate) fn read(path: &Path) -> Result<Source, CredentialsError> {
        read_source(path).map_err(|e| load_error(&e))
    }

    /// Parses the two files' texts, config first.
    pub(crate) fn parse(
        config: Source,
        credentials: Source,
    ) -> Result<ProfileSet, CredentialsError> {
        ProfileSet::parse(config, credentials).map_err(|e| load_error(&LoadError::Parse(e)))
    }

    /// The cache file of `key` under the home.
    pub(crate) fn cache_file(&self, key: &str) -> Result<TokenCacheFile, CredentialsError> {
        let home = self.home()?;
        Ok(TokenCacheFile::new(&cache_dir(home.path()), key)
            .with_corrupt_retry_delay(self.corrupt_retry_delay))
    }

    /// The SSO client: the injected one, or the one built (once, then shared by every
    /// clone) for the HTTP settings of the environment and `profile`.
    pub(crate) fn client(
        &self,
        profile: Option<&Section<'_>>,
    ) -> Result<SsoClient, CredentialsError> {
        if let Some(client) = &self.client {
            return Ok(client.clone());
        }
        let key = self.client_key(profile)?;
        let mut clients = self
            .lazy_clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let client = clients.entry(key).or_insert_with_key(|key| {
            let mut settings = self.http_settings.clone().unwrap_or_default();
            if key.ca_bundle.is_some() {
                settings = settings.ca_bundle(key.ca_bundle.clone());
            }
            if let Some(attempts) = key.max_attempts {
                settings = settings.max_attempts(attempts);
            }
            let env = self.env.clone();
            settings = settings.proxy(ProxySettings::from_lookup(|name| {
                env.get(name).map(str::to_owned)
            }));
            SsoClient::new(settings)
        });
        Ok(client.clone())
    }

    /// The HTTP client of [`client`](Self::client), for calls that have no service client
    /// (the console's `getSigninToken`).
    pub(crate) fn http_client(
        &self,
        profile: Option<&Section<'_>>,
    ) -> Result<ssokit_http::HttpClient, CredentialsError> {
        Ok(self.client(profile)?.http().clone())
    }

    /// Whether plain-http endpoint overrides to hosts that are not loopback are allowed.
    pub(crate) fn allow_insecure_http(&self) -> bool {
        self.allow_insecure_http
    }

    /// The STS client: the same HTTP client (and pool) as [`client`](Self::client).
    pub(crate) fn sts_client(
        &self,
        profile: Option<&Section<'_>>,
    ) -> Result<StsClient, CredentialsError> {
        Ok(StsClient::with_http(self.client(profile)?.http().clone()))
    }

    /// The base HTTP settings with the environment's proxies (the metadata clients set
    /// their own timeouts and attempts, and send plain http directly).
    fn metadata_settings(&self) -> HttpSettings {
        let env = self.env.clone();
        self.http_settings
            .clone()
            .unwrap_or_default()
            .proxy(ProxySettings::from_lookup(|name| {
                env.get(name).map(str::to_owned)
            }))
    }

    /// A container endpoint client over the configuration's HTTP settings. No I/O.
    pub(crate) fn container_client(&self) -> ContainerClient {
        ContainerClient::new(self.metadata_settings())
    }

    /// The IMDS client of `endpoint` (and IMDSv1 setting): one per configuration, so the
    /// providers of a chain share the session token.
    pub(crate) fn imds_client(
        &self,
        endpoint: ImdsEndpoint,
        v1_disabled: Option<String>,
    ) -> Arc<ImdsClient> {
        let mut clients = self
            .imds_clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let settings = self.metadata_settings();
        Arc::clone(
            clients
                .entry((endpoint.to_string(), v1_disabled.clone()))
                .or_insert_with(|| Arc::new(ImdsClient::new(endpoint, settings, v1_disabled))),
        )
    }

    /// The HTTP settings that the environment and `profile` decide: the CA bundle
    /// (`AWS_CA_BUNDLE`, else `ca_bundle`) and the attempts (`AWS_MAX_ATTEMPTS`, else
    /// `max_attempts`).
    fn client_key(&self, profile: Option<&Section<'_>>) -> Result<ClientKey, CredentialsError> {
        let ca_bundle = match self.env.get("AWS_CA_BUNDLE") {
            Some(path) => Some(CaBundle::new(path, "AWS_CA_BUNDLE")),
            None => profile.and_then(|p| {
                let path = p.get("ca_bundle")?;
                let path = match &self.home {
                    Ok(home) => home.expand(Path::new(path)),
                    Err(_) => PathBuf::from(path),
                };
                Some(CaBundle::new(
                    path,
                    format!("ca_bundle of profile {}", p.name()),
                ))
            }),
        };
        let attempts = match self.env.get("AWS_MAX_ATTEMPTS") {
            Some(v) => Some(("AWS_MAX_ATTEMPTS", v, None)),
            None => profile.and_then(|p| {
                p.property("max_attempts")
                    .map(|prop| ("max_attempts", prop.value(), Some(prop.location())))
            }),
        };
        let max_attempts = match attempts {
            None => None,
            Some((name, value, location)) => Some(
                value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        CredentialsError::failed(
                            ErrorCode::InvalidSetting,
                            format!(
                                "invalid value \"{value}\" for {name}: expected a positive integer"
                            ),
                        )
                        .at(location)
                    })?,
            ),
        };
        Ok(ClientKey {
            ca_bundle,
            max_attempts,
        })
    }

    /// The endpoint configuration of an SSO service for `region` (SPEC §5.1-5.2), with the
    /// portal or OIDC endpoint set in code.
    pub(crate) fn sso_endpoint_config(
        &self,
        set: &ProfileSet,
        profile: &Section<'_>,
        region: &str,
        service: Service,
    ) -> Result<EndpointConfig, CredentialsError> {
        self.sso_endpoint_for(Some((set, profile)), region, service)
    }

    /// [`sso_endpoint_config`](Self::sso_endpoint_config) where the settings profile may
    /// not exist (a login or logout by session name).
    pub(crate) fn sso_endpoint_for(
        &self,
        profile: Option<(&ProfileSet, &Section<'_>)>,
        region: &str,
        service: Service,
    ) -> Result<EndpointConfig, CredentialsError> {
        let in_code = match service {
            Service::Oidc => self.oidc_endpoint.as_deref(),
            _ => self.portal_endpoint.as_deref(),
        };
        self.endpoint_config(profile, region, service, in_code)
    }

    /// The endpoint configuration of STS for `region` (SPEC §14.5 steps 1-2), from the
    /// environment and the selected profile if there is one, with the STS endpoint set in
    /// code first.
    pub(crate) fn sts_endpoint_config(
        &self,
        profile: Option<(&ProfileSet, &Section<'_>)>,
        region: &str,
    ) -> Result<EndpointConfig, CredentialsError> {
        let in_code = self.sts_endpoint.as_deref();
        self.endpoint_config(profile, region, ssokit_sts_client::Sts::regional(), in_code)
    }

    /// The endpoint configuration of `service` for `region`, from the environment and
    /// `profile` (SPEC §5.1-5.2), with `in_code` (a builder's value) first.
    fn endpoint_config(
        &self,
        profile: Option<(&ProfileSet, &Section<'_>)>,
        region: &str,
        service: impl ServiceEndpoint,
        in_code: Option<&str>,
    ) -> Result<EndpointConfig, CredentialsError> {
        let bool_setting = |var: &str, key: &str| -> Result<bool, CredentialsError> {
            if let Some(v) = self.env.get_bool(var).map_err(|e| bool_error(&e))? {
                return Ok(v);
            }
            let Some((_, profile)) = profile else {
                return Ok(false);
            };
            Ok(profile
                .get_bool(key)
                .map_err(|e| bool_error(&e))?
                .unwrap_or(false))
        };
        let ignore = bool_setting(
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "ignore_configured_endpoint_urls",
        )?;
        let sources = EndpointOverrideSources {
            builder: in_code.map(str::to_owned),
            service_env: self.env.get(service.endpoint_env_var()).map(str::to_owned),
            services_section: profile.and_then(|(set, p)| services_endpoint(set, p, service)),
            global_env: self.env.get("AWS_ENDPOINT_URL").map(str::to_owned),
            profile: profile
                .and_then(|(_, p)| p.get("endpoint_url").map(|v| NamedValue::new(p.name(), v))),
            ignore_configured_endpoint_urls: ignore,
        };
        Ok(EndpointConfig::new()
            .region(region)
            .use_fips(bool_setting("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?)
            .use_dual_stack(bool_setting(
                "AWS_USE_DUALSTACK_ENDPOINT",
                "use_dualstack_endpoint",
            )?)
            .endpoint_override(sources.select(service))
            .allow_insecure_http(self.allow_insecure_http))
    }
}

/// The `endpoint_url` of `service`'s group in the `[services]` section `profile` names;
/// the group is the service's key (`sso_oidc`) or the same with dashes.
fn services_endpoint(
    set: &ProfileSet,
    profile: &Section<'_>,
    service: impl ServiceEndpoint,
) -> Option<NamedValue> {
    let name = profile.get("services")?;
    let section = set.services(name)?;
    let key = service.services_key();
    [key.to_owned(), key.replace('_', "-")]
        .iter()
        .find_map(|group| {
            section
                .property(group)
                .and_then(|p| p.sub_property("endpoint_url"))
                .filter(|v| !v.is_empty())
                .map(|v| NamedValue::new(name, v))
        })
}

/// An IMDS client's key: the endpoint's URL and the setting that disables IMDSv1.
type ImdsKey = (String, Option<String>);

/// The HTTP settings that differ between profiles; one client is built per distinct key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ClientKey {
    ca_bundle: Option<CaBundle>,
    max_attempts: Option<u32>,
}

pub(crate) fn bool_error(e: &ssokit_config_parser::BoolError) -> CredentialsError {
    let location = e.location().cloned();
    CredentialsError::failed(ErrorCode::Bool, e.to_string())
        .at(location)
        .caused_by(e.clone())
}

pub(crate) fn load_error(e: &LoadError) -> CredentialsError {
    let code = if matches!(e, LoadError::Parse(_)) {
        ErrorCode::Parse
    } else {
        ErrorCode::Read
    };
    let location = e.location();
    CredentialsError::failed(code, e.to_string())
        .at(location)
        .caused_by(e.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TestClock;

    #[test]
    fn file_locations_prefer_explicit_paths_then_the_environment_then_home() {
        let clock = TestClock::new(jiff::Timestamp::UNIX_EPOCH);
        let env = Env::from_pairs([("AWS_SHARED_CREDENTIALS_FILE", "~/creds")]);
        let config = ProviderConfig::new(env, clock)
            .with_home(Home::new("/h"))
            .with_config_file("/explicit/config");
        let files = config.file_locations().expect("a home is set");
        assert_eq!(files.config(), Path::new("/explicit/config"));
        assert_eq!(files.credentials(), Path::new("/h/creds"));

        let no_home = ProviderConfig::new(Env::new(), TestClock::new(jiff::Timestamp::UNIX_EPOCH));
        let error = no_home.file_locations().expect_err("no home anywhere");
        assert_eq!(
            error.to_string(),
            "Cannot load credentials, HOME path not set"
        );
    }
}
