//! [`FileOptions`]: the profile name and file paths a file-based provider's builder sets.

use std::path::PathBuf;

use ssokit_config_parser::{FileLocations, selected_profile};

use crate::config::ProviderConfig;
use crate::error::CredentialsError;

/// The profile and file options every file-based provider builder has.
#[derive(Clone, Debug, Default)]
pub(crate) struct FileOptions {
    pub(crate) profile: Option<String>,
    pub(crate) config_file: Option<PathBuf>,
    pub(crate) credentials_file: Option<PathBuf>,
}

impl FileOptions {
    pub(crate) fn locations(
        &self,
        config: &ProviderConfig,
    ) -> Result<FileLocations, CredentialsError> {
        config.files(
            self.config_file.as_deref(),
            self.credentials_file.as_deref(),
        )
    }

    /// Whether a file path is set explicitly (builder, configuration or environment).
    pub(crate) fn sets_file_path(&self, config: &ProviderConfig) -> bool {
        config.sets_file_path(
            self.config_file.as_deref(),
            self.credentials_file.as_deref(),
        )
    }

    pub(crate) fn profile_name(&self, config: &ProviderConfig) -> String {
        selected_profile(self.profile.as_deref(), config.env()).to_owned()
    }
}
