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
//! ssokit exec [--profile P] [--no-disk-cache] [--mfa-code CODE] -- COMMAND [ARGS...]
//! ssokit doctor [--profile P] [--network] [--no-disk-cache] [--format text|json]
//! ssokit completions bash|zsh|fish|powershell|elvish
//! ssokit man
//! ssokit accounts [--profile P | --sso-session S] [--format table|json]
//! ssokit roles [--profile P | --sso-session S] [--account A] [--format table|json]
//! ssokit console [--profile P] [--region R] [--destination URL] [--duration SECONDS] [--print] [--no-disk-cache]
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
mod console;
mod doctor;
mod exec;
mod failure;
mod format;
mod login;
mod mfa;
mod profiles;
mod trace;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use ssokit_chain::config::selected_profile;
use ssokit_chain::{DefaultProviders, ProviderConfig, provider_config_from_process};

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
        /// Neither read nor write the role credential cache in ~/.aws/cli/cache (shared
        /// with the AWS CLI; beats SSOKIT_DISK_CACHE).
        #[arg(long)]
        no_disk_cache: bool,
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
    /// Run a command with the profile's credentials (and region, account id, expiry) in
    /// its environment; ssokit replaces itself with the command, whose exit status is
    /// ssokit's.
    Exec {
        /// The profile (default: AWS_PROFILE, else "default", environment keys first).
        #[arg(long)]
        profile: Option<String>,
        /// The MFA code for a role that sets mfa_serial (default: ask on the terminal).
        #[arg(long, value_name = "CODE")]
        mfa_code: Option<String>,
        /// Neither read nor write the role credential cache in ~/.aws/cli/cache.
        #[arg(long)]
        no_disk_cache: bool,
        /// The command and its arguments, after --; run as given, without a shell.
        #[arg(last = true, value_name = "COMMAND")]
        command: Vec<std::ffi::OsString>,
    },
    /// Check the files, the profile's plan, each sso-session's token, locks and endpoints
    /// and the role cache; say whether the profile would resolve and what to do if not
    /// (exit 1). No network and no writes unless --network.
    Doctor {
        /// The profile (default: AWS_PROFILE, else "default").
        #[arg(long)]
        profile: Option<String>,
        /// Also resolve the credentials as `ssokit credentials` does (may refresh and write).
        #[arg(long)]
        network: bool,
        /// Report the role credential cache as disabled, and do not use it with --network.
        #[arg(long)]
        no_disk_cache: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = doctor::DoctorFormat::Text)]
        format: doctor::DoctorFormat,
    },
    /// Print a shell completion script (install it where your shell looks, or with
    /// `cargo xtask install`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), for `man -l -` or `~/.local/share/man/man1/ssokit.1`.
    Man,
    /// Open the AWS console signed in with the profile's (temporary) credentials, through a
    /// one-shot loopback redirect so the sign-in token is never in a command line.
    Console {
        /// The profile (default: AWS_PROFILE, else "default", environment keys first).
        #[arg(long)]
        profile: Option<String>,
        /// The console's region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's
        /// region, its sso_region, us-east-1); its partition picks the sign-in host.
        #[arg(long, value_name = "R")]
        region: Option<String>,
        /// The console page to open: an absolute https URL (default: the console home of
        /// the region).
        #[arg(long, value_name = "URL")]
        destination: Option<String>,
        /// The console session's length in seconds, 900 to 43200 (not for role-chained
        /// credentials).
        #[arg(long, value_name = "SECONDS")]
        duration: Option<String>,
        /// Print the sign-in URL (it signs in whoever opens it within 15 minutes) instead
        /// of opening a browser.
        #[arg(long)]
        print: bool,
        /// Neither read nor write the role credential cache in ~/.aws/cli/cache.
        #[arg(long)]
        no_disk_cache: bool,
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
    let outcome = match &cli.command {
        Command::Doctor {
            profile,
            network,
            no_disk_cache,
            format,
        } => {
            let config = credentials_config(process_config(&cli), None, *no_disk_cache);
            let args = doctor::DoctorArgs {
                profile: profile.as_deref(),
                network: *network,
                format: *format,
            };
            let (report, resolves) = doctor::run(&config, &args);
            let mut stdout = std::io::stdout().lock();
            let _ = stdout
                .write_all(report.as_bytes())
                .and_then(|()| stdout.flush());
            return if resolves {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        _ => run(&cli),
    };
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
    match cli.command {
        Command::Profiles { format } => return profiles::run(format),
        Command::Completions { shell } => return Ok(completions(shell)),
        Command::Man => return man_page(),
        _ => {}
    }
    if let Command::Roles {
        account: Some(account),
        ..
    } = &cli.command
    {
        accounts::check_account(account)?;
    }
    let config = process_config(cli);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("could not start the async runtime: {e}"), None))?;
    let out = on_runtime(cli, config, &runtime);
    // Not waiting for blocking work: after an interrupt, a login still waiting for another
    // login's lock on a blocking thread must not hold the process for the lock's 11
    // minutes. Everything the command needed was awaited before it returned.
    runtime.shutdown_background();
    out
}

/// The commands that run on the async runtime.
fn on_runtime(
    cli: &Cli,
    config: ProviderConfig,
    runtime: &tokio::runtime::Runtime,
) -> Result<String, Failure> {
    match &cli.command {
        Command::Credentials {
            profile,
            format,
            mfa_code,
            no_disk_cache,
        } => {
            let config = credentials_config(config, mfa_code.as_deref(), *no_disk_cache);
            let defaults = with_profile(DefaultProviders::new(config), profile.as_deref());
            let credentials = runtime.block_on(defaults.credentials_chain().resolve())?;
            Ok(format::credentials(&credentials, *format))
        }
        Command::Exec {
            profile,
            mfa_code,
            no_disk_cache,
            command,
        } => {
            exec::refuse_nesting(&config)?;
            if command.is_empty() {
                return Err(Failure::usage("ssokit exec needs a command after --"));
            }
            // The profile exec runs as, as the chain selects it.
            let name = selected_profile(profile.as_deref(), config.env()).to_owned();
            let config = credentials_config(config, mfa_code.as_deref(), *no_disk_cache);
            let defaults = with_profile(DefaultProviders::new(config), profile.as_deref());
            let credentials = runtime.block_on(defaults.credentials_chain().resolve())?;
            Err(exec::replace_with(&defaults, &credentials, &name, command))
        }
        Command::Console {
            profile,
            region,
            destination,
            duration,
            print,
            no_disk_cache,
        } => {
            let config = credentials_config(config, None, *no_disk_cache);
            let defaults = with_profile(DefaultProviders::new(config), profile.as_deref());
            let args = console::ConsoleArgs {
                profile: profile.as_deref(),
                region: region.as_deref(),
                destination: destination.as_deref(),
                duration: duration.as_deref(),
                print: *print,
            };
            runtime.block_on(console::run(&defaults, &args))
        }
        Command::Token { profile, format } => {
            let defaults = with_profile(DefaultProviders::new(config), profile.as_deref());
            let token = runtime.block_on(defaults.token_chain().resolve())?;
            Ok(format::token(&token, *format))
        }
        Command::Login { .. }
        | Command::Logout { .. }
        | Command::Accounts { .. }
        | Command::Roles { .. } => runtime.block_on(session_command(&cli.command, &config)),
        Command::Profiles { .. }
        | Command::Doctor { .. }
        | Command::Completions { .. }
        | Command::Man => Err(Failure::new("unreachable", None)),
    }
}

/// The commands about an SSO sign-in: `login`, `logout`, `accounts`, `roles`.
async fn session_command(command: &Command, config: &ProviderConfig) -> Result<String, Failure> {
    match command {
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
            login::run_login(config, &args).await
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
            login::run_logout(config, &args).await
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
            accounts::run_accounts(config, &args).await
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
            accounts::run_roles(config, &args, account.as_deref()).await
        }
        _ => Err(Failure::new("unreachable", None)),
    }
}

/// The completion script of `shell`, generated from the command's definition.
fn completions(shell: clap_complete::Shell) -> String {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "ssokit", &mut script);
    String::from_utf8_lossy(&script).into_owned()
}

/// The man page, generated from the command's definition.
fn man_page() -> Result<String, Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| Failure::new(format!("could not render the man page: {e}"), None))?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// The process's configuration with the command's settings: the insecure-http opt-in,
/// the role credential cache on by default, warnings on stderr.
fn process_config(cli: &Cli) -> ProviderConfig {
    provider_config_from_process()
        .with_allow_insecure_http(cli.allow_insecure_http)
        .with_disk_cache_by_default(true)
        .with_warnings(|text| {
            let _ = writeln!(std::io::stderr().lock(), "ssokit: warning: {text}");
        })
}

/// The configuration of a command that resolves credentials: the MFA code (or the
/// terminal prompt) and the disk cache switch.
fn credentials_config(
    config: ProviderConfig,
    mfa_code: Option<&str>,
    no_disk_cache: bool,
) -> ProviderConfig {
    let config = if no_disk_cache {
        config.with_disk_cache(false)
    } else {
        config
    };
    match mfa::CommandMfa::for_process(mfa_code.map(str::to_owned)) {
        Some(mfa) => config.with_mfa_code_provider(mfa),
        None => config,
    }
}

fn with_profile(defaults: DefaultProviders, profile: Option<&str>) -> DefaultProviders {
    match profile {
        Some(name) => defaults.profile_name(name),
        None => defaults,
    }
}
