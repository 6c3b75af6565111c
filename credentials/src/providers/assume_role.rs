//! [`AssumeRoleCredentialsProvider`] (SPEC §15.4-15.5): STS `AssumeRole` signed with the
//! credentials of a source provider; one hop of a role chain.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use ssokit_sts_client::{AssumeRoleRequest, Mfa, SigningKeys, StsCredentials};
use ssokit_token_cache::EntrySource;

use crate::cache::CREDENTIALS_WINDOW;
use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::mfa::mfa_code;
use crate::provider::{Cached, Load, ProvideCredentials};
use crate::role_cache::{Fetched, entry_file, through_disk};
use crate::role_chain::{Hop, StsTarget, check_session_name, sts_target};
use crate::types::Credentials;

/// Credentials of an IAM role, assumed with STS `AssumeRole` signed by the credentials of
/// another provider (its **source**), cached (15 s window) and single-flight like every
/// provider. The v2 counterpart is `AWS.ChainableTemporaryCredentials`.
///
/// Each load asks the source for its credentials (through the source's own cache, so a
/// still-valid source is not reloaded), asks the MFA code provider when `mfa_serial` is
/// set, and calls STS. `ProfileCredentialsProvider` builds one per `role_arn` hop.
///
/// The STS region is [`region`](AssumeRoleCredentialsProviderBuilder::region), else
/// `AWS_REGION`, `AWS_DEFAULT_REGION`, else `us-east-1`; the endpoint follows the
/// environment's overrides (`AWS_ENDPOINT_URL_STS`, FIPS, dual-stack,
/// `AWS_STS_REGIONAL_ENDPOINTS`) and [`ProviderConfig::with_sts_endpoint_url`].
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// # runtime.block_on(async {
/// use std::sync::Arc;
/// use ssokit_config_parser::Env;
/// use ssokit_credentials::{
///     AssumeRoleCredentialsProvider, EnvironmentCredentialsProvider, ProviderConfig, TestClock,
/// };
/// use ssokit_fake_portal::FakePortal;
///
/// let sts = FakePortal::start()?; // trusts AKIDBASE
/// let env = Env::from_pairs([
///     ("AWS_ACCESS_KEY_ID", "AKIDBASE"),
///     ("AWS_SECRET_ACCESS_KEY", "base-secret"),
///     ("AWS_ENDPOINT_URL_STS", sts.url()),
/// ]);
/// let config = ProviderConfig::new(env, TestClock::new("2026-03-01T12:00:00Z".parse()?));
/// let source = Arc::new(EnvironmentCredentialsProvider::new(config.clone(), "AWS"));
/// let role = AssumeRoleCredentialsProvider::builder(
///     config,
///     source,
///     "arn:aws:iam::123456789012:role/R1",
/// )
/// .role_session_name("doc")
/// .build();
/// let credentials = role.get().await?;
/// assert_eq!(credentials.access_key_id(), "ASIASTS1");
/// assert_eq!(credentials.account_id(), Some("123456789012"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[doc(alias = "AssumeRoleProvider")]
#[doc(alias = "AWS.ChainableTemporaryCredentials")]
pub struct AssumeRoleCredentialsProvider {
    cached: Cached<Credentials>,
}

crate::provider::cached_provider!(
    AssumeRoleCredentialsProvider,
    credentials,
    "AssumeRoleCredentialsProvider"
);

impl AssumeRoleCredentialsProvider {
    /// A builder for role `role_arn`, signed by the credentials of `source`.
    pub fn builder(
        config: ProviderConfig,
        source: Arc<dyn ProvideCredentials>,
        role_arn: impl Into<String>,
    ) -> AssumeRoleCredentialsProviderBuilder {
        AssumeRoleCredentialsProviderBuilder {
            config,
            source,
            hop: Hop {
                profile: None,
                role_arn: role_arn.into(),
                session_name: None,
                external_id: None,
                duration_seconds: None,
                mfa_serial: None,
            },
            region: None,
            window: CREDENTIALS_WINDOW,
        }
    }
}

/// Builds an [`AssumeRoleCredentialsProvider`]. Invalid settings (session name, duration)
/// are reported by the first load, before any request.
#[derive(Debug)]
#[must_use]
pub struct AssumeRoleCredentialsProviderBuilder {
    config: ProviderConfig,
    source: Arc<dyn ProvideCredentials>,
    hop: Hop,
    region: Option<String>,
    window: Duration,
}

impl AssumeRoleCredentialsProviderBuilder {
    /// `RoleSessionName` (default `ssokit-<epoch ms>` per call): 2 to 64 characters from
    /// `A-Za-z0-9_+=,.@-`.
    pub fn role_session_name(mut self, name: impl Into<String>) -> Self {
        self.hop.session_name = Some(name.into());
        self
    }

    /// `ExternalId`.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.hop.external_id = Some(id.into());
        self
    }

    /// `DurationSeconds`, 900 to 43200 (default 3600).
    pub fn duration_seconds(mut self, seconds: u32) -> Self {
        self.hop.duration_seconds = Some(seconds);
        self
    }

    /// The MFA device; its code comes from the configuration's MFA code provider
    /// ([`ProviderConfig::with_mfa_code_provider`]).
    pub fn mfa_serial(mut self, serial: impl Into<String>) -> Self {
        self.hop.mfa_serial = Some(serial.into());
        self
    }

    /// The STS region.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The expiry window (default 15 s).
    pub fn expiry_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// The provider. No I/O.
    pub fn build(self) -> AssumeRoleCredentialsProvider {
        let Self {
            config,
            source,
            hop,
            region,
            window,
        } = self;
        let sts = checked(&hop).and_then(|()| match region {
            Some(region) => sts_target(&config, None, &[], Some((region, "the builder"))),
            None => sts_target(&config, None, &[], None),
        });
        let load = AssumeRoleLoad {
            config: config.clone(),
            source,
            hop,
            sts,
        };
        AssumeRoleCredentialsProvider {
            cached: Cached::new(config.clock_arc(), window, load),
        }
    }
}

/// The builder's settings, checked as a profile's are (R-SESSNAME, R-DURATION).
fn checked(hop: &Hop) -> Result<(), CredentialsError> {
    if let Some(name) = &hop.session_name {
        check_session_name(name, "role_session_name")?;
    }
    if !(900..=43_200).contains(&hop.duration()) {
        return Err(CredentialsError::failed(
            ErrorCode::RoleSettings,
            format!(
                "invalid value \"{}\" for duration_seconds: expected an integer from 900 to 43200",
                hop.duration()
            ),
        ));
    }
    Ok(())
}

/// One hop's load: the source's credentials, then `AssumeRole`.
pub(crate) struct AssumeRoleLoad {
    pub(crate) config: ProviderConfig,
    pub(crate) source: Arc<dyn ProvideCredentials>,
    pub(crate) hop: Hop,
    pub(crate) sts: Result<StsTarget, CredentialsError>,
}

#[async_trait]
impl Load<Credentials> for AssumeRoleLoad {
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let sts = self.sts.as_ref().map_err(Clone::clone)?;
        // SPEC §21: the disk cache is consulted before the source is resolved.
        let file = entry_file(&self.config, &self.hop.role_cache_key())?;
        through_disk(&self.config, file, "AssumeRole", None, || self.assume(sts)).await
    }
}

impl AssumeRoleLoad {
    /// The source's credentials (and the MFA code), then `AssumeRole`.
    async fn assume(&self, sts: &StsTarget) -> Result<Fetched, CredentialsError> {
        let hop = &self.hop;
        let mfa = self.config.mfa_code_provider().map(|p| &**p);
        let setter = match &hop.profile {
            Some(profile) => format!("Profile {profile}"),
            None => "AssumeRoleCredentialsProvider".to_owned(),
        };
        if let Some(serial) = &hop.mfa_serial
            && mfa.is_none()
        {
            // R-MFA before anything is asked of the source.
            mfa_code(None, &setter, serial).await?;
        }
        let source = self
            .source
            .provide_credentials()
            .await
            .map_err(CredentialsError::into_failed)?;
        let mfa = match &hop.mfa_serial {
            Some(serial) => {
                let code = mfa_code(mfa, &setter, serial).await?;
                Some(Mfa::new(serial, code.into_string()))
            }
            None => None,
        };
        let now = self.config.clock().now();
        let session = hop
            .session_name
            .clone()
            .unwrap_or_else(|| default_session_name(now));
        let request = AssumeRoleRequest::new(&hop.role_arn, session)
            .duration_seconds(hop.duration())
            .external_id(hop.external_id.clone())
            .mfa(mfa);
        let keys = SigningKeys {
            access_key_id: source.access_key_id(),
            secret_access_key: source.secret_access_key(),
            session_token: source.session_token(),
        };
        tracing::debug!(role = %hop.role_arn, profile = ?hop.profile, "calling AssumeRole");
        let assumed = sts
            .client
            .assume_role(&sts.endpoint, keys, now, &request)
            .await
            .map_err(|e| {
                let who = match &hop.profile {
                    Some(profile) => format!("Profile {profile} could not"),
                    None => "could not".to_owned(),
                };
                CredentialsError::failed(
                    ErrorCode::AssumeRole,
                    format!("{who} assume role {}: {e}", hop.role_arn),
                )
                .caused_by(e)
            })?;
        Ok(Fetched {
            credentials: sts_credentials(&assumed, "AssumeRole", source.account_id()),
            source: EntrySource::AssumeRole {
                assumed_role_id: assumed.assumed_role_id().map(str::to_owned),
                arn: assumed.assumed_role_arn().map(str::to_owned),
            },
        })
    }
}

/// `ssokit-<epoch ms of now>`: the session name when none is configured.
pub(crate) fn default_session_name(now: Timestamp) -> String {
    format!("ssokit-{}", now.as_millisecond())
}

/// STS's answer as credentials: the account from the assumed role's ARN, else `fallback`.
pub(crate) fn sts_credentials(
    assumed: &StsCredentials,
    provider: &'static str,
    fallback: Option<&str>,
) -> Credentials {
    Credentials::new(
        assumed.access_key_id(),
        assumed.secret_access_key(),
        Some(assumed.session_token().to_owned()),
        Some(assumed.expiration()),
        provider,
    )
    .with_account_id(assumed.account_id().or(fallback).map(str::to_owned))
}
