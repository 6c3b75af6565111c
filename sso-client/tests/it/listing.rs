//! The portal's listings on the wire (SPEC-commands §23): request lines and headers, pages
//! followed in sequence, A-LOOP, A-SHAPE, and the pacing of throttled answers (8 attempts,
//! the retry delays as the shared pause).

use ssokit_fake_portal::{Answer, FakePortal, Operation, Organisation};
use ssokit_http::{Pacing, ServiceError};
use ssokit_sso_client::{
    AccountInfo, Error, ListAccountRolesRequest, ListAccountsRequest, ServiceErrorKind, SsoClient,
};

use crate::{portal, recording_settings, settings};

#[tokio::test]
async fn list_accounts_pages_are_byte_exact_and_followed_in_order() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = portal(fake.url());
    let page = client
        .list_accounts(&endpoint, &ListAccountsRequest::new("session-at"))
        .await
        .unwrap();
    assert_eq!(page.next_token(), Some("fake-accounts-from-2"));
    assert_eq!(page.accounts().len(), 2);
    let all = client
        .list_all_accounts(&endpoint, "session-at")
        .await
        .unwrap();
    assert_eq!(
        all,
        [
            AccountInfo::new(
                "111122223333",
                Some("Sandbox".into()),
                Some("sandbox@example.com".into())
            ),
            AccountInfo::new(
                "444455556666",
                Some("Dev".into()),
                Some("dev@example.com".into())
            ),
            AccountInfo::new(
                "777788889999",
                Some("Audit".into()),
                Some("audit@example.com".into())
            ),
        ]
    );
    let lines: Vec<String> = fake
        .requests()
        .iter()
        .map(ssokit_fake_portal::RecordedRequest::request_line)
        .collect();
    assert_eq!(
        lines,
        [
            "GET /assignment/accounts?max_result=100 HTTP/1.1",
            "GET /assignment/accounts?max_result=100 HTTP/1.1",
            "GET /assignment/accounts?max_result=100&next_token=fake-accounts-from-2 HTTP/1.1",
        ]
    );
    let r = &fake.requests()[0];
    assert_eq!(
        r.header_names(),
        ["host", "user-agent", "x-amz-sso_bearer_token"]
    );
    assert_eq!(r.header("x-amz-sso_bearer_token"), Some("session-at"));
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn list_account_roles_pages_in_sequence() {
    let fake = FakePortal::start().unwrap();
    fake.organisation(Organisation::generated(1, 5).page_size(2));
    let client = SsoClient::new(settings());
    let endpoint = portal(fake.url());
    let roles = client
        .list_all_account_roles(&endpoint, "session-at", "100000000000")
        .await
        .unwrap();
    let names: Vec<&str> = roles
        .iter()
        .map(ssokit_sso_client::RoleInfo::role_name)
        .collect();
    assert_eq!(names, ["Role1", "Role2", "Role3", "Role4", "Role5"]);
    let targets: Vec<String> = fake.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/assignment/roles?account_id=100000000000&max_result=100",
            "/assignment/roles?account_id=100000000000&max_result=100&next_token=fake-roles-100000000000-from-2",
            "/assignment/roles?account_id=100000000000&max_result=100&next_token=fake-roles-100000000000-from-4",
        ]
    );
    let one = client
        .list_account_roles(
            &endpoint,
            &ListAccountRolesRequest::new("session-at", "100000000000")
                .next_token("fake-roles-100000000000-from-4"),
        )
        .await
        .unwrap();
    assert_eq!((one.roles().len(), one.next_token()), (1, None));
}

#[tokio::test]
async fn a_repeated_next_token_is_a_loop_and_a_bad_page_a_shape_error() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::ListAccounts,
        [Answer::json(
            200,
            r#"{"nextToken":"again","accountList":[]}"#,
        )],
    );
    let client = SsoClient::new(settings());
    let endpoint = portal(fake.url());
    let error = client
        .list_all_accounts(&endpoint, "session-at")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ListAccounts kept returning more pages (nextToken repeated or over 1000 pages); stopping"
    );
    assert_eq!(fake.count(Operation::ListAccounts), 2);

    fake.script(
        Operation::ListAccountRoles,
        [Answer::json(200, r#"{"roleList":[{"roleName":""}]}"#)],
    );
    let error = client
        .list_all_account_roles(&endpoint, "session-at", "444455556666")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ListAccountRoles response is not valid: roleList[0].roleName is missing or empty"
    );
    fake.script(Operation::ListAccountRoles, [Answer::raw(200, "<html>")]);
    let error = client
        .list_all_account_roles(&endpoint, "session-at", "444455556666")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "ListAccountRoles response from {}/assignment/roles is not valid JSON (HTTP 200)",
            fake.url()
        )
    );
}

#[tokio::test]
async fn errors_are_typed_and_401_is_not_retried() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        Operation::ListAccounts,
        [Answer::service_error(
            Operation::ListAccounts,
            "UnauthorizedException",
            "Session token not found or invalid",
        )],
    );
    let client = SsoClient::new(settings()).with_pacing(Pacing::new(10, 8));
    let error = client
        .list_all_accounts(&portal(fake.url()), "session-at")
        .await
        .unwrap_err();
    assert_eq!(error.service_kind(), Some(ServiceErrorKind::Unauthorized));
    assert_eq!(error.as_service().map(ServiceError::status), Some(401));
    assert_eq!(fake.count(Operation::ListAccounts), 1);
    assert!(!error.to_string().contains("session-at"));
}

#[tokio::test]
async fn paced_throttles_get_eight_attempts_and_pause_for_the_retry_delays() {
    let fake = FakePortal::start().unwrap();
    let throttled = Answer::service_error(
        Operation::ListAccounts,
        "TooManyRequestsException",
        "Too many requests",
    );
    fake.script(Operation::ListAccounts, [throttled.clone()]);
    let (settings, delays) = recording_settings();
    let paced = SsoClient::new(settings.max_attempts(3)).with_pacing(Pacing::new(0, 8));
    let error = paced
        .list_all_accounts(&portal(fake.url()), "session-at")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ListAccounts failed: HTTP 429 TooManyRequestsException: Too many requests (after 8 attempts)"
    );
    assert_eq!(fake.count(Operation::ListAccounts), 8);
    // SPEC §6's delays (jitter 0.5): before retry i, 0.5 × min(2^i, 20) s.
    let seconds: Vec<f64> = delays
        .lock()
        .unwrap()
        .iter()
        .map(std::time::Duration::as_secs_f64)
        .collect();
    assert_eq!(seconds, [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]);

    // Without pacing, the client's own policy: 3 attempts.
    let plain = SsoClient::new(crate::settings().max_attempts(3));
    let error = plain
        .list_all_accounts(&portal(fake.url()), "session-at")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Http(_)));
    assert_eq!(error.attempts(), 3);

    // A throttle once, then the page: the listing completes.
    fake.script(
        Operation::ListAccounts,
        [throttled, Answer::default_for(Operation::ListAccounts)],
    );
    let accounts = paced
        .list_all_accounts(&portal(fake.url()), "session-at")
        .await
        .unwrap();
    assert_eq!(accounts.len(), 3);
    assert_eq!(fake.count(Operation::ListAccounts), 3);
}
