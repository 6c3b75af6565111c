//! [`ProfileCredentialsProvider`] (SPEC §10, §15): the selected profile's credentials:
//! static keys, SSO, `credential_process`, web identity or `credential_source`, and the
//! `role_arn` hops above them.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use ssokit_config_parser::Source;

use crate::cache::CREDENTIALS_WINDOW;
use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::files::FileOptions;
use crate::provider::{Cached, Load};
use crate::role_chain::resolve;
use crate::steps::{Step, build};
use crate::types::Credentials;

/// Credentials from the selected profile (SPEC §15.1): a **base** (static keys, SSO as
/// [`SsoCredentialsProvider`], `credential_process`, a web identity role, or a
/// `credential_source`) and the `role_arn` hops of its `source_profile` path, each an
/// `AssumeRole` signed by the step below.
///
/// Each step is cached on its own, and the built steps are kept while the two files are
/// unchanged, so a chain only calls STS for the hops that expired; [`refresh`] reloads
/// the last hop only. A profile without credentials is K-NOCREDS (not configured), and so
/// is E-HOME when no file path is set explicitly (builder, configuration,
/// `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`); a broken chain is failed, with the
/// text of the hop that broke and its `file:line`.
///
/// [`SsoCredentialsProvider`]: crate::SsoCredentialsProvider
/// [`refresh`]: Cached::refresh
#[doc(alias = "AWS.SharedIniFileCredentials")]
#[doc(alias = "AWS.ProcessCredentials")]
pub struct ProfileCredentialsProvider {
    cached: Cached<Credentials>,
}

crate::provider::cached_provider!(
    ProfileCredentialsProvider,
    credentials,
    "ProfileCredentialsProvider"
);

impl ProfileCredentialsProvider {
    /// A builder over `config`.
    pub fn builder(config: ProviderConfig) -> ProfileCredentialsProviderBuilder {
        ProfileCredentialsProviderBuilder {
            config,
            files: FileOptions::default(),
            window: CREDENTIALS_WINDOW,
            required: false,
        }
    }
}

/// Builds a [`ProfileCredentialsProvider`].
#[derive(Debug)]
#[must_use]
pub struct ProfileCredentialsProviderBuilder {
    config: ProviderConfig,
    files: FileOptions,
    window: Duration,
    required: bool,
}

impl ProfileCredentialsProviderBuilder {
    crate::builder::builder_setters!(@credentials_provider);

    /// The profile the user named (the CLI's `--profile`): its absence is failed, so a
    /// chain stops there instead of asking the providers after it (SPEC §17.1). By default
    /// an absent profile is not configured (it came from `AWS_PROFILE` or is `default`).
    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// The provider. No I/O.
    pub fn build(self) -> ProfileCredentialsProvider {
        let load = ProfileLoad {
            config: self.config.clone(),
            files: self.files,
            window: self.window,
            required: self.required,
            built: Mutex::default(),
        };
        ProfileCredentialsProvider {
            cached: Cached::new(self.config.clock_arc(), self.window, load),
        }
    }
}

struct ProfileLoad {
    config: ProviderConfig,
    files: FileOptions,
    window: Duration,
    required: bool,
    built: Mutex<Option<Built>>,
}

/// The steps built for the files as they were.
struct Built {
    sources: [Source; 2],
    top: Arc<Step>,
}

impl ProfileLoad {
    /// The chain's last step: the one built for these files, or a new one. Resolution
    /// errors are returned each time (nothing is kept for them).
    fn top(&self) -> Result<Arc<Step>, CredentialsError> {
        let files = self.files.locations(&self.config).map_err(|e| {
            // No home and no file path set explicitly: there are no files to read, so the
            // chain moves on (SPEC §17.1; a container without HOME).
            if e.code() == ErrorCode::Home && !self.files.sets_file_path(&self.config) {
                e.into_not_configured()
            } else {
                e
            }
        })?;
        let set = ProviderConfig::load_profiles(&files)?;
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(built) = built.as_ref()
            && built.sources.iter().eq(set.sources())
        {
            return Ok(Arc::clone(&built.top));
        }
        let name = self.files.profile_name(&self.config);
        let chain = resolve(&self.config, &set, &name).map_err(|e| {
            if self.required && e.code() == ErrorCode::ProfileNotFound {
                e.into_failed()
            } else {
                e
            }
        })?;
        let top = build(&self.config, chain, self.window);
        let [config, credentials] = set.sources();
        *built = Some(Built {
            sources: [config.clone(), credentials.clone()],
            top: Arc::clone(&top),
        });
        Ok(top)
    }
}

#[async_trait]
impl Load<Credentials> for ProfileLoad {
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        self.top()?.get().await
    }

    async fn load_forced(&self) -> Result<Credentials, CredentialsError> {
        self.top()?.refresh().await
    }
}
