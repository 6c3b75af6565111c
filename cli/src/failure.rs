//! A failure the command reports: the message and, when known, the setting's location.

use ssokit_chain::config::Location;

/// A failure to report: the message and, when known, the setting's location.
pub(crate) struct Failure {
    message: String,
    location: Option<Location>,
    /// The exit status: 1; 2 for a usage error the arguments' parser cannot see; 130 for
    /// an interrupted login (L-CANCEL).
    code: u8,
}

impl Failure {
    /// A failure with `message`, about the setting at `location` when there is one.
    pub(crate) fn new(message: impl Into<String>, location: Option<Location>) -> Self {
        Self {
            message: message.into(),
            location,
            code: 1,
        }
    }

    /// A usage error found after parsing (`roles --account` not 12 digits): exit status 2.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            ..Self::new(message, None)
        }
    }

    /// L-CANCEL: `login cancelled`, exit status 130.
    pub(crate) fn cancelled() -> Self {
        Self {
            code: 130,
            ..Self::new("login cancelled", None)
        }
    }

    /// The exit status.
    pub(crate) fn code(&self) -> u8 {
        self.code
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
