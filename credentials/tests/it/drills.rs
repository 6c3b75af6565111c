//! Fault drills (issue 7): every fault the portal or the network can produce, against both
//! operations, through the real providers and the loopback fake. Each drill ends in success
//! after the retries the policy allows, or in a whole, typed error; attempts are counted by
//! the fake; a failed refresh leaves the token cache byte for byte as it was. Timeouts are
//! configured short (0.2 s per attempt) so every drill is bounded without timing asserts.

use std::time::Duration;

use ssokit_fake_portal::{Answer, Operation};
use ssokit_token_cache::CachedToken;

use crate::{SESSION_CACHE, World};

/// What a drill must end in: success after `n` requests, or this error after `n`.
enum Outcome {
    Ok(usize),
    Err(&'static str, usize),
}

fn world() -> World {
    let mut w = World::new();
    w.settings = w
        .settings
        .clone()
        .attempt_timeout(Duration::from_millis(200));
    w
}

fn slow() -> Answer {
    Answer::default_for(Operation::GetRoleCredentials).delay(Duration::from_secs(3))
}

fn html(status: u16) -> Answer {
    Answer::raw(status, "<html><body>Service Unavailable</body></html>")
        .header("content-type", "text/html")
}

/// `GetRoleCredentials` for the legacy profile: `{url}` in messages is the request URL.
fn portal_drills() -> Vec<(&'static str, Vec<Answer>, Outcome)> {
    let ok = || Answer::default_for(Operation::GetRoleCredentials);
    vec![
        (
            "500 burst, then ok",
            vec![Answer::empty(500), Answer::empty(500), ok()],
            Outcome::Ok(3),
        ),
        (
            "503 always",
            vec![Answer::empty(503)],
            Outcome::Err(
                "GetRoleCredentials failed: HTTP 503 UnknownError: Service Unavailable (after 3 attempts)",
                3,
            ),
        ),
        (
            "503 html page always",
            vec![html(503)],
            Outcome::Err(
                "GetRoleCredentials failed: HTTP 503 UnknownError: Service Unavailable (after 3 attempts)",
                3,
            ),
        ),
        (
            "429 burst, then ok",
            vec![
                Answer::service_error(
                    Operation::GetRoleCredentials,
                    "TooManyRequestsException",
                    "slow down",
                ),
                Answer::service_error(
                    Operation::GetRoleCredentials,
                    "TooManyRequestsException",
                    "slow down",
                ),
                ok(),
            ],
            Outcome::Ok(3),
        ),
        (
            "reset twice, then ok",
            vec![Answer::drop_connection(), Answer::drop_connection(), ok()],
            Outcome::Ok(3),
        ),
        ("slow once, then ok", vec![slow(), ok()], Outcome::Ok(2)),
        (
            "slow always",
            vec![slow()],
            Outcome::Err(
                "GetRoleCredentials request to {url} failed: no response within 0.2 s (after 3 attempts)",
                3,
            ),
        ),
        (
            "truncated once, then ok",
            vec![ok().truncated(), ok()],
            Outcome::Ok(2),
        ),
        (
            "oversized",
            vec![Answer::oversized(2 * 1024 * 1024)],
            Outcome::Err("GetRoleCredentials response from {url} exceeds 1 MiB", 1),
        ),
        (
            "invalid JSON",
            vec![
                Answer::raw(200, "{\"roleCredentials\": {")
                    .header("content-type", "application/json"),
            ],
            Outcome::Err(
                "GetRoleCredentials response from {url} is not valid JSON (HTTP 200)",
                1,
            ),
        ),
        (
            "html with 200",
            vec![html(200)],
            Outcome::Err(
                "GetRoleCredentials response from {url} is not valid JSON (HTTP 200)",
                1,
            ),
        ),
        (
            "empty 200",
            vec![Answer::empty(200)],
            Outcome::Err(
                "SSO returns an invalid temporary credential. (roleCredentials is missing)",
                1,
            ),
        ),
    ]
}

#[tokio::test]
async fn get_role_credentials_drills() {
    for (name, answers, outcome) in portal_drills() {
        let w = world();
        w.portal.script(Operation::GetRoleCredentials, answers);
        let url = format!("{}/federation/credentials", w.portal.url());
        let result = w.sso("a").get().await;
        match outcome {
            Outcome::Ok(requests) => {
                let creds = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY", "{name}");
                assert_eq!(w.gets(), requests, "{name}");
            }
            Outcome::Err(message, requests) => {
                let error = result.err().unwrap_or_else(|| panic!("{name}: succeeded"));
                assert_eq!(error.to_string(), message.replace("{url}", &url), "{name}");
                assert_eq!(w.gets(), requests, "{name}");
            }
        }
    }
}

/// `CreateToken` for the expired session token of profile `s`; `{url}` is the token URL.
fn refresh_drills() -> Vec<(&'static str, Vec<Answer>, Outcome)> {
    let ok = || Answer::default_for(Operation::CreateToken);
    vec![
        (
            "500 burst, then ok",
            vec![Answer::empty(500), Answer::empty(500), ok()],
            Outcome::Ok(3),
        ),
        (
            "reset, then ok",
            vec![Answer::drop_connection(), ok()],
            Outcome::Ok(2),
        ),
        (
            "503 always",
            vec![Answer::empty(503)],
            Outcome::Err("UnknownError: Service Unavailable (after 3 attempts)", 3),
        ),
        (
            "slow always",
            vec![ok().delay(Duration::from_secs(3))],
            Outcome::Err(
                "CreateToken request to {url} failed: no response within 0.2 s (after 3 attempts)",
                3,
            ),
        ),
        (
            "oversized",
            vec![Answer::oversized(2 * 1024 * 1024)],
            Outcome::Err("CreateToken response from {url} exceeds 1 MiB", 1),
        ),
        (
            "invalid JSON",
            vec![Answer::raw(200, "not json").header("content-type", "application/json")],
            Outcome::Err(
                "CreateToken response from {url} is not valid JSON (HTTP 200)",
                1,
            ),
        ),
        (
            "no access token",
            vec![Answer::json(200, r#"{"expiresIn": 3600}"#)],
            Outcome::Err("CreateToken response lacks accessToken", 1),
        ),
    ]
}

#[tokio::test]
async fn create_token_drills_never_damage_the_cache() {
    for (name, answers, outcome) in refresh_drills() {
        let w = world();
        w.session_expires_at("\"2026-03-01T11:59:00Z\"");
        let before = w.read(SESSION_CACHE);
        w.portal.script(Operation::CreateToken, answers);
        let url = format!("{}/token", w.portal.url());
        let result = w.token("s").get().await;
        let after = w.read(SESSION_CACHE);
        CachedToken::parse(after.as_bytes(), &w.path(SESSION_CACHE))
            .unwrap_or_else(|e| panic!("{name}: cache no longer parses: {e}"));
        match outcome {
            Outcome::Ok(requests) => {
                let token = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(token.token(), "at-2", "{name}");
                assert_eq!(w.posts(), requests, "{name}");
                assert!(after.contains("\"x-extra\": 1.50"), "{name}: {after}");
            }
            Outcome::Err(cause, requests) => {
                let error = result.err().unwrap_or_else(|| panic!("{name}: succeeded"));
                assert_eq!(
                    error.to_string(),
                    format!(
                        "SSO Token refresh failed: the token for sso-session \"dev\" expired at 2026-03-01T11:59:00Z and the refresh failed ({}). Please log in using \"aws sso login --sso-session dev\".",
                        cause.replace("{url}", &url)
                    ),
                    "{name}"
                );
                assert_eq!(w.posts(), requests, "{name}");
                assert_eq!(after, before, "{name}: the cache changed");
            }
        }
    }
}
