//! Fault drills (issue 7, and issue 12 for STS): every fault the portal, STS or the network
//! can produce, against the four operations, through the real providers and the loopback fake. Each drill ends in success
//! after the retries the policy allows, or in a whole, typed error; attempts are counted by
//! the fake; a failed refresh leaves the token cache byte for byte as it was. Timeouts are
//! configured short (0.2 s per attempt) so every drill is bounded without timing asserts.

use std::time::Duration;

use ssokit_credentials::{
    Credentials, CredentialsError, ErrorCode, WebIdentityTokenCredentialsProvider,
};
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
                        "SSO Token refresh failed: the token for sso-session \"dev\" expired at 2026-03-01T11:59:00Z and the refresh failed ({}). Please log in using \"aws sso login --sso-session dev\". With ssokit: ssokit login --sso-session dev.",
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

/// What an STS drill must end in: success after `n` requests, or an error whose text
/// starts with this (after the hop's or web identity's prefix) after `n`.
enum StsOutcome {
    Ok(usize),
    Err(&'static str, usize),
}

/// The faults both STS operations are drilled with; `ok` is the fake STS's own answer
/// (which checks the request and issues keys), `{op}` the operation, `{url}` its URL.
fn sts_drills(operation: Operation) -> Vec<(&'static str, Vec<Answer>, StsOutcome)> {
    let ok = || Answer::default_for(operation);
    vec![
        (
            "500 burst, then ok",
            vec![
                Answer::sts_error(500, "InternalFailure", "oops"),
                Answer::empty(502),
                ok(),
            ],
            StsOutcome::Ok(3),
        ),
        (
            "503 always",
            vec![Answer::sts_error(503, "ServiceUnavailable", "busy")],
            StsOutcome::Err(
                "{op} failed: HTTP 503 ServiceUnavailable: busy (after 3 attempts)",
                3,
            ),
        ),
        (
            "throttled twice, then ok",
            vec![
                Answer::sts_error(400, "Throttling", "Rate exceeded"),
                Answer::sts_error(400, "Throttling", "Rate exceeded"),
                ok(),
            ],
            StsOutcome::Ok(3),
        ),
        (
            "reset twice, then ok",
            vec![Answer::drop_connection(), Answer::drop_connection(), ok()],
            StsOutcome::Ok(3),
        ),
        (
            "slow once, then ok",
            vec![ok().delay(Duration::from_secs(3)), ok()],
            StsOutcome::Ok(2),
        ),
        (
            "slow always",
            vec![ok().delay(Duration::from_secs(3))],
            StsOutcome::Err(
                "{op} request to {url} failed: no response within 0.2 s (after 3 attempts)",
                3,
            ),
        ),
        (
            "truncated once, then ok",
            vec![ok().truncated(), ok()],
            StsOutcome::Ok(2),
        ),
        (
            "oversized",
            vec![Answer::oversized(2 * 1024 * 1024)],
            StsOutcome::Err("{op} response from {url} exceeds 1 MiB", 1),
        ),
        (
            "html with 200",
            vec![html(200)],
            StsOutcome::Err(
                "STS returned an invalid {op} response ({op}Result is missing)",
                1,
            ),
        ),
        (
            "not XML",
            vec![Answer::raw(200, "{\"Credentials\": {}}")],
            StsOutcome::Err("STS returned an invalid {op} response (not XML: ", 1),
        ),
        (
            "another service's XML",
            vec![Answer::raw(
                200,
                "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>x</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>",
            )],
            StsOutcome::Err(
                "STS returned an invalid {op} response ({op}Result is missing)",
                1,
            ),
        ),
        (
            "empty 200",
            vec![Answer::empty(200)],
            StsOutcome::Err("STS returned an invalid {op} response (not XML: ", 1),
        ),
        (
            "html error page always",
            vec![html(503)],
            StsOutcome::Err(
                "{op} failed: HTTP 503 UnknownError: Service Unavailable (after 3 attempts)",
                3,
            ),
        ),
    ]
}

/// What one STS drill load gave: the world (to count requests), the result, and the
/// prefix its error texts carry before STS's cause (R-ROLE's or W-ROLE's).
type Drilled = (World, Result<Credentials, CredentialsError>, String);

/// Runs the STS drills of `operation` through `load` (a fresh world each), checking the
/// text after the prefix and the attempts the fake counted.
async fn run_sts_drills<F, Fut>(operation: Operation, load: F)
where
    F: Fn(World) -> Fut,
    Fut: std::future::Future<Output = Drilled>,
{
    for (name, answers, outcome) in sts_drills(operation) {
        let w = world();
        w.portal.script(operation, answers);
        let url = format!("{}/", w.portal.url());
        let (w, result, prefix) = load(w).await;
        let attempts = w.portal.count(operation);
        match outcome {
            StsOutcome::Ok(requests) => {
                let creds = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(creds.access_key_id().starts_with("ASIA"), "{name}");
                assert_eq!(attempts, requests, "{name}");
            }
            StsOutcome::Err(message, requests) => {
                let error = result.err().unwrap_or_else(|| panic!("{name}: succeeded"));
                assert_eq!(error.code(), ErrorCode::AssumeRole, "{name}");
                let expected = message
                    .replace("{op}", operation.name())
                    .replace("{url}", &url);
                let text = error.to_string();
                let cause = text
                    .strip_prefix(&prefix)
                    .unwrap_or_else(|| panic!("{name}: {text}"));
                assert!(cause.starts_with(&expected), "{name}: {text}");
                assert_eq!(attempts, requests, "{name}");
                crate::assert_no_secret(&format!("{text} {error:?}"));
            }
        }
    }
}

#[tokio::test]
async fn assume_role_drills() {
    run_sts_drills(Operation::AssumeRole, |w| async move {
        w.write(
            ".aws/config",
            "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n\n\
             [profile r1]\nrole_arn = arn:aws:iam::123456789012:role/R1\nsource_profile = base\n",
        );
        let result = w.profile("r1").get().await;
        let prefix = "Profile r1 could not assume role arn:aws:iam::123456789012:role/R1: ";
        (w, result, prefix.to_owned())
    })
    .await;
}

#[tokio::test]
async fn assume_role_with_web_identity_drills() {
    run_sts_drills(Operation::AssumeRoleWithWebIdentity, |mut w| async move {
        w.write("token.jwt", "eyJ.web.1");
        let path = w.path("token.jwt").display().to_string();
        w.set_env("AWS_WEB_IDENTITY_TOKEN_FILE", &path);
        w.set_env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Web");
        let result = WebIdentityTokenCredentialsProvider::builder(w.config())
            .build()
            .get()
            .await;
        let prefix = format!(
            "could not assume role arn:aws:iam::123456789012:role/Web with the web identity token in {path}: "
        );
        (w, result, prefix)
    })
    .await;
}
