//! `ssokit accounts` / `ssokit roles` as a library (SPEC-commands §23, §26 scenario 17):
//! the target's token and portal, every page, the roles fanned out to at most 4 workers
//! under one pacing, 429s retried, the first error stopping all, A-401 naming the login,
//! the profiles of each role, and no secret in errors or traces.

use std::time::Duration;

use ssokit_credentials::{
    AssignedRole, LoginTargetRequest, MAX_IN_FLIGHT, list_accounts, list_roles,
};
use ssokit_fake_portal::{Answer, Operation, Organisation};

use crate::{Capture, World, assert_no_secret};

fn session(name: &str) -> LoginTargetRequest {
    LoginTargetRequest {
        sso_session: Some(name.to_owned()),
        profile: "default".to_owned(),
    }
}

fn profile(name: &str) -> LoginTargetRequest {
    LoginTargetRequest {
        sso_session: None,
        profile: name.to_owned(),
    }
}

fn rows(roles: &[AssignedRole]) -> Vec<String> {
    roles
        .iter()
        .map(|r| {
            format!(
                "{} {} {} [{}]",
                r.account_id(),
                r.account_name().unwrap_or("-"),
                r.role_name(),
                r.profiles().join(",")
            )
        })
        .collect()
}

fn targets(w: &World, operation: Operation) -> Vec<String> {
    w.requests_of(operation)
        .into_iter()
        .map(|r| r.target)
        .collect()
}

/// §26 scenario 17: two pages of three accounts, one `ListAccountRoles` throttled once:
/// 2 + 4 requests with the §23 queries, sorted, `s` on `444455556666` / `SessionRole`.
#[tokio::test]
async fn scenario_17_roles_of_a_session_with_one_throttle() {
    let w = World::new();
    w.write(
        ".aws/config",
        format!(
            "{}\n[profile s2]\nsso_session = dev\nsso_account_id = 444455556666\nsso_role_name = SessionRole\n\n[profile other]\nsso_start_url = https://d-abc123.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 444455556666\nsso_role_name = SessionRole\n",
            w.read(".aws/config")
        ),
    );
    w.portal.script(
        Operation::ListAccountRoles,
        [
            Answer::service_error(
                Operation::ListAccountRoles,
                "TooManyRequestsException",
                "Too many requests",
            ),
            Answer::default_for(Operation::ListAccountRoles),
        ],
    );
    let (capture, _guard) = Capture::start();
    let roles = list_roles(&w.config(), &session("dev"), None)
        .await
        .unwrap();
    assert_eq!(
        rows(&roles),
        [
            "777788889999 Audit ReadOnly []",
            "444455556666 Dev ReadOnly []",
            "444455556666 Dev SessionRole [s,s2]",
            "111122223333 Sandbox LegacyRole []",
            "111122223333 Sandbox ReadOnly []",
        ]
    );
    assert_eq!(
        targets(&w, Operation::ListAccounts),
        [
            "/assignment/accounts?max_result=100",
            "/assignment/accounts?max_result=100&next_token=fake-accounts-from-2",
        ]
    );
    let mut roles_targets = targets(&w, Operation::ListAccountRoles);
    assert_eq!(roles_targets.len(), 4, "three accounts and one retry");
    roles_targets.sort();
    roles_targets.dedup();
    assert_eq!(
        roles_targets,
        [
            "/assignment/roles?account_id=111122223333&max_result=100",
            "/assignment/roles?account_id=444455556666&max_result=100",
            "/assignment/roles?account_id=777788889999&max_result=100",
        ]
    );
    for request in w.portal.requests() {
        assert_eq!(request.header("x-amz-sso_bearer_token"), Some("session-at"));
    }
    assert_eq!(w.posts(), 0, "a valid token is not refreshed");
    assert_no_secret(&capture.text());
}

#[tokio::test]
async fn accounts_sorted_by_name_then_id_and_roles_of_one_account() {
    let w = World::new();
    let accounts = list_accounts(&w.config(), &session("dev")).await.unwrap();
    let names: Vec<(&str, Option<&str>, Option<&str>)> = accounts
        .iter()
        .map(|a| (a.account_id(), a.account_name(), a.email_address()))
        .collect();
    assert_eq!(
        names,
        [
            ("777788889999", Some("Audit"), Some("audit@example.com")),
            ("444455556666", Some("Dev"), Some("dev@example.com")),
            ("111122223333", Some("Sandbox"), Some("sandbox@example.com")),
        ]
    );
    w.portal.reset();
    let roles = list_roles(&w.config(), &profile("s"), Some("444455556666"))
        .await
        .unwrap();
    assert_eq!(
        rows(&roles),
        [
            "444455556666 - ReadOnly []",
            "444455556666 - SessionRole [s]"
        ]
    );
    assert_eq!(w.portal.count(Operation::ListAccounts), 0);
    assert_eq!(w.portal.count(Operation::ListAccountRoles), 1);
}

#[tokio::test]
async fn a_legacy_profile_lists_with_its_own_token_and_profiles() {
    let w = World::new();
    let roles = list_roles(&w.config(), &profile("a"), None).await.unwrap();
    assert!(
        rows(&roles).contains(&"111122223333 Sandbox LegacyRole [a]".to_owned()),
        "{:?}",
        rows(&roles)
    );
    assert!(
        w.portal
            .requests()
            .iter()
            .all(|r| r.header("x-amz-sso_bearer_token") == Some("legacy-at"))
    );
    w.write(
        ".aws/sso/cache/40a89917e3175433e361b710a9d43528d7f1890a.json",
        r#"{"accessToken": "legacy-at", "expiresAt": "2026-03-01T11:00:00Z"}"#,
    );
    w.portal.reset();
    let error = list_accounts(&w.config(), &profile("a")).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile. With ssokit: ssokit login --profile a."
    );
    assert_eq!(w.portal.requests().len(), 0);
}

#[tokio::test]
async fn an_expiring_session_token_is_refreshed_first() {
    let w = World::new();
    w.session_expires_at("\"2026-03-01T12:02:00Z\"");
    list_accounts(&w.config(), &session("dev")).await.unwrap();
    assert_eq!(w.posts(), 1);
    assert!(
        w.requests_of(Operation::ListAccounts)
            .iter()
            .all(|r| r.header("x-amz-sso_bearer_token") == Some("at-2"))
    );
}

#[tokio::test]
async fn a_401_is_a_401_and_names_the_login() {
    let w = World::new();
    w.portal.script(
        Operation::ListAccounts,
        [Answer::service_error(
            Operation::ListAccounts,
            "UnauthorizedException",
            "Session token not found or invalid",
        )],
    );
    let error = list_roles(&w.config(), &profile("s"), None)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "The SSO session for sso-session \"dev\" has expired or is otherwise invalid (UnauthorizedException: Session token not found or invalid). Run \"ssokit login --sso-session dev\"."
    );
    assert_eq!(w.portal.count(Operation::ListAccounts), 1);
    assert_eq!(w.portal.count(Operation::ListAccountRoles), 0);
    let error = list_accounts(&w.config(), &profile("a")).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "The SSO session for start URL https://d-abc123.awsapps.com/start has expired or is otherwise invalid (UnauthorizedException: Session token not found or invalid). Run \"ssokit login --profile a\"."
    );
}

#[tokio::test]
async fn a_repeated_next_token_stops_the_listing() {
    let w = World::new();
    w.portal.script(
        Operation::ListAccounts,
        [Answer::json(
            200,
            r#"{"nextToken":"same","accountList":[{"accountId":"1"}]}"#,
        )],
    );
    let error = list_accounts(&w.config(), &session("dev"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ListAccounts kept returning more pages (nextToken repeated or over 1000 pages); stopping"
    );
}

#[tokio::test]
async fn a_large_organisation_uses_four_workers_and_the_first_error_stops_all() {
    let w = World::new();
    w.portal.organisation(
        Organisation::generated(60, 2)
            .page_size(25)
            .throttle_roles("100000000030", 2),
    );
    w.portal.script(
        Operation::ListAccountRoles,
        [Answer::default_for(Operation::ListAccountRoles).delay(Duration::from_millis(20))],
    );
    let roles = list_roles(&w.config(), &session("dev"), None)
        .await
        .unwrap();
    assert_eq!(roles.len(), 120);
    assert_eq!(roles[0].account_name(), Some("account-0000"));
    assert_eq!(w.portal.count(Operation::ListAccounts), 3);
    assert_eq!(w.portal.count(Operation::ListAccountRoles), 62);
    assert_eq!(w.portal.max_in_flight(), MAX_IN_FLIGHT);

    w.portal.reset();
    let slow = Answer::default_for(Operation::ListAccountRoles).delay(Duration::from_millis(20));
    w.portal.script(
        Operation::ListAccountRoles,
        [
            slow.clone(),
            slow.clone(),
            slow.clone(),
            Answer::service_error(
                Operation::ListAccountRoles,
                "ForbiddenException",
                "No access",
            ),
            slow,
        ],
    );
    let error = list_roles(&w.config(), &session("dev"), None)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ListAccountRoles failed: HTTP 403 ForbiddenException: No access"
    );
    let made = w.portal.count(Operation::ListAccountRoles);
    assert!(made <= 4 + MAX_IN_FLIGHT, "{made} requests after the error");
}
