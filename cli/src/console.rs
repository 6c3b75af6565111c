//! `ssokit console` (SPEC §24): the AWS console signed in with the profile's credentials.
//! `--print` writes the login URL to stdout; otherwise the process's browser is given a
//! one-shot loopback redirect to it (the sign-in token never appears in a command line),
//! and stderr says so.

use std::io::Write;
use std::sync::Arc;

use ssokit_chain::DefaultProviders;
use ssokit_chain::config::selected_profile;
use ssokit_chain::credentials::{
    ConsoleRequest, ErrorCode, OsKind, SystemBrowser, check_console_destination, console_link,
    open_console, parse_console_duration,
};

use crate::failure::Failure;

/// What `ssokit console` was asked.
pub(crate) struct ConsoleArgs<'a> {
    pub(crate) profile: Option<&'a str>,
    pub(crate) region: Option<&'a str>,
    pub(crate) destination: Option<&'a str>,
    pub(crate) duration: Option<&'a str>,
    pub(crate) print: bool,
}

/// C-DURATION and C-DEST, before anything is read or sent: usage errors (exit 2).
fn checked_request(
    defaults: &DefaultProviders,
    args: &ConsoleArgs<'_>,
) -> Result<ConsoleRequest, Failure> {
    let usage = |e: ssokit_chain::CredentialsError| Failure::usage(e.to_string());
    let duration = args
        .duration
        .map(parse_console_duration)
        .transpose()
        .map_err(usage)?;
    if let Some(destination) = args.destination {
        check_console_destination(destination).map_err(usage)?;
    }
    Ok(ConsoleRequest {
        profile: selected_profile(args.profile, defaults.config().env()).to_owned(),
        region: args.region.map(str::to_owned),
        destination: args.destination.map(str::to_owned),
        duration,
    })
}

/// Runs `ssokit console` with `defaults` (the profile chosen as for `ssokit credentials`);
/// returns what stdout gets.
pub(crate) async fn run(
    defaults: &DefaultProviders,
    args: &ConsoleArgs<'_>,
) -> Result<String, Failure> {
    let request = checked_request(defaults, args)?;
    let config = defaults.config();
    let credentials = defaults.credentials_chain().resolve().await?;
    let link = console_link(config, &request, &credentials)
        .await
        .map_err(console_failure)?;
    if args.print {
        return Ok(format!("{}\n", link.url()));
    }
    let browser = Arc::new(SystemBrowser::new(config.env(), OsKind::current()));
    open_console(config, &link, browser).await?;
    let _ = writeln!(
        std::io::stderr().lock(),
        "Opened the AWS console for profile {} in your browser.",
        request.profile
    );
    Ok(String::new())
}

/// A library error; C-DURATION and C-DEST stay usage errors.
fn console_failure(e: ssokit_chain::CredentialsError) -> Failure {
    if e.code() == ErrorCode::ConsoleArgument {
        Failure::usage(e.to_string())
    } else {
        Failure::from(e)
    }
}
