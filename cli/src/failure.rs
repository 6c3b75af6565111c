//! A failure the command reports: the message and, when known, the setting's location.

use ssokit_chain::config::Location;

/// A failure to report: the message and, when known, the setting's location.
pub(crate) struct Failure {
    message: String,
    location: Option<Location>,
}

impl Failure {
    /// A failure with `message`, about the setting at `location` when there is one.
    pub(crate) fn new(message: impl Into<String>, location: Option<Location>) -> Self {
        Self {
            message: message.into(),
            location,
        }
    }

    /// What went wrong.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// Where the setting the failure is about is, when it is about one.
    pub(crate) fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }
}

impl From<ssokit_chain::ChainError> for Failure {
    fn from(error: ssokit_chain::ChainError) -> Self {
        let location = error.location().cloned();
        Self::new(error.to_string(), location)
    }
}

impl From<ssokit_chain::CredentialsError> for Failure {
    fn from(error: ssokit_chain::CredentialsError) -> Self {
        let location = error.location().cloned();
        Self::new(error.to_string(), location)
    }
}
