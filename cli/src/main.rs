//! `ssokit`: AWS IAM Identity Center (SSO) credentials and bearer tokens from the shared
//! config files, resolved through ssokit's default chains, printed for shells, for
//! `credential_process`, or as JSON.
//!
//! ```text
//! ssokit credentials [--profile P] [--mfa-code CODE] [--format process|env|env-no-export|fish|powershell|json]
//! ssokit token [--profile P] [--format json|raw]
//! ssokit profiles [--format text|json]
//! ssokit login [--profile P] [--sso-session S] [--use-device-code] [--no-browser] [--redirect-port N]
//! ssokit logout [--all | --sso-session S | --profile P]
//! ssokit accounts [--profile P | --sso-session S] [--format table|json]
//! ssokit roles [--profile P | --sso-session S] [--account A] [--format table|json]
//! global: --allow-insecure-http, --verbose
//! ```
//!
//! Exit status 0 on success; 1 on failure (stderr `ssokit: error: <message>`, then
//! `  at <path>:<line>` when the error is about a setting; stdout empty); 2 on usage
//! errors. No secret reaches stderr: error texts and trace events never hold one.
//!
//! The command reads the real process (environment, home directory, clock) through
//! `ssokit-chain`'s process constructors, and nothing else does.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod accounts;
mod failure;
mod format;
mod login;
mod mfa;
mod profiles;
mod trace;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ssokit_chain::{DefaultProviders, provider_config_from_process};

use accounts::{ListingArgs, ListingFormat};
use failure::Failure;
use format::{CredentialsFormat, TokenFormat};
use profiles::ProfilesFormat;

/// AWS IAM Identity Center (SSO) credentials and SSO bearer tokens from ~/.aws, as the AWS
/// SDKs resolve them.
#[derive(Debug, Parser)]
#[command(name = "ssokit", version)]
struct Cli {
    /// Allow plain-http endpoint overrides to hosts that are not loopback (the SSO bearer
    /// token then crosses the network unencrypted).
    #[arg(long, global = true)]
    allow_insecure_http: bool,
    /// Trace each step (files, providers, cache, refresh) to stderr; never secrets.
    #[arg(long, short = 'v', global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
#[allow(
    clippy::doc_markdown,
    reason = "clap prints these doc comments as help text, where backticks would show"
)]
enum Command {
    /// Print AWS credentials from the default credentials chain.
    Credentials {
        /// The profile; skips the AWS_* / AMAZON_* environment keys (default: AWS_PROFILE,
        /// else "default", environment keys first).
        #[arg(long)]
        profile: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CredentialsFormat::Process)]
        format: CredentialsFormat,
        /// The MFA code for a role that sets mfa_serial (default: ask on the terminal).
        #[arg(long, value_name = "CODE")]
        mfa_code: Option<String>,
    },
    /// Print the SSO bearer token of an sso-session profile (refreshed if it must be).
    Token {
        /// The profile (default: AWS_PROFILE, else "default").
        #[arg(long)]
        profile: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TokenFormat::Json)]
        format: TokenFormat,
    },
    /// List the profiles and sso-sessions ssokit sees, and which provider would answer for
    /// each, without network access and without secrets.
    Profiles {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ProfilesFormat::Text)]
        format: ProfilesFormat,
    },
    /// Sign in to IAM Identity Center and write the token cache file the AWS CLI and SDKs
    /// share (one login per session across processes; all text on stderr).
    Login {
        /// The profile whose sso_session (or legacy sso_start_url) to log in to, and whose
        /// endpoint settings to use (default: AWS_PROFILE, else "default").
        #[arg(long)]
        profile: Option<String>,
        /// The sso-session to log in to (wins over the profile's).
        #[arg(long)]
        sso_session: Option<String>,
        /// Use the device code flow (a code typed in a browser on any device).
        #[arg(long, conflicts_with = "redirect_port")]
        use_device_code: bool,
        /// Do not open a browser: print the URL.
        #[arg(long)]
        no_browser: bool,
        /// The callback port on 127.0.0.1 (for ssh -L); implies the authorization code flow.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        redirect_port: Option<u16>,
    },
    /// End IAM Identity Center sessions: the portal's logout, then the token files
    /// (default: all of them).
    Logout {
        /// Every token file (the default).
        #[arg(long, conflicts_with_all = ["sso_session", "profile"])]
        all: bool,
        /// Only this sso-session.
        #[arg(long, conflicts_with = "profile")]
        sso_session: Option<String>,
        /// Only this profile's session (or legacy start URL).
        #[arg(long)]
        profile: Option<String>,
    },
    /// List the AWS accounts an SSO sign-in may use (every page; sorted by name, then id).
    Accounts {
        /// The profile whose sso_session (or legacy sso_start_url) to list for, and whose
        /// endpoint settings to use (default: AWS_PROFILE, else "default").
        #[arg(long, conflicts_with = "sso_session")]
        profile: Option<String>,
        /// The sso-session to list for.
        #[arg(long)]
        sso_session: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListingFormat::Table)]
        format: ListingFormat,
    },
    /// List the roles an SSO sign-in may use in each account (or in one), with the
    /// profiles that use each role.
    Roles {
        /// The profile whose sso_session (or legacy sso_start_url) to list for, and whose
        /// endpoint settings to use (default: AWS_PROFILE, else "default").
        #[arg(long, conflicts_with = "sso_session")]
        profile: Option<String>,
        /// The sso-session to list for.
        #[arg(long)]
        sso_session: Option<String>,
        /// Only this account (12 digits): no account listing, no account names.
        #[arg(long, value_name = "A")]
        account: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListingFormat::Table)]
        format: ListingFormat,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.verbose {
        trace::install();
    }
    let outcome = run(&cli);
    let mut stderr = std::io::stderr().lock();
    match outcome {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(output.as_bytes())
                .and_then(|()| stdout.flush())
                .is_err()
            {
                let _ = writeln!(stderr, "ssokit: error: could not write to stdout");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            let _ = writeln!(stderr, "ssokit: error: {}", failure.message());
            if let Some(location) = failure.location() {
                let _ = writeln!(stderr, "  at {location}");
            }
            ExitCode::from(failure.code())
        }
    }
}

/// Runs the command; returns everything stdout gets.
fn run(cli: &Cli) -> Result<String, Failure> {
    if let Command::Profiles { format } = cli.command {
        return profiles::run(format);
    }
    if let Command::Roles {
        account: Some(account),
        ..
    } = &cli.command
    {
        accounts::check_account(account)?;
    }
    let config = provider_config_from_process().with_allow_insecure_http(cli.allow_insecure_http);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("could not start the async runtime: {e}"), None))?;
    match &cli.command {
        Command::Credentials {
            profile,
            format,
            mfa_code,
        } => {
            let config = match mfa::CommandMfa::for_process(mfa_code.clone()) {
                Some(mfa) => config.with_mfa_code_provider(mfa),
                None => config,
            };
            let defaults = with_profile(DefaultProviders::new(config), profile.as_deref());
            let credentials = runtime.block_on(defaults.credentials_chain().resolve())?;
            Ok(format::credentials(&credentials, *format))
        }
        Command::Token { profile, format } => {
            let defaults = with_profile(DefaultProviders::new(config), profile.as_deref());
            let token = runtime.block_on(defaults.token_chain().resolve())?;
            Ok(format::token(&token, *format))
        }
        Command::Login {
            profile,
            sso_session,
            use_device_code,
            no_browser,
            redirect_port,
        } => {
            let args = login::LoginArgs {
                profile: profile.as_deref(),
                sso_session: sso_session.as_deref(),
                flow: ssokit_chain::credentials::FlowOptions {
                    use_device_code: *use_device_code,
                    no_browser: *no_browser,
                    redirect_port: *redirect_port,
                },
            };
            runtime.block_on(login::run_login(&config, &args))
        }
        Command::Logout {
            sso_session,
            profile,
            ..
        } => {
            let args = login::LogoutArgs {
                profile: profile.as_deref(),
                sso_session: sso_session.as_deref(),
            };
            runtime.block_on(login::run_logout(&config, &args))
        }
        Command::Accounts {
            profile,
            sso_session,
            format,
        } => {
            let args = ListingArgs {
                profile: profile.as_deref(),
                sso_session: sso_session.as_deref(),
                format: *format,
            };
            runtime.block_on(accounts::run_accounts(&config, &args))
        }
        Command::Roles {
            profile,
            sso_session,
            account,
            format,
        } => {
            let args = ListingArgs {
                profile: profile.as_deref(),
                sso_session: sso_session.as_deref(),
                format: *format,
            };
            runtime.block_on(accounts::run_roles(&config, &args, account.as_deref()))
        }
        Command::Profiles { .. } => Err(Failure::new("unreachable", None)),
    }
}

fn with_profile(defaults: DefaultProviders, profile: Option<&str>) -> DefaultProviders {
    match profile {
        Some(name) => defaults.profile_name(name),
        None => defaults,
    }
}
