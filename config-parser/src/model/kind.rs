//! The two file kinds and the three section kinds.

/// Which of the two shared files a section or property came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// `~/.aws/config`: `[profile x]`, `[default]`, `[sso-session x]`, `[services x]`.
    Config,
    /// `~/.aws/credentials`: `[x]` only.
    Credentials,
}

/// The kind of a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SectionKind {
    /// `[profile x]` or `[default]` in the config file, `[x]` in the credentials file.
    Profile,
    /// `[sso-session x]` in the config file.
    SsoSession,
    /// `[services x]` in the config file: per-service settings such as `endpoint_url`.
    Services,
}

impl SectionKind {
    pub(super) fn index(self) -> usize {
        match self {
            Self::Profile => 0,
            Self::SsoSession => 1,
            Self::Services => 2,
        }
    }
}
