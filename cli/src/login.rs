//! `ssokit login` and `ssokit logout` (SPEC §19, §20): the library's login and logout with
//! the process's browser, and every text on stderr (stdout stays empty, so a wrapping
//! `credential_process` never sees a prompt).

use std::io::Write;
use std::sync::Arc;

use ssokit_chain::ProviderConfig;
use ssokit_chain::config::selected_profile;
use ssokit_chain::credentials::{
    FlowOptions, LoginOutput, LoginRequest, LoginTargetRequest, LogoutScope, OsKind, SystemBrowser,
    login, logout,
};

use crate::failure::Failure;

/// Texts on stderr: prompts and notices as they are, warnings as `ssokit: warning: …`.
struct Stderr;

impl LoginOutput for Stderr {
    fn say(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    fn warn(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "ssokit: warning: {text}");
    }
}

/// What `ssokit login` was asked.
pub(crate) struct LoginArgs<'a> {
    pub(crate) profile: Option<&'a str>,
    pub(crate) sso_session: Option<&'a str>,
    pub(crate) flow: FlowOptions,
}

/// The settings profile: `--profile`, else `AWS_PROFILE`, else `default`.
fn settings_profile(config: &ProviderConfig, explicit: Option<&str>) -> String {
    selected_profile(explicit, config.env()).to_owned()
}

pub(crate) async fn run_login(
    config: &ProviderConfig,
    args: &LoginArgs<'_>,
) -> Result<String, Failure> {
    let request = LoginRequest {
        target: LoginTargetRequest {
            sso_session: args.sso_session.map(str::to_owned),
            profile: settings_profile(config, args.profile),
        },
        flow: args.flow,
        os: OsKind::current(),
    };
    let browser = Arc::new(SystemBrowser::new(config.env(), OsKind::current()));
    // An interrupt drops the login: its listener closes and its locks are released.
    let outcome = tokio::select! {
        outcome = login(config, &request, browser, &Stderr) => outcome?,
        _ = tokio::signal::ctrl_c() => return Err(Failure::cancelled()),
    };
    Stderr.say(&outcome.message());
    Ok(String::new())
}

/// What `ssokit logout` was asked (at most one of the two).
pub(crate) struct LogoutArgs<'a> {
    pub(crate) profile: Option<&'a str>,
    pub(crate) sso_session: Option<&'a str>,
}

/// Logs out; `Err` with an empty message when a file could not be deleted (exit 1, the
/// warning already said which).
pub(crate) async fn run_logout(
    config: &ProviderConfig,
    args: &LogoutArgs<'_>,
) -> Result<String, Failure> {
    let settings = settings_profile(config, args.profile);
    let scope = if args.profile.is_none() && args.sso_session.is_none() {
        LogoutScope::All
    } else {
        LogoutScope::Target(LoginTargetRequest {
            sso_session: args.sso_session.map(str::to_owned),
            profile: settings.clone(),
        })
    };
    let summary = logout(config, &scope, &settings, &Stderr).await?;
    if summary.failed {
        return Err(Failure::new(
            "some files could not be deleted (see the warnings above)",
            None,
        ));
    }
    Ok(String::new())
}
