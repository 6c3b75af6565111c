//! [`ImdsCredentialsProvider`] (SPEC §16.2-16.5): the instance profile's credentials from
//! the EC2 instance metadata service (IMDSv2), with static stability.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use ssokit_config_parser::{ProfileSet, Section};
use ssokit_metadata_client::{ImdsEndpoint, ImdsError};

use crate::cache::{CREDENTIALS_WINDOW, stale};
use crate::config::{ProviderConfig, bool_error};
use crate::error::{CredentialsError, ErrorCode};
use crate::files::FileOptions;
use crate::provider::{Cached, Load};
use crate::types::Credentials;

const DISABLED: &str = "AWS_EC2_METADATA_DISABLED";
const ENDPOINT: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
const MODE: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
const V1_DISABLED: &str = "AWS_EC2_METADATA_V1_DISABLED";

/// The shortest and longest extension of credentials that could not be refreshed.
const EXTENSION: (u64, u64) = (300, 600);

/// A source of numbers in `[0, 1)`.
type Random = Arc<dyn Fn() -> f64 + Send + Sync>;

/// Credentials of the instance profile from the EC2 instance metadata service (v2
/// `EC2MetadataCredentials`), cached (15 s window) and single-flight.
///
/// IMDSv2 (a session token, reused by every provider sharing the [`ProviderConfig`]),
/// falling back to IMDSv1 on 403/404/405 unless `AWS_EC2_METADATA_V1_DISABLED` (or the
/// profile's `ec2_metadata_v1_disabled`) is true; the endpoint from the builder,
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's `ec2_metadata_service_endpoint`, or
/// the endpoint mode. `AWS_EC2_METADATA_DISABLED=true` is I-DISABLED.
///
/// Not configured: I-DISABLED, I-UNREACH (no service: one connection attempt of at most
/// 1 s), I-NOROLE; every other error is failed. **Static stability**: after a success, a
/// failed refresh returns the previous credentials (with an expiry 5 to 10 minutes ahead
/// when they are stale) and a warning; credentials the service returns already expired are
/// extended the same way.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// # runtime.block_on(async {
/// use ssokit_config_parser::Env;
/// use ssokit_credentials::{ImdsCredentialsProvider, ProviderConfig, TestClock};
///
/// let env = Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]);
/// let config = ProviderConfig::new(env, TestClock::new("2026-03-01T12:00:00Z".parse()?));
/// let error = ImdsCredentialsProvider::builder(config).build().get().await.unwrap_err();
/// assert_eq!(error.to_string(), "IMDS is disabled (AWS_EC2_METADATA_DISABLED=true)");
/// assert!(error.is_not_configured());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[doc(alias = "AWS.EC2MetadataCredentials")]
#[doc(alias = "EC2MetadataCredentials")]
#[doc(alias = "InstanceMetadataProvider")]
pub struct ImdsCredentialsProvider {
    cached: Cached<Credentials>,
}

crate::provider::cached_provider!(
    ImdsCredentialsProvider,
    credentials,
    "ImdsCredentialsProvider"
);

impl ImdsCredentialsProvider {
    /// A builder over `config`.
    pub fn builder(config: ProviderConfig) -> ImdsCredentialsProviderBuilder {
        ImdsCredentialsProviderBuilder {
            config,
            files: FileOptions::default(),
            window: CREDENTIALS_WINDOW,
            endpoint: None,
            random: None,
        }
    }
}

/// Builds an [`ImdsCredentialsProvider`].
#[must_use]
pub struct ImdsCredentialsProviderBuilder {
    config: ProviderConfig,
    files: FileOptions,
    window: Duration,
    endpoint: Option<String>,
    random: Option<Random>,
}

impl std::fmt::Debug for ImdsCredentialsProviderBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImdsCredentialsProviderBuilder")
            .field("config", &self.config)
            .field("files", &self.files)
            .field("window", &self.window)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl ImdsCredentialsProviderBuilder {
    crate::builder::builder_setters!(
        profile_name,
        credentials_file,
        config_file,
        expiry_window = "The expiry window (default 15 s).",
    );

    /// The IMDS endpoint, set in code (wins over the environment and the profile).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The source of the extension's randomness (numbers in `[0, 1)`; default random): the
    /// extension is `300 + 300 × r` seconds.
    pub fn random(mut self, random: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        self.random = Some(Arc::new(random));
        self
    }

    /// The provider. No I/O.
    pub fn build(self) -> ImdsCredentialsProvider {
        let load = ImdsLoad {
            config: self.config.clone(),
            files: self.files,
            endpoint: self.endpoint,
            window: self.window,
            random: self
                .random
                .unwrap_or_else(|| Arc::new(ssokit_http::random_fraction)),
            last: Mutex::new(None),
        };
        ImdsCredentialsProvider {
            cached: Cached::new(self.config.clock_arc(), self.window, load),
        }
    }
}

/// One provider's IMDS loads, and the last credentials they gave (static stability).
pub(crate) struct ImdsLoad {
    config: ProviderConfig,
    files: FileOptions,
    endpoint: Option<String>,
    window: Duration,
    random: Random,
    last: Mutex<Option<Credentials>>,
}

impl ImdsLoad {
    /// The load a `credential_source = Ec2InstanceMetadata` base uses: the selected
    /// profile's settings, the default window and randomness.
    pub(crate) fn for_source(config: ProviderConfig) -> Self {
        Self {
            config,
            files: FileOptions::default(),
            endpoint: None,
            window: CREDENTIALS_WINDOW,
            random: Arc::new(ssokit_http::random_fraction),
            last: Mutex::new(None),
        }
    }

    /// The credentials IMDS gives now, extended when they are already expired.
    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let set = profiles_if_any(&self.config, &self.files)?;
        let name = self.files.profile_name(&self.config);
        let profile = set.as_ref().and_then(|set| set.profile(&name));
        let settings = imds_settings(&self.config, profile.as_ref(), self.endpoint.as_deref())?;
        let client = self
            .config
            .imds_client(settings.endpoint, settings.v1_disabled);
        let now = self.config.clock().now();
        tracing::debug!(endpoint = %client.endpoint(), "asking the instance metadata service");
        let answer = client.credentials(now).await.map_err(imds_error)?;
        let mut credentials = Credentials::new(
            answer.access_key_id(),
            answer.secret_access_key(),
            Some(answer.token().to_owned()),
            Some(answer.expiration()),
            "Imds",
        )
        .with_account_id(answer.account_id().map(str::to_owned));
        if answer.expiration() <= now {
            let until = self.extended(now);
            tracing::warn!(
                "IMDS returned credentials that expired at {}; using them until {until}",
                answer.expiration()
            );
            credentials = credentials.with_expiry(Some(until));
        }
        Ok(credentials)
    }

    /// `now` plus 300 to 600 s.
    fn extended(&self, now: Timestamp) -> Timestamp {
        let (low, high) = EXTENSION;
        let fraction = (self.random)().clamp(0.0, 1.0);
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "at most 300 seconds"
        )]
        let extra = (fraction * (high - low) as f64) as u64;
        let seconds = i64::try_from(low + extra).unwrap_or(600);
        now.checked_add(SignedDuration::from_secs(seconds))
            .unwrap_or(now)
    }
}

#[async_trait]
impl Load<Credentials> for ImdsLoad {
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        match self.fetch().await {
            Ok(credentials) => {
                *self.last.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(credentials.clone());
                Ok(credentials)
            }
            Err(error) => {
                let last = self
                    .last
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                let Some(last) = last else {
                    return Err(error);
                };
                let now = self.config.clock().now();
                if !stale(last.expire_time(), now, self.window) {
                    tracing::warn!(
                        "IMDS credential refresh failed ({error}); using the previous credentials"
                    );
                    return Ok(last);
                }
                let until = self.extended(now);
                tracing::warn!(
                    "IMDS credential refresh failed ({error}); using the previous credentials until {until}"
                );
                Ok(last.with_expiry(Some(until)))
            }
        }
    }
}

/// What the environment and the selected profile say about IMDS.
pub(crate) struct ImdsSettings {
    pub(crate) endpoint: ImdsEndpoint,
    pub(crate) v1_disabled: Option<String>,
}

/// The two files, or `None` without a home (then the environment alone counts).
fn profiles_if_any(
    config: &ProviderConfig,
    files: &FileOptions,
) -> Result<Option<ProfileSet>, CredentialsError> {
    match files
        .locations(config)
        .and_then(|files| ProviderConfig::load_profiles(&files))
    {
        Ok(set) => Ok(Some(set)),
        Err(e) if e.code() == ErrorCode::Home => Ok(None),
        Err(e) => Err(e),
    }
}

/// I-DISABLED (not configured), E-BOOL, I-ENDPOINT, or the endpoint and the IMDSv1 rule
/// (SPEC §16.2), from `in_code`, the environment and the selected `profile` if it exists.
pub(crate) fn imds_settings(
    config: &ProviderConfig,
    profile: Option<&Section<'_>>,
    in_code: Option<&str>,
) -> Result<ImdsSettings, CredentialsError> {
    let env = config.env();
    if env.get_bool(DISABLED).map_err(|e| bool_error(&e))? == Some(true) {
        return Err(CredentialsError::not_configured(
            ErrorCode::ImdsUnavailable,
            format!("IMDS is disabled ({DISABLED}=true)"),
        ));
    }
    let setting = |var: &'static str, key: &str| -> Option<(String, String)> {
        if let Some(v) = env.get(var) {
            return Some((v.to_owned(), var.to_owned()));
        }
        let p = profile?;
        p.get(key)
            .map(|v| (v.to_owned(), format!("{key} of profile {}", p.name())))
    };
    let endpoint = in_code
        .map(|v| (v.to_owned(), "the builder's endpoint".to_owned()))
        .or_else(|| setting(ENDPOINT, "ec2_metadata_service_endpoint"));
    let mode = setting(MODE, "ec2_metadata_service_endpoint_mode");
    let endpoint = ImdsEndpoint::resolve(
        endpoint.as_ref().map(|(v, s)| (v.as_str(), s.as_str())),
        mode.as_ref().map(|(v, s)| (v.as_str(), s.as_str())),
    )
    .map_err(imds_error)?;
    let v1_disabled = match env.get_bool(V1_DISABLED).map_err(|e| bool_error(&e))? {
        Some(true) => Some(V1_DISABLED.to_owned()),
        Some(false) => None,
        None => match profile {
            Some(p)
                if p.get_bool("ec2_metadata_v1_disabled")
                    .map_err(|e| bool_error(&e))?
                    == Some(true) =>
            {
                Some(format!("ec2_metadata_v1_disabled of profile {}", p.name()))
            }
            _ => None,
        },
    };
    Ok(ImdsSettings {
        endpoint,
        v1_disabled,
    })
}

/// I-UNREACH and I-NOROLE are not configured (no instance profile here); the rest failed.
fn imds_error(error: ImdsError) -> CredentialsError {
    let message = error.to_string();
    if error.is_absence() {
        CredentialsError::not_configured(ErrorCode::ImdsUnavailable, message).caused_by(error)
    } else {
        CredentialsError::failed(ErrorCode::Imds, message).caused_by(error)
    }
}
