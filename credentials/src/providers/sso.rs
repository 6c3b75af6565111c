//! [`SsoCredentialsProvider`] (SPEC §8): role credentials for a legacy or sso-session
//! profile through `GetRoleCredentials`.

use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use ssokit_config_parser::{ProfileSet, Section};
use ssokit_http::{Endpoint, EndpointConfig};
use ssokit_sso_client::{
    GetRoleCredentialsRequest, Service, ServiceErrorKind, SsoClient, role_credentials_message,
};
use ssokit_token_cache::{CachedToken, EntrySource, ReadError, RoleCacheKey, TokenCacheFile};

use crate::cache::{CREDENTIALS_WINDOW, TOKEN_WINDOW};
use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::files::FileOptions;
use crate::provider::{Cached, Load};
use crate::role_cache::{Fetched, entry_file, through_disk};
use crate::session::{
    LoginHint, SessionRequest, read_blocking, read_error, session_section, session_token,
    waited_for_login,
};
use crate::types::Credentials;

const SSO_KEYS: [&str; 4] = [
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
];

/// Credentials for an IAM Identity Center profile, cached (15 s window) and single-flight.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// # runtime.block_on(async {
/// use ssokit_config_parser::{Env, Home};
/// use ssokit_credentials::{ProviderConfig, SsoCredentialsProvider, TestClock};
///
/// let home = tempfile::tempdir()?;
/// let config = ProviderConfig::new(Env::new(), TestClock::new("2026-03-01T12:00:00Z".parse()?))
///     .with_home(Home::new(home.path()));
/// let provider = SsoCredentialsProvider::builder(config).profile_name("nope").build();
/// assert!(provider.expired());
/// let error = provider.get().await.unwrap_err();
/// assert_eq!(error.to_string(), "Profile nope not found");
/// assert!(error.is_not_configured());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[doc(alias = "AWS.SsoCredentials")]
#[doc(alias = "SsoCredentials")]
pub struct SsoCredentialsProvider {
    cached: Cached<Credentials>,
}

crate::provider::cached_provider!(
    SsoCredentialsProvider,
    credentials,
    "SsoCredentialsProvider"
);

impl SsoCredentialsProvider {
    /// A builder over `config`.
    pub fn builder(config: ProviderConfig) -> SsoCredentialsProviderBuilder {
        SsoCredentialsProviderBuilder {
            config,
            files: FileOptions::default(),
            window: CREDENTIALS_WINDOW,
        }
    }
}

/// Builds a [`SsoCredentialsProvider`]; mirrors v2's options.
#[derive(Debug)]
#[must_use]
pub struct SsoCredentialsProviderBuilder {
    config: ProviderConfig,
    files: FileOptions,
    window: Duration,
}

impl SsoCredentialsProviderBuilder {
    crate::builder::builder_setters!(@credentials_provider);

    /// The provider. No I/O.
    pub fn build(self) -> SsoCredentialsProvider {
        let load = SsoLoad {
            config: self.config.clone(),
            files: self.files,
        };
        SsoCredentialsProvider {
            cached: Cached::new(self.config.clock_arc(), self.window, load),
        }
    }
}

struct SsoLoad {
    config: ProviderConfig,
    files: FileOptions,
}

#[async_trait]
impl Load<Credentials> for SsoLoad {
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let files = self.files.locations(&self.config)?;
        let set = ProviderConfig::load_profiles(&files)?;
        let name = self.files.profile_name(&self.config);
        let Some(profile) = set.profile(&name) else {
            return Err(CredentialsError::not_configured(
                ErrorCode::ProfileNotFound,
                format!("Profile {name} not found"),
            ));
        };
        let plan = sso_plan(&self.config, &set, &profile)?;
        plan.run(&self.config).await
    }
}

/// Everything an SSO load needs after the files were read (SPEC §8 steps 2-5).
pub(crate) struct SsoPlan {
    pub(crate) profile: String,
    pub(crate) account: String,
    pub(crate) role: String,
    pub(crate) region: String,
    /// The start URL: the session's `sso_start_url`, or the legacy profile's.
    pub(crate) start_url: String,
    pub(crate) token: TokenSource,
    portal: Result<EndpointConfig, CredentialsError>,
    client: Result<SsoClient, CredentialsError>,
}

/// Where the SSO profile's bearer token comes from.
pub(crate) enum TokenSource {
    /// The sso-session's token, refreshed when it expires.
    Session(SessionRequest),
    /// The legacy form's token, keyed by the start URL, read only.
    Legacy { start_url: String },
}

/// Validates an SSO profile (SPEC §8 steps 2-4) and gathers what the load needs.
pub(crate) fn sso_plan(
    config: &ProviderConfig,
    set: &ProfileSet,
    profile: &Section<'_>,
) -> Result<SsoPlan, CredentialsError> {
    let name = profile.name();
    let account = profile.get("sso_account_id");
    let role = profile.get("sso_role_name");
    let client = config.client(Some(profile));
    if let Some(session_name) = profile.get("sso_session") {
        let incomplete = || {
            format!(
                "Profile {name} with session {session_name} does not have valid SSO credentials. Required parameters \"sso_account_id\", \"sso_session\", \"sso_role_name\". Reference: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html"
            )
        };
        let (account, role) = match (account, role) {
            (Some(a), Some(r)) => (a, r),
            (None, None) => {
                return Err(CredentialsError::not_configured(
                    ErrorCode::IncompleteSsoProfile,
                    incomplete(),
                )
                .at(Some(profile.location())));
            }
            _ => {
                return Err(CredentialsError::failed(
                    ErrorCode::IncompleteSsoProfile,
                    incomplete(),
                )
                .at(Some(profile.location())));
            }
        };
        let (session, region) = session_section(set, profile, session_name)?;
        for key in ["sso_region", "sso_start_url"] {
            if let (Some(ours), Some(theirs)) = (profile.get(key), session.get(key))
                && ours != theirs
            {
                {
                    return Err(CredentialsError::failed(
                        ErrorCode::SessionMismatch,
                        format!(
                            "Profile {name} sets {key} \"{ours}\" but sso-session {session_name} sets \"{theirs}\"; remove it from the profile or make the values equal"
                        ),
                    )
                    .at(profile.property(key).map(|p| p.location())));
                }
            }
        }
        let oidc = config.sso_endpoint_config(set, profile, region, Service::Oidc);
        let portal = config.sso_endpoint_config(set, profile, region, Service::Portal);
        return Ok(SsoPlan {
            profile: name.to_owned(),
            account: account.to_owned(),
            role: role.to_owned(),
            region: region.to_owned(),
            start_url: session.get("sso_start_url").unwrap_or_default().to_owned(),
            token: TokenSource::Session(SessionRequest {
                session: session_name.to_owned(),
                window: TOKEN_WINDOW,
                endpoint: oidc,
                client: client.clone(),
            }),
            portal,
            client,
        });
    }
    let legacy = || {
        format!(
            "Profile {name} does not have valid SSO credentials. Required parameters \"sso_account_id\", \"sso_region\", \"sso_role_name\", \"sso_start_url\". Reference: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html"
        )
    };
    if SSO_KEYS.iter().all(|k| profile.get(k).is_none()) {
        return Err(
            CredentialsError::not_configured(ErrorCode::IncompleteSsoProfile, legacy())
                .at(Some(profile.location())),
        );
    }
    let (Some(start_url), Some(region), Some(account), Some(role)) = (
        profile.get("sso_start_url"),
        profile.get("sso_region"),
        account,
        role,
    ) else {
        return Err(
            CredentialsError::failed(ErrorCode::IncompleteSsoProfile, legacy())
                .at(Some(profile.location())),
        );
    };
    let portal = config.sso_endpoint_config(set, profile, region, Service::Portal);
    Ok(SsoPlan {
        profile: name.to_owned(),
        account: account.to_owned(),
        role: role.to_owned(),
        region: region.to_owned(),
        start_url: start_url.to_owned(),
        token: TokenSource::Legacy {
            start_url: start_url.to_owned(),
        },
        portal,
        client,
    })
}

/// Whether a profile has any SSO setting (`sso_session` or one of the four legacy keys).
pub(crate) fn is_sso_profile(profile: &Section<'_>) -> bool {
    profile.get("sso_session").is_some() || SSO_KEYS.iter().any(|k| profile.get(k).is_some())
}

impl SsoPlan {
    /// Who logs in to fix this profile's token: its session, or the legacy profile.
    fn login_hint(&self) -> LoginHint<'_> {
        match &self.token {
            TokenSource::Session(request) => LoginHint::Session(&request.session),
            TokenSource::Legacy { .. } => LoginHint::Profile(&self.profile),
        }
    }

    /// The portal endpoint `GetRoleCredentials` would be sent to (pure: no I/O).
    pub(crate) fn portal_endpoint(&self) -> Result<Endpoint, CredentialsError> {
        portal_endpoint(&self.portal)
    }

    /// The role cache key of this profile's credentials (SPEC §21).
    pub(crate) fn role_cache_key(&self) -> RoleCacheKey<'_> {
        match &self.token {
            TokenSource::Session(request) => RoleCacheKey::Sso {
                account_id: &self.account,
                role_name: &self.role,
                session_name: &request.session,
            },
            TokenSource::Legacy { start_url } => RoleCacheKey::LegacySso {
                account_id: &self.account,
                role_name: &self.role,
                start_url,
            },
        }
    }

    /// The role credentials: from the disk cache while usable (no token, lock or network),
    /// else the token and `GetRoleCredentials` (SPEC §8 steps 2-7, §21).
    pub(crate) async fn run(
        &self,
        config: &ProviderConfig,
    ) -> Result<Credentials, CredentialsError> {
        let file = entry_file(config, &self.role_cache_key())?;
        through_disk(config, file, "Sso", Some(&self.account), || async {
            Ok(Fetched {
                credentials: self.fetch(config).await?,
                source: EntrySource::Sso,
            })
        })
        .await
    }

    /// The token, then `GetRoleCredentials`.
    async fn fetch(&self, config: &ProviderConfig) -> Result<Credentials, CredentialsError> {
        let access_token = match &self.token {
            TokenSource::Session(request) => session_token(config, request.clone())
                .await?
                .token()
                .to_owned(),
            TokenSource::Legacy { start_url } => {
                legacy_token(config, &self.profile, start_url).await?
            }
        };
        let endpoint = portal_endpoint(&self.portal)?;
        let client = self.client.clone()?;
        tracing::debug!(profile = %self.profile, region = %self.region, "calling GetRoleCredentials");
        let request = GetRoleCredentialsRequest::new(&self.account, &self.role, &access_token);
        let role = client
            .get_role_credentials(&endpoint, &request)
            .await
            .map_err(|e| {
                let failed = match e.as_service() {
                    Some(service) => {
                        let mut message =
                            role_credentials_message(service, &self.role, &self.account);
                        if ServiceErrorKind::of(service) == ServiceErrorKind::Unauthorized {
                            message.push_str(&self.login_hint().ssokit());
                        }
                        CredentialsError::failed(ErrorCode::Service, message)
                    }
                    None => CredentialsError::failed(ErrorCode::Transport, e.to_string()),
                };
                failed.caused_by(e)
            })?;
        let expiry = i64::try_from(role.expiration_millis())
            .ok()
            .and_then(|ms| Timestamp::from_millisecond(ms).ok())
            .unwrap_or(Timestamp::MAX);
        Ok(Credentials::new(
            role.access_key_id(),
            role.secret_access_key(),
            Some(role.session_token().to_owned()),
            Some(expiry),
            "Sso",
        )
        .with_account_id(Some(self.account.clone())))
    }
}

/// The legacy profile's token (SPEC §8 step 3): read only, never refreshed or locked. When
/// there is none, or it expired, while an `ssokit login` of that start URL is in progress
/// in another process, it waits for that login and reads again.
pub(crate) async fn legacy_token(
    config: &ProviderConfig,
    profile: &str,
    start_url: &str,
) -> Result<String, CredentialsError> {
    match legacy_token_once(config, profile, start_url).await {
        Err(e)
            if matches!(e.code(), ErrorCode::TokenNotFound | ErrorCode::TokenExpired)
                && waited_for_login(config, start_url).await =>
        {
            legacy_token_once(config, profile, start_url).await
        }
        outcome => outcome,
    }
}

/// One read of the legacy token.
async fn legacy_token_once(
    config: &ProviderConfig,
    profile: &str,
    start_url: &str,
) -> Result<String, CredentialsError> {
    let cache = config.cache_file(start_url)?;
    let token = legacy_read(&cache, profile, read_blocking(&cache).await?)?;
    legacy_usable(&token, config.clock().now(), profile)?;
    Ok(token.access_token().to_owned())
}

/// What a read of the legacy cache file means for the profile (SPEC §8 step 3):
/// S-NOTOKEN, S-KEYS, T-CORRUPT with the profile's login hint, or the token.
pub(crate) fn legacy_read(
    cache: &TokenCacheFile,
    profile: &str,
    read: Result<Option<CachedToken>, ReadError>,
) -> Result<CachedToken, CredentialsError> {
    match read {
        Ok(Some(token)) => Ok(token),
        Ok(None) => Err(CredentialsError::failed(
            ErrorCode::TokenNotFound,
            format!(
                "Cached credentials not found under {profile} profile. Please make sure you log in with aws sso login first (looked for {}).{}",
                cache.path().display(),
                LoginHint::Profile(profile).ssokit()
            ),
        )),
        Err(e) => match &e {
            ReadError::MissingKey { path, key, .. } => {
                let message = format!(
                    "Cached credentials are missing required properties. Try running aws sso login. ({} lacks \"{key}\").{}",
                    path.display(),
                    LoginHint::Profile(profile).ssokit()
                );
                Err(CredentialsError::failed(ErrorCode::TokenKey, message).caused_by(e.clone()))
            }
            _ => Err(read_error(&e, LoginHint::Profile(profile))),
        },
    }
}

/// The portal endpoint of a profile's endpoint configuration (SPEC §5).
fn portal_endpoint(
    portal: &Result<EndpointConfig, CredentialsError>,
) -> Result<Endpoint, CredentialsError> {
    portal
        .as_ref()
        .map_err(Clone::clone)?
        .resolve(Service::Portal)
        .map_err(|e| CredentialsError::failed(ErrorCode::Endpoint, e.to_string()).caused_by(e))
}

/// A legacy token is usable until `expiresAt` (no window), else S-EXPIRED.
pub(crate) fn legacy_usable(
    token: &CachedToken,
    now: Timestamp,
    profile: &str,
) -> Result<(), CredentialsError> {
    if token.expires_at() <= now {
        return Err(CredentialsError::failed(
            ErrorCode::TokenExpired,
            format!(
                "The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.{}",
                LoginHint::Profile(profile).ssokit()
            ),
        ));
    }
    Ok(())
}
