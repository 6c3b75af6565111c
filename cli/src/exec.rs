//! `ssokit exec` (SPEC §22): a command run with the profile's credentials in its
//! environment. On Unix ssokit replaces itself with the command (`execvp`), so the
//! command's stdio, signals and exit status are its own; on Windows it runs the command and
//! exits with its code.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use ssokit_chain::config::ProfileSet;
use ssokit_chain::{Credentials, DefaultProviders, ProviderConfig};

use crate::failure::Failure;
use crate::format;

/// The marker of a command run by `ssokit exec`: the profile's name.
const MARKER: &str = "SSOKIT_EXEC";

/// Variables the child must not inherit: other credentials, account ids and profile
/// choices would point it at another identity.
const REMOVED: [&str; 14] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ACCOUNT_ID",
    "AMAZON_ACCESS_KEY_ID",
    "AMAZON_SECRET_ACCESS_KEY",
    "AMAZON_SESSION_TOKEN",
    "AMAZON_ACCOUNT_ID",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CREDENTIAL_FILE",
    "AWS_SDK_LOAD_CONFIG",
];

/// X-NESTED when ssokit exec is already running this process tree (step 1, before
/// anything else).
pub(crate) fn refuse_nesting(config: &ProviderConfig) -> Result<(), Failure> {
    match config.env().get(MARKER) {
        Some(profile) if !profile.is_empty() => Err(Failure::new(
            format!(
                "already inside ssokit exec for profile {profile} ({MARKER} is set); leave that command or unset {MARKER}"
            ),
            None,
        )),
        _ => Ok(()),
    }
}

/// Runs `command_line` as profile `profile` with `credentials` (steps 3 and 4): returns
/// only the failure to start it.
pub(crate) fn replace_with(
    defaults: &DefaultProviders,
    credentials: &Credentials,
    profile: &str,
    command_line: &[OsString],
) -> Failure {
    let region = profile_region(defaults, profile);
    let (removed, set) = child_environment(credentials, region.as_deref(), profile);
    run(command_line, &removed, &set)
}

/// The profile's `region`, when the config file sets one (a missing or unreadable file has
/// none: resolving the credentials already reported what matters).
fn profile_region(defaults: &DefaultProviders, profile: &str) -> Option<String> {
    let locations = defaults.config().file_locations().ok()?;
    let set = ProfileSet::load(&locations).ok()?;
    set.profile(profile)?
        .get("region")
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

/// The child's environment changes (step 3): the variables to remove, then those to set.
fn child_environment(
    credentials: &Credentials,
    region: Option<&str>,
    profile: &str,
) -> (Vec<&'static str>, Vec<(&'static str, String)>) {
    let mut set = format::variables(credentials);
    if let Some(region) = region {
        set.push(("AWS_REGION", region.to_owned()));
        set.push(("AWS_DEFAULT_REGION", region.to_owned()));
    }
    set.push((MARKER, profile.to_owned()));
    (REMOVED.to_vec(), set)
}

/// Runs `command_line` with the environment changes (step 4). Returns only when the command could
/// not be started: X-NOTFOUND (127) or X-EXEC (126), or with no command (usage, 2). On
/// Unix ssokit becomes the command; elsewhere it exits with the command's code.
fn run(command_line: &[OsString], removed: &[&str], set: &[(&str, String)]) -> Failure {
    let Some((program, arguments)) = command_line.split_first() else {
        return Failure::usage("ssokit exec needs a command after --");
    };
    let mut command = Command::new(program);
    command.args(arguments);
    for name in removed {
        command.env_remove(name);
    }
    for (name, value) in set {
        command.env(name, value);
    }
    let e = replace_or_wait(&mut command);
    let shown = program.to_string_lossy();
    // A path that exists but "is not found" names a script whose `#!` interpreter is
    // missing, as shells say with 126.
    let is_path = shown.contains(std::path::MAIN_SEPARATOR) || shown.contains('/');
    if e.kind() == std::io::ErrorKind::NotFound && is_path && Path::new(program).is_file() {
        Failure::new(
            format!("cannot run {shown}: its #! interpreter was not found ({e})"),
            None,
        )
        .with_code(126)
    } else if e.kind() == std::io::ErrorKind::NotFound {
        Failure::new(format!("cannot run {shown}: command not found"), None).with_code(127)
    } else {
        Failure::new(format!("cannot run {shown}: {e}"), None).with_code(126)
    }
}

/// Unix: `execvp`; it returns only when the command could not be started.
#[cfg(unix)]
fn replace_or_wait(command: &mut Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    command.exec()
}

/// Windows: the command as a child with inherited stdio while ssokit ignores Ctrl-C (the
/// console delivers it to the command too), then ssokit exits with the command's code.
#[cfg(not(unix))]
fn replace_or_wait(command: &mut Command) -> std::io::Error {
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return e,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return e,
    };
    let _ignored = runtime.spawn(async {
        loop {
            let _ = tokio::signal::ctrl_c().await;
        }
    });
    match child.wait() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => e,
    }
}
