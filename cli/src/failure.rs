//! A failure the command reports: the message and, when known, the setting's location.

use ssokit_chain::config::Location;

/// A failure to report: the message and, when known, the setting's location.
pub(crate) struct Failure {
    message: String,
    location: Option<Location>,
    /// The exit status: 1; 2 for usage errors; 130 for an interrupted login (L-CANCEL);
    /// 126 or 127 when `exec` cannot start its command.
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

    /// A usage error (exit status 2) found after parsing.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(message, None).with_code(2)
    }

    /// The same failure with another exit status.
    pub(crate) fn with_code(mut self, code: u8) -> Self {
        self.code = code;
        self
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
