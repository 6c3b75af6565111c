//! Which files to read and which profile to select: the home directory, `~` expansion,
//! the config and credentials file paths, and the selected profile name (the rules of the
//! cross-SDK file-location suite).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::error::HomeError;

/// The path conventions to follow: the separator used to join paths and to expand `~\`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// `/`-separated paths.
    Unix,
    /// `\`-separated paths; `~\` expands like `~/`.
    Windows,
}

impl Platform {
    /// The platform this program was built for.
    pub const fn current() -> Self {
        if cfg!(windows) {
            Self::Windows
        } else {
            Self::Unix
        }
    }

    fn separator(self) -> char {
        match self {
            Self::Unix => '/',
            Self::Windows => '\\',
        }
    }
}

/// The home directory, and the platform whose rules apply to paths below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Home {
    path: PathBuf,
    platform: Platform,
}

impl Home {
    /// A home directory given explicitly (tests, sandboxes), with the current platform's rules.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            platform: Platform::current(),
        }
    }

    /// The home directory as the AWS SDKs find it: the first non-empty of `HOME`,
    /// `USERPROFILE`, `HOMEDRIVE` + `HOMEPATH`, then `os_home` (the operating system's
    /// record of the account's home, which the caller looks up).
    pub fn resolve(
        env: &Env,
        os_home: Option<&Path>,
        platform: Platform,
    ) -> Result<Self, HomeError> {
        let from_env = env
            .get("HOME")
            .or_else(|| env.get("USERPROFILE"))
            .map(PathBuf::from)
            .or_else(|| {
                let (drive, path) = (env.get("HOMEDRIVE")?, env.get("HOMEPATH")?);
                Some(PathBuf::from(format!("{drive}{path}")))
            });
        let path = from_env
            .or_else(|| {
                os_home
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(Path::to_path_buf)
            })
            .ok_or(HomeError)?;
        Ok(Self { path, platform })
    }

    /// The home directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The platform whose path rules apply.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// `home` followed by `parts`, joined with the platform's separator.
    pub fn join(&self, parts: &[&str]) -> PathBuf {
        let separator = self.platform.separator();
        let mut out = OsString::from(&self.path);
        for part in parts {
            if !out.to_string_lossy().ends_with(separator) {
                out.push(separator.to_string());
            }
            out.push(part);
        }
        PathBuf::from(out)
    }

    /// Expands a leading `~` (alone, or before `/`, or `\` on Windows) to the home
    /// directory; any other path is returned as it is.
    pub fn expand(&self, raw: &Path) -> PathBuf {
        let Some(text) = raw.to_str() else {
            return raw.to_path_buf();
        };
        if text == "~" {
            return self.path.clone();
        }
        let rest = text.strip_prefix("~/").or_else(|| {
            text.strip_prefix("~\\")
                .filter(|_| self.platform == Platform::Windows)
        });
        match rest {
            Some(rest) => self.join(&[rest]),
            None => raw.to_path_buf(),
        }
    }
}

/// The paths of the config and credentials files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileLocations {
    config: PathBuf,
    credentials: PathBuf,
}

impl FileLocations {
    /// Explicit paths, taken as they are (no `~` expansion).
    pub fn new(config: impl Into<PathBuf>, credentials: impl Into<PathBuf>) -> Self {
        Self {
            config: config.into(),
            credentials: credentials.into(),
        }
    }

    /// The paths as the AWS SDKs choose them. Config file: `config_file` >
    /// `AWS_CONFIG_FILE` > `<home>/.aws/config`; credentials file: `credentials_file` >
    /// `AWS_SHARED_CREDENTIALS_FILE` > `<home>/.aws/credentials`; `~` expanded in each.
    ///
    /// ```
    /// use std::path::Path;
    /// use ssokit_config_parser::{Env, FileLocations, Home};
    ///
    /// let home = Home::new("/home/me");
    /// let env = Env::from_pairs([("AWS_CONFIG_FILE", "~/alt/config")]);
    /// let files = FileLocations::resolve(&env, &home, None, None);
    /// assert_eq!(files.config(), Path::new("/home/me/alt/config"));
    /// assert_eq!(files.credentials(), Path::new("/home/me/.aws/credentials"));
    /// ```
    pub fn resolve(
        env: &Env,
        home: &Home,
        config_file: Option<&Path>,
        credentials_file: Option<&Path>,
    ) -> Self {
        let pick = |explicit: Option<&Path>, variable: &str, default: &str| {
            explicit
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf)
                .or_else(|| env.get(variable).map(PathBuf::from))
                .map_or_else(|| home.join(&[".aws", default]), |p| home.expand(&p))
        };
        Self {
            config: pick(config_file, "AWS_CONFIG_FILE", "config"),
            credentials: pick(
                credentials_file,
                "AWS_SHARED_CREDENTIALS_FILE",
                "credentials",
            ),
        }
    }

    /// The config file's path.
    pub fn config(&self) -> &Path {
        &self.config
    }

    /// The credentials file's path.
    pub fn credentials(&self) -> &Path {
        &self.credentials
    }
}

/// The profile to use: `explicit` > `AWS_PROFILE` > `default`. Exact and case-sensitive.
///
/// ```
/// use ssokit_config_parser::{selected_profile, Env};
///
/// let env = Env::from_pairs([("AWS_PROFILE", "dev")]);
/// assert_eq!(selected_profile(None, &env), "dev");
/// assert_eq!(selected_profile(Some("ops"), &env), "ops");
/// assert_eq!(selected_profile(None, &Env::new()), "default");
/// ```
pub fn selected_profile<'a>(explicit: Option<&'a str>, env: &'a Env) -> &'a str {
    explicit
        .filter(|p| !p.is_empty())
        .or_else(|| env.get("AWS_PROFILE"))
        .unwrap_or("default")
}
