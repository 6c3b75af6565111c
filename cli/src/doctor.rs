//! `ssokit doctor` (SPEC §25): every file, the selected profile's plan, each sso-session's
//! token, locks and endpoints, the role cache entries, and a verdict with the next step.
//! No network and no writes unless `--network`; no secret is printed.
//!
//! It renders the credentials crate's network-free [`ProfilePlan`] (the providers' own
//! checks and texts) and reads lock files without blocking.
//!
//! The verdict is what would answer, in the chain's order: the environment's keys, a valid
//! role cache entry, then the profile's base (its token valid, refreshable, or inside the
//! window and used until it expires); exit 0 only without a `fail` line (SPEC §25). The
//! profile's own session token is a `fail` only when the profile needs it now: behind a
//! valid role cache entry (or the environment's keys) its failure is a `warn`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ValueEnum;
use jiff::Timestamp;
use serde_json::{Value, json};
use ssokit_chain::config::{Location, ProfileSet, SectionKind, Source, read_source};
use ssokit_chain::credentials::{
    CacheEntry, CacheState, CredentialsRoute, Freshness, PlanFiles, ProfilePlan, RoleCacheState,
    RoleCacheStatus, SsoRoute,
};
use ssokit_chain::token_cache::{
    LockError, LockOptions, RoleCacheEntry, TokenCacheFile, parse_time, role_cache_dir,
};
use ssokit_chain::{DefaultProviders, ProviderConfig};

use crate::format::{pretty, time};
use crate::profiles::{entry_path, sso_description};

/// `ssokit doctor --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DoctorFormat {
    /// One `[status] subject: detail` line per check.
    Text,
    /// `{"checks": [...], "resolves": bool, "next_step": string|null}`.
    Json,
}

/// A check's status, in rising order of concern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Ok,
    Info,
    Warn,
    Fail,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Info => "info",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

struct Check {
    status: Status,
    subject: String,
    detail: String,
}

/// The checks so far, the first failure's detail and the step that fixes it, and the
/// verdict once given.
#[derive(Default)]
struct Report {
    checks: Vec<Check>,
    first_fail: Option<String>,
    next_step: Option<String>,
    resolves: bool,
}

impl Report {
    fn add(&mut self, status: Status, subject: impl Into<String>, detail: impl Into<String>) {
        let detail = detail.into();
        if status == Status::Fail && self.first_fail.is_none() {
            self.first_fail = Some(detail.clone());
        }
        self.checks.push(Check {
            status,
            subject: subject.into(),
            detail,
        });
    }

    /// A failure and the step that fixes it (the first such step is kept).
    fn fail(&mut self, subject: impl Into<String>, detail: impl Into<String>, step: String) {
        self.add(Status::Fail, subject, detail);
        self.next_step.get_or_insert(step);
    }

    fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Fail)
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for c in &self.checks {
            let _ = writeln!(out, "[{}] {}: {}", c.status.as_str(), c.subject, c.detail);
        }
        out
    }

    fn json(&self) -> String {
        let checks: Vec<Value> = self
            .checks
            .iter()
            .map(|c| json!({"status": c.status.as_str(), "subject": c.subject, "detail": c.detail}))
            .collect();
        pretty(&json!({
            "checks": checks,
            "resolves": self.resolves,
            "next_step": self.next_step,
        }))
    }
}

/// What the command was asked.
pub(crate) struct DoctorArgs<'a> {
    pub(crate) profile: Option<&'a str>,
    pub(crate) network: bool,
    pub(crate) format: DoctorFormat,
}

/// Runs the checks: stdout and whether the profile would resolve (exit 0) or not (1).
pub(crate) fn run(config: &ProviderConfig, args: &DoctorArgs<'_>) -> (String, bool) {
    let mut report = Report::default();
    let env = config.env();
    let selected = ssokit_chain::config::selected_profile(args.profile, env).to_owned();
    let files = file_checks(config, &mut report);
    environment_checks(config, args.profile.is_some(), &mut report);
    let how = match &files {
        Some(files) => profile_checks(
            config,
            files,
            &selected,
            args.profile.is_some(),
            &mut report,
        ),
        None => None,
    };
    let how = if args.network {
        network_check(config, args.profile, &selected, &mut report).or(how)
    } else {
        how
    };
    // SPEC §25: exit 0 only without a `fail` line.
    let how = how.filter(|_| !report.failed());
    report.resolves = how.is_some();
    if let Some(how) = &how {
        report.add(
            Status::Ok,
            "result",
            format!("profile {selected} would resolve ({how})"),
        );
    } else {
        {
            let why = report
                .first_fail
                .clone()
                .unwrap_or_else(|| "no provider answers".to_owned());
            report.add(
                Status::Fail,
                "result",
                format!("profile {selected} would not resolve: {why}"),
            );
            let step = report
                .next_step
                .clone()
                .unwrap_or_else(|| "ssokit profiles".to_owned());
            report.next_step = Some(step.clone());
            report.add(Status::Info, "next step", step);
        }
    }
    let resolves = report.resolves;
    let out = match args.format {
        DoctorFormat::Text => report.text(),
        DoctorFormat::Json => report.json(),
    };
    (out, resolves)
}

/// The two files, each read and parsed on its own; the plan's files when both are fine.
fn file_checks(config: &ProviderConfig, report: &mut Report) -> Option<PlanFiles> {
    let locations = match config.file_locations() {
        Ok(locations) => locations,
        Err(e) => {
            // E-HOME: nothing else names where the files and caches are.
            let step = "set HOME to the folder that holds .aws".to_owned();
            report.fail("config file", e.to_string(), step);
            return None;
        }
    };
    let config_ok = file_check(report, "config file", locations.config(), |set| {
        format!(
            "{} profiles, {} sso-sessions",
            set.sections(SectionKind::Profile).len(),
            set.sections(SectionKind::SsoSession).len()
        )
    });
    let credentials_ok = file_check(report, "credentials file", locations.credentials(), |set| {
        format!("{} profiles", set.sections(SectionKind::Profile).len())
    });
    if !(config_ok && credentials_ok) {
        return None;
    }
    match PlanFiles::load(config) {
        Ok(files) => Some(files),
        Err(e) => {
            let step = fix_step(e.location());
            report.fail("config file", e.to_string(), step);
            None
        }
    }
}

/// One file's line; whether it can be used.
fn file_check(
    report: &mut Report,
    subject: &str,
    path: &Path,
    counts: impl FnOnce(&ProfileSet) -> String,
) -> bool {
    if !path.exists() {
        report.add(
            Status::Info,
            subject,
            format!("{} (absent)", path.display()),
        );
        return true;
    }
    let source = match read_source(path) {
        Ok(source) => source,
        Err(e) => {
            report.fail(subject, e.to_string(), "ssokit profiles".to_owned());
            return false;
        }
    };
    let alone = if subject == "config file" {
        ProfileSet::parse(source, Source::empty(PathBuf::new()))
    } else {
        ProfileSet::parse(Source::empty(PathBuf::new()), source)
    };
    match alone {
        Ok(set) => {
            report.add(
                Status::Ok,
                subject,
                format!("{} ({})", path.display(), counts(&set)),
            );
            true
        }
        Err(e) => {
            let step = fix_step(Some(e.location()));
            report.fail(subject, e.to_string(), step);
            false
        }
    }
}

/// `fix <path>:<line>`, or `ssokit profiles` without a location.
fn fix_step(location: Option<&Location>) -> String {
    location.map_or_else(|| "ssokit profiles".to_owned(), |l| format!("fix {l}"))
}

/// Environment keys that answer first, and the variables that change where ssokit looks.
fn environment_checks(config: &ProviderConfig, explicit: bool, report: &mut Report) {
    let env = config.env();
    if !explicit {
        for prefix in ["AWS", "AMAZON"] {
            if env
                .get(&format!("{prefix}_ACCESS_KEY_ID"))
                .is_some_and(|v| !v.trim().is_empty())
            {
                report.add(
                    Status::Warn,
                    "environment",
                    format!(
                        "{prefix}_ACCESS_KEY_ID is set: without --profile the environment keys answer first"
                    ),
                );
            }
        }
    }
    for name in [
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL_SSO",
        "AWS_ENDPOINT_URL_SSO_OIDC",
        "AWS_ENDPOINT_URL",
        "SSOKIT_DISK_CACHE",
    ] {
        if let Some(value) = env.get(name) {
            report.add(Status::Info, "environment", format!("{name}={value}"));
        }
    }
}

/// Whether the environment keys answer before any profile (no `--profile`, both set).
fn environment_keys_answer(config: &ProviderConfig, explicit: bool) -> bool {
    let env = config.env();
    !explicit
        && ["AWS", "AMAZON"].into_iter().any(|prefix| {
            ["ACCESS_KEY_ID", "SECRET_ACCESS_KEY"]
                .into_iter()
                .all(|suffix| {
                    env.get(&format!("{prefix}_{suffix}"))
                        .is_some_and(|v| !v.trim().is_empty())
                })
        })
}

/// The profile, its sessions, its role cache entries; how it would resolve, if it would.
fn profile_checks(
    config: &ProviderConfig,
    files: &PlanFiles,
    selected: &str,
    explicit: bool,
    report: &mut Report,
) -> Option<String> {
    let set = files.profiles();
    let Some(profile) = set.profile(selected) else {
        let how = environment_keys_answer(config, explicit).then(|| "environment keys".to_owned());
        if how.is_none() {
            report.fail(
                format!("profile {selected}"),
                format!("Profile {selected} not found"),
                "ssokit profiles".to_owned(),
            );
        }
        return how;
    };
    let plan = ProfilePlan::new(config, files, &profile);
    let route = match plan.credentials() {
        Ok(route) => {
            report.add(Status::Ok, format!("profile {selected}"), describe(route));
            Some(route)
        }
        Err(e) => {
            let step = if e.location().is_some() {
                fix_step(e.location())
            } else {
                "ssokit profiles".to_owned()
            };
            report.fail(format!("profile {selected}"), e.to_string(), step);
            None
        }
    };
    let statuses = route.map_or_else(Vec::new, |route| role_cache_statuses(config, route));
    let cached_until = answering_entry(&statuses);
    let env_answers = environment_keys_answer(config, explicit);
    // The profile's own session token fails the profile only when nothing answers before
    // it (the environment's keys, a valid role cache entry); else its failure warns.
    let own_session = route.and_then(base_sso).and_then(SsoRoute::session);
    let own_needed = !env_answers && cached_until.is_none();
    session_checks(config, files, own_session, own_needed, report);
    role_cache_checks(config, &statuses, report);
    if env_answers {
        return Some("environment keys".to_owned());
    }
    let route = route?;
    if let Some(until) = cached_until {
        return Some(format!("role cache entry valid until {}", time(until)));
    }
    base_how(route, selected, report)
}

/// The SSO base of a route (itself, or a chain's base).
fn base_sso(route: &CredentialsRoute) -> Option<&SsoRoute> {
    match route {
        CredentialsRoute::Sso(sso) => Some(sso),
        CredentialsRoute::RoleChain(chain) => match chain.base() {
            CredentialsRoute::Sso(sso) => Some(sso),
            _ => None,
        },
        _ => None,
    }
}

/// How the route's base would answer now, or `None` after a failure line.
fn base_how(route: &CredentialsRoute, selected: &str, report: &mut Report) -> Option<String> {
    let base = match route {
        CredentialsRoute::RoleChain(chain) => chain.base(),
        other => other,
    };
    match base {
        CredentialsRoute::StaticKeys => Some("static keys".to_owned()),
        CredentialsRoute::Process { .. } => Some("credential_process (not run)".to_owned()),
        CredentialsRoute::CredentialSource(source) => {
            Some(format!("credential_source {source} (not contacted)"))
        }
        CredentialsRoute::WebIdentity(web) => {
            if web.token_file_exists() {
                Some(format!(
                    "web identity token file {}",
                    web.token_file().display()
                ))
            } else {
                report.fail(
                    "web identity",
                    format!("the token file {} is absent", web.token_file().display()),
                    "ssokit profiles".to_owned(),
                );
                None
            }
        }
        CredentialsRoute::Sso(sso) => sso_how(sso, selected, report),
        _ => None,
    }
}

/// How an SSO base would get its token; the legacy token's line (sessions have theirs).
fn sso_how(sso: &SsoRoute, selected: &str, report: &mut Report) -> Option<String> {
    if sso.session().is_some() {
        // The session's token line said whether it fails.
        return match sso.cache().state() {
            CacheState::Found(status) => match status.freshness() {
                Freshness::Valid => Some(format!(
                    "SSO token valid until {}",
                    time(status.expires_at())
                )),
                _ if matches!(status.refresh(), Some(Ok(()))) => {
                    Some("SSO token refreshable".to_owned())
                }
                // Inside the window and not refreshable: used until it expires (its token
                // line warns).
                Freshness::Expiring => Some(format!(
                    "SSO token valid until {}, not refreshable",
                    time(status.expires_at())
                )),
                _ => None,
            },
            _ => None,
        };
    }
    let subject = format!("token profile {selected}");
    let step = format!("ssokit login --profile {selected}");
    let path = entry_path(sso.cache());
    match sso.cache().state() {
        CacheState::Found(status) if status.freshness() == Freshness::Valid => {
            let until = status.expires_at();
            report.add(
                Status::Ok,
                subject,
                format!("{path} valid until {}", time(until)),
            );
            Some(format!("SSO token valid until {}", time(until)))
        }
        CacheState::Found(status) => {
            report.fail(
                subject,
                format!(
                    "{path} expired at {} (a legacy token is never refreshed)",
                    time(status.expires_at())
                ),
                step,
            );
            None
        }
        CacheState::Absent(_) => {
            report.fail(subject, format!("{path} absent"), step);
            None
        }
        CacheState::Unusable(e) => {
            report.fail(subject, e.to_string(), step);
            None
        }
        _ => None,
    }
}

/// The `credentials:` answer of `ssokit profiles`, in brief.
fn describe(route: &CredentialsRoute) -> String {
    match route {
        CredentialsRoute::StaticKeys => "static keys (aws_access_key_id)".to_owned(),
        CredentialsRoute::Sso(sso) => sso_description(sso),
        CredentialsRoute::Process { .. } => "credential_process (runs the command)".to_owned(),
        CredentialsRoute::WebIdentity(web) => format!("web identity role {}", web.role_arn()),
        CredentialsRoute::CredentialSource(source) => format!("credential_source {source}"),
        CredentialsRoute::RoleChain(chain) => {
            let mut text = format!("role chain: {}", describe(chain.base()));
            for hop in chain.hops() {
                let _ = write!(
                    text,
                    " -> AssumeRole {} (profile {})",
                    hop.role_arn(),
                    hop.profile()
                );
            }
            text
        }
        _ => "a provider this ssokit cannot describe".to_owned(),
    }
}

/// The sessions: the selected profile's first (its failures fail), then the others in
/// file order (their failures warn).
fn session_checks(
    config: &ProviderConfig,
    files: &PlanFiles,
    own: Option<&str>,
    own_needed: bool,
    report: &mut Report,
) {
    let set = files.profiles();
    let mut names: Vec<&str> = set
        .sections(SectionKind::SsoSession)
        .iter()
        .map(ssokit_chain::config::Section::name)
        .collect();
    if let Some(own) = own {
        names.retain(|n| *n != own);
        names.insert(0, own);
    }
    for name in names {
        let severe = if Some(name) == own && own_needed {
            Status::Fail
        } else {
            Status::Warn
        };
        one_session(config, files, name, severe, report);
    }
}

fn one_session(
    config: &ProviderConfig,
    files: &PlanFiles,
    name: &str,
    severe: Status,
    report: &mut Report,
) {
    let set = files.profiles();
    let step = format!("ssokit login --sso-session {name}");
    let add = |report: &mut Report, status: Status, subject: String, detail: String| {
        if status == Status::Fail {
            report.fail(subject, detail, step.clone());
        } else {
            report.add(status, subject, detail);
        }
    };
    let subject = format!("sso-session {name}");
    let Some(section) = set.sso_session(name) else {
        add(
            report,
            severe,
            subject,
            format!("Sso session \"{name}\" not found"),
        );
        return;
    };
    let (Some(url), Some(region)) = (section.get("sso_start_url"), section.get("sso_region"))
    else {
        let missing = if section.get("sso_start_url").is_none() {
            "sso_start_url"
        } else {
            "sso_region"
        };
        add(
            report,
            severe,
            subject,
            format!("Sso session \"{name}\" is missing required property \"{missing}\"."),
        );
        return;
    };
    add(
        report,
        Status::Ok,
        subject,
        format!("start URL {url}, region {region}"),
    );
    let entry = files.session_cache_entry(config, name);
    let (status, detail) = token_line(&entry, config.clock().now());
    let status = if status == Status::Fail {
        severe
    } else {
        status
    };
    add(report, status, format!("token {name}"), detail);
    if let Some(path) = entry.path() {
        for (status, detail) in lock_lines(path) {
            report.add(status, format!("locks {name}"), detail);
        }
    }
    if let Some(endpoints) = endpoints_of(config, files, name) {
        match endpoints {
            Ok(text) => report.add(Status::Info, format!("endpoints {name}"), text),
            Err(e) => add(report, severe, format!("endpoints {name}"), e),
        }
    }
}

/// The token line of a session (SPEC §25 `token <s>`).
fn token_line(entry: &CacheEntry, now: Timestamp) -> (Status, String) {
    let path = entry_path(entry);
    match entry.state() {
        CacheState::Found(status) => {
            let at = status.expires_at();
            match (status.freshness(), status.refresh()) {
                (Freshness::Valid, _) => {
                    let left = at.duration_since(now).as_secs().max(0);
                    (
                        Status::Ok,
                        format!(
                            "{path} valid until {} ({}h {:02}m left)",
                            time(at),
                            left / 3600,
                            left % 3600 / 60
                        ),
                    )
                }
                (_, Some(Ok(()))) => {
                    let registration = status
                        .registration_expires_at()
                        .map_or_else(|| "unknown".to_owned(), time);
                    (
                        Status::Ok,
                        format!(
                            "{path} expires at {}; the next use refreshes it (client registration until {registration})",
                            time(at)
                        ),
                    )
                }
                (Freshness::Expiring, Some(Err(reason))) => (
                    Status::Warn,
                    format!(
                        "{path} expires at {} and cannot be refreshed ({reason})",
                        time(at)
                    ),
                ),
                (_, refresh) => {
                    let reason = match refresh {
                        Some(Err(reason)) => reason.to_owned(),
                        _ => "no refresh for this token".to_owned(),
                    };
                    (
                        Status::Fail,
                        format!(
                            "{path} expired at {} and cannot be refreshed ({reason})",
                            time(at)
                        ),
                    )
                }
            }
        }
        CacheState::Absent(_) => (Status::Fail, format!("{path} absent")),
        CacheState::Unusable(e) => (Status::Fail, e.to_string()),
        _ => (
            Status::Fail,
            format!("{path}: a state this ssokit cannot describe"),
        ),
    }
}

/// The refresh lock's last attempt, and whether it or the login lock is held now:
/// non-blocking try-locks on lock files that exist, released at once.
fn lock_lines(token: &Path) -> Vec<(Status, String)> {
    let file = TokenCacheFile::at_path(token);
    let refresh = file.lock_path();
    let mut lines = Vec::new();
    let recorded = std::fs::read_to_string(&refresh)
        .ok()
        .and_then(|text| parse_time(text.trim()));
    lines.push(match recorded {
        Some(at) => (Status::Info, format!("last refresh attempt {}", time(at))),
        None => (Status::Info, "no refresh recorded".to_owned()),
    });
    let once = LockOptions::default().with_timeout(Duration::ZERO);
    if refresh.exists() && matches!(file.lock(&once), Err(LockError::TimedOut { .. })) {
        lines.push((
            Status::Warn,
            format!("{} is held by another process", refresh.display()),
        ));
    }
    let login = file.login_lock_path();
    if login.exists() && matches!(file.login_lock(&once), Err(LockError::TimedOut { .. })) {
        lines.push((
            Status::Warn,
            format!("a login is in progress ({} is held)", login.display()),
        ));
    }
    lines
}

/// `portal <url>, oidc <url>` of a session, from the first profile that uses it (whose
/// endpoint settings apply); `None` when no profile does.
fn endpoints_of(
    config: &ProviderConfig,
    files: &PlanFiles,
    session: &str,
) -> Option<Result<String, String>> {
    let set = files.profiles();
    let profile = set
        .sections(SectionKind::Profile)
        .into_iter()
        .find(|p| p.get("sso_session") == Some(session))?;
    let plan = ProfilePlan::new(config, files, &profile);
    let portal = match plan.credentials().ok().and_then(base_sso) {
        Some(sso) => sso.portal().map(str::to_owned).map_err(ToString::to_string),
        None => return None,
    };
    let oidc = match plan.token() {
        Ok(token) => token.oidc().map(str::to_owned).map_err(ToString::to_string),
        Err(e) => Err(e.to_string()),
    };
    Some(portal.and_then(|portal| oidc.map(|oidc| format!("portal {portal}, oidc {oidc}"))))
}

/// The role cache entries of the route: its SSO base's, then each hop's (the last one
/// answers for a chain).
fn role_cache_statuses(
    config: &ProviderConfig,
    route: &CredentialsRoute,
) -> Vec<Result<Option<RoleCacheStatus>, String>> {
    let now = config.clock().now();
    let mut statuses = Vec::new();
    if let Some(sso) = base_sso(route) {
        statuses.push(sso.role_cache(now).map_err(ToString::to_string));
    }
    if let CredentialsRoute::RoleChain(chain) = route {
        for hop in chain.hops() {
            statuses.push(hop.role_cache(now).map_err(ToString::to_string));
        }
    }
    statuses
}

/// The expiry of the entry that would answer: the last step's, when it is usable and the
/// cache is on.
fn answering_entry(statuses: &[Result<Option<RoleCacheStatus>, String>]) -> Option<Timestamp> {
    let mut until = None;
    for status in statuses {
        let Ok(Some(status)) = status else {
            return None;
        };
        until = role_cache_line(status).1;
    }
    until
}

/// The `role cache` lines: each entry (or `disabled`, or the switch's error), then the
/// folder's counts.
fn role_cache_checks(
    config: &ProviderConfig,
    statuses: &[Result<Option<RoleCacheStatus>, String>],
    report: &mut Report,
) {
    if statuses.is_empty() {
        return;
    }
    for status in statuses {
        match status {
            Ok(Some(status)) => {
                let (line, _) = role_cache_line(status);
                report.add(line.0, "role cache", line.1);
            }
            Ok(None) => {
                report.add(Status::Info, "role cache", "disabled");
                return;
            }
            Err(e) => {
                report.fail("role cache", e.clone(), "ssokit profiles".to_owned());
                return;
            }
        }
    }
    if let Ok(home) = config.home() {
        let dir = role_cache_dir(home.path());
        let (entries, sso) = count_entries(&dir);
        report.add(
            Status::Info,
            "role cache",
            format!("{}: {entries} entries, {sso} from SSO", dir.display()),
        );
    }
}

/// One entry's line, and its expiry when it would answer.
fn role_cache_line(status: &RoleCacheStatus) -> ((Status, String), Option<Timestamp>) {
    let path = status.path().display();
    match status.state() {
        RoleCacheState::Usable(at) => (
            (Status::Ok, format!("{path} valid until {}", time(*at))),
            Some(*at),
        ),
        RoleCacheState::Expiring(_) => (
            (
                Status::Info,
                format!("{path} has under 15 minutes left: the next use fetches new credentials"),
            ),
            None,
        ),
        RoleCacheState::Absent => (
            (
                Status::Info,
                format!("{path} absent: the next use calls GetRoleCredentials"),
            ),
            None,
        ),
        RoleCacheState::Invalid(detail) => (
            (
                Status::Warn,
                format!("ignoring the role credential cache entry {path} ({detail})"),
            ),
            None,
        ),
        _ => (
            (
                Status::Info,
                format!("{path}: a state this ssokit cannot describe"),
            ),
            None,
        ),
    }
}

/// The `*.json` entries of the role cache directory, and how many are SSO entries.
fn count_entries(dir: &Path) -> (usize, usize) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    let mut entries = 0;
    let mut sso = 0;
    for path in read.filter_map(Result::ok).map(|e| e.path()) {
        if path.extension().is_some_and(|x| x == "json") && path.is_file() {
            entries += 1;
            if std::fs::read(&path).is_ok_and(|bytes| RoleCacheEntry::is_sso(&bytes)) {
                sso += 1;
            }
        }
    }
    (entries, sso)
}

/// `--network`: resolves as `ssokit credentials` would (may refresh and write).
fn network_check(
    config: &ProviderConfig,
    explicit: Option<&str>,
    selected: &str,
    report: &mut Report,
) -> Option<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let defaults = DefaultProviders::new(config.clone());
    let defaults = match explicit {
        Some(name) => defaults.profile_name(name),
        None => defaults,
    };
    match runtime.block_on(defaults.credentials_chain().resolve()) {
        Ok(credentials) => {
            let until = credentials.expire_time().map_or_else(
                || "no expiry".to_owned(),
                |t| format!("valid until {}", time(t)),
            );
            report.add(
                Status::Ok,
                "network",
                format!(
                    "credentials for {selected} from {}, {until}",
                    credentials.provider_name()
                ),
            );
            Some(format!("credentials from {}", credentials.provider_name()))
        }
        Err(e) => {
            report.fail("network", e.to_string(), "ssokit profiles".to_owned());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use ssokit_chain::config::Env;
    use ssokit_chain::credentials::TestClock;

    use super::*;

    #[test]
    fn without_a_home_the_next_step_is_to_set_it() {
        let env = Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]);
        let config = ProviderConfig::new(env, TestClock::new(jiff::Timestamp::UNIX_EPOCH));
        let args = DoctorArgs {
            profile: None,
            network: false,
            format: DoctorFormat::Text,
        };
        let (out, resolves) = run(&config, &args);
        assert!(!resolves);
        assert!(
            out.starts_with("[fail] config file: Cannot load credentials, HOME path not set\n"),
            "{out}"
        );
        assert!(
            out.ends_with("[info] next step: set HOME to the folder that holds .aws\n"),
            "{out}"
        );
    }
}
