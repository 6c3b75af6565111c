//! The real process: the only place in ssokit's libraries that reads the environment, the
//! home directory and the system clock.

use std::path::PathBuf;

use jiff::Timestamp;
use ssokit_config_parser::Env;
use ssokit_credentials::{Clock, ProviderConfig};

/// The system clock.
///
/// ```
/// use ssokit_chain::{Clock, SystemClock};
///
/// assert!(SystemClock.now().as_second() > 1_700_000_000);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(
        clippy::disallowed_methods,
        reason = "the chain's system clock is the one place that reads the real time"
    )]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A snapshot of the process environment; variables whose name or value is not UTF-8 are
/// left out.
#[allow(
    clippy::disallowed_methods,
    reason = "the chain's default constructors are the one place that reads the real environment"
)]
pub fn process_env() -> Env {
    std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
        .collect()
}

/// The operating system's record of the account's home directory (used when `HOME`,
/// `USERPROFILE` and `HOMEDRIVE`+`HOMEPATH` are all unset or empty).
#[allow(
    clippy::disallowed_methods,
    reason = "the chain's default constructors are the one place that reads the real home"
)]
pub fn os_home() -> Option<PathBuf> {
    std::env::home_dir().filter(|p| !p.as_os_str().is_empty())
}

/// A [`ProviderConfig`] over the real process: [`process_env`], the home it names (else
/// [`os_home`]) and [`SystemClock`]. No file or network I/O.
pub fn provider_config_from_process() -> ProviderConfig {
    ProviderConfig::new(process_env(), SystemClock).with_os_home(os_home().as_deref())
}
