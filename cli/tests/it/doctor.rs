//! `ssokit doctor` (SPEC §25, §26 scenario 20): the checks in order, a profile that would
//! resolve from its role cache entry without any request, an expired token that cannot be
//! refreshed named with the command that fixes it, broken files pointed at, JSON, and no
//! secret in the output.

use ssokit_fake_portal::{Answer, Operation};

use crate::{S_ENTRY, SECRETS, SESSION_CACHE, Sandbox, now_plus};

fn no_secret(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} in: {text}");
    }
}

/// The sandbox after one `credentials --profile s`, which cached role credentials valid
/// for an hour; that expiry.
fn with_role_cache_entry() -> (Sandbox, String) {
    let sandbox = Sandbox::new();
    let until = now_plus(3600);
    let in_an_hour: jiff::Timestamp = until.parse().unwrap();
    sandbox.portal.script(
        Operation::GetRoleCredentials,
        [Answer::role_credentials(in_an_hour.as_millisecond())],
    );
    sandbox.run(&["credentials", "--profile", "s"]).success();
    (sandbox, until)
}

#[test]
fn s20_a_valid_token_and_entry_resolve_without_a_request() {
    let (sandbox, until) = with_role_cache_entry();
    let before = sandbox.portal.requests().len();
    let run = sandbox.run(&["doctor", "--profile", "s"]);
    let out = run.stdout();
    assert_eq!(run.code(), 0, "{out}{}", run.stderr());
    assert_eq!(sandbox.portal.requests().len(), before, "no request");
    let home = sandbox.home_str();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        format!("[ok] config file: {home}/.aws/config (2 profiles, 1 sso-sessions)"),
        "{out}"
    );
    assert_eq!(
        lines[1],
        format!("[info] credentials file: {home}/.aws/credentials (absent)")
    );
    assert!(
        out.contains(
            "[ok] profile s: SSO through sso-session dev: account 444455556666, role SessionRole\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "[ok] sso-session dev: start URL https://d-abc123.awsapps.com/start, region eu-west-1\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "[ok] token dev: {home}/{SESSION_CACHE} valid until {} (1h 59m left)\n",
            sandbox.expires_at
        )) || out.contains(&format!(
            "[ok] token dev: {home}/{SESSION_CACHE} valid until {} (2h 00m left)\n",
            sandbox.expires_at
        )),
        "{out}"
    );
    assert!(
        out.contains("[info] locks dev: no refresh recorded\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "[info] endpoints dev: portal {}",
            sandbox.portal.url()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "[ok] role cache: {home}/{S_ENTRY} valid until {until}\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "[info] role cache: {home}/.aws/cli/cache: 1 entries, 1 from SSO\n"
        )),
        "{out}"
    );
    assert!(
        out.ends_with(&format!(
            "[ok] result: profile s would resolve (role cache entry valid until {until})\n"
        )),
        "{out}"
    );
    no_secret(&out);
}

/// Makes session `dev`'s token expired a minute ago, without a refresh token; the expiry.
fn expire_without_refresh(sandbox: &Sandbox) -> String {
    let expired = now_plus(-60);
    sandbox.set_expires_at(SESSION_CACHE, &expired);
    sandbox.drop_refresh_token(SESSION_CACHE);
    expired
}

#[test]
fn s20_an_expired_token_without_refresh_token_names_the_login() {
    let sandbox = Sandbox::new();
    let expired = expire_without_refresh(&sandbox);
    let run = sandbox.run(&["doctor", "--profile", "s"]);
    let out = run.stdout();
    assert_eq!(run.code(), 1, "{out}");
    assert!(
        out.contains(&format!(
            "[fail] token dev: {}/{SESSION_CACHE} expired at {expired} and cannot be refreshed (no refresh token in cache)\n",
            sandbox.home_str()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "[info] role cache: {}/{S_ENTRY} absent: the next use calls GetRoleCredentials\n",
            sandbox.home_str()
        )),
        "{out}"
    );
    assert!(
        out.contains("[fail] result: profile s would not resolve: "),
        "{out}"
    );
    assert!(
        out.ends_with("[info] next step: ssokit login --sso-session dev\n"),
        "{out}"
    );
    assert_eq!(
        sandbox.portal.requests().len(),
        0,
        "no network without --network"
    );
    no_secret(&out);
}

/// The verdict follows what would answer: a valid role cache entry answers before the
/// expired token is read, so the profile resolves (exit 0: SPEC §25 allows no `fail` line
/// then), and the token line warns about what the next login must fix.
#[test]
fn a_valid_role_cache_entry_resolves_past_an_expired_token() {
    let (sandbox, until) = with_role_cache_entry();
    expire_without_refresh(&sandbox);
    let run = sandbox.run(&["doctor", "--profile", "s"]);
    let out = run.stdout();
    assert_eq!(run.code(), 0, "{out}");
    assert!(out.contains("[warn] token dev: "), "{out}");
    assert!(!out.contains("[fail]"), "{out}");
    assert!(
        out.contains(&format!(
            "[ok] result: profile s would resolve (role cache entry valid until {until})\n"
        )),
        "{out}"
    );
    // And it does.
    let requests = sandbox.portal.requests().len();
    sandbox.run(&["credentials", "--profile", "s"]).success();
    assert_eq!(sandbox.portal.requests().len(), requests);
    let json: serde_json::Value = serde_json::from_str(
        &sandbox
            .run(&["doctor", "--profile", "s", "--format", "json"])
            .stdout(),
    )
    .unwrap();
    assert_eq!(json["resolves"], true);
    assert_eq!(
        json["next_step"],
        serde_json::Value::Null,
        "no failure, no step"
    );
}

/// A token inside the refresh window that cannot be refreshed is still used until it
/// expires: the profile resolves, and the token line warns.
#[test]
fn an_expiring_token_that_cannot_be_refreshed_still_resolves() {
    let sandbox = Sandbox::new();
    expire_without_refresh(&sandbox);
    let soon = now_plus(120);
    sandbox.set_expires_at(SESSION_CACHE, &soon);
    let run = sandbox.run(&["doctor", "--profile", "s"]);
    let out = run.stdout();
    assert_eq!(run.code(), 0, "{out}");
    assert!(out.contains("[warn] token dev: "), "{out}");
    assert!(
        out.contains(&format!(
            "[ok] result: profile s would resolve (SSO token valid until {soon}, not refreshable)\n"
        )),
        "{out}"
    );
}

#[test]
fn a_broken_config_file_is_pointed_at() {
    let sandbox = Sandbox::new();
    let config = sandbox.read(".aws/config");
    sandbox.write(".aws/config", format!("{config}\n[profile broken\n"));
    let run = sandbox.run(&["doctor", "--profile", "s"]);
    let out = run.stdout();
    assert_eq!(run.code(), 1, "{out}");
    assert!(out.starts_with("[fail] config file: "), "{out}");
    let line = config.lines().count() + 2;
    assert!(
        out.ends_with(&format!(
            "[info] next step: fix {}/.aws/config:{line}\n",
            sandbox.home_str()
        )),
        "{out}"
    );
}

#[test]
fn json_and_the_disabled_cache_and_environment_notes() {
    let mut sandbox = Sandbox::new();
    sandbox.env("AWS_ACCESS_KEY_ID", "AKIDENV");
    sandbox.env("AWS_SECRET_ACCESS_KEY", "envsecret");
    sandbox.env("AWS_PROFILE", "s");
    let run = sandbox.run(&["doctor", "--no-disk-cache", "--format", "json"]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    let value: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(value["resolves"], true);
    assert_eq!(value["next_step"], serde_json::Value::Null);
    let checks = value["checks"].as_array().unwrap();
    let find = |subject: &str| {
        checks
            .iter()
            .filter(|c| c["subject"] == subject)
            .map(|c| {
                format!(
                    "{} {}",
                    c["status"].as_str().unwrap(),
                    c["detail"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    let environment = find("environment");
    assert_eq!(
        environment[..2],
        [
            "warn AWS_ACCESS_KEY_ID is set: without --profile the environment keys answer first",
            "info AWS_PROFILE=s"
        ]
    );
    assert!(environment[2].starts_with("info AWS_ENDPOINT_URL_SSO=http://127.0.0.1:"));
    assert_eq!(find("role cache"), ["info disabled"]);
    assert_eq!(
        find("result"),
        ["ok profile s would resolve (environment keys)"]
    );
    assert!(!run.stdout().contains("envsecret"));
}

#[test]
fn a_legacy_profile_without_its_token_names_its_login() {
    let sandbox = Sandbox::new();
    sandbox.remove(crate::LEGACY_CACHE);
    let run = sandbox.run(&["doctor", "--profile", "a"]);
    let out = run.stdout();
    assert_eq!(run.code(), 1, "{out}");
    assert!(
        out.contains(&format!(
            "[fail] token profile a: {}/{} absent\n",
            sandbox.home_str(),
            crate::LEGACY_CACHE
        )),
        "{out}"
    );
    // The session dev is not this profile's: its lines are there, none failing.
    assert!(out.contains("[ok] token dev: "), "{out}");
    assert!(
        out.ends_with("[info] next step: ssokit login --profile a\n"),
        "{out}"
    );
}
