//! Retries, timeouts, the body cap and redirects, counted by the fake.

use std::time::Duration;

use ssokit_fake_portal::{Answer, FakePortal, Operation};
use ssokit_sso_client::{
    CreateTokenRequest, Error, RegisterClientRequest, SsoClient, StartDeviceAuthorizationRequest,
};

use crate::{
    legacy_role_credentials, legacy_role_credentials_error, oidc, recording_settings,
    refresh_token, settings,
};

const GRC: Operation = Operation::GetRoleCredentials;

async fn fails_with(fake: &FakePortal, answer: Answer, client: &SsoClient) -> Error {
    fake.script(GRC, [answer]);
    legacy_role_credentials_error(client, fake.url()).await
}

#[tokio::test]
async fn retryable_statuses_are_retried_three_times() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let cases = [
        (
            Answer::empty(500),
            "GetRoleCredentials failed: HTTP 500 UnknownError: Internal Server Error (after 3 attempts)",
        ),
        (
            Answer::raw(503, "<html>busy</html>").header("content-type", "text/html"),
            "GetRoleCredentials failed: HTTP 503 UnknownError: Service Unavailable (after 3 attempts)",
        ),
        (
            Answer::service_error(GRC, "TooManyRequestsException", "slow down"),
            "GetRoleCredentials failed: HTTP 429 TooManyRequestsException: slow down (after 3 attempts)",
        ),
        (
            Answer::json(400, r#"{"message":"rate exceeded"}"#)
                .header("x-amzn-ErrorType", "ThrottlingException"),
            "GetRoleCredentials failed: HTTP 400 ThrottlingException: rate exceeded (after 3 attempts)",
        ),
    ];
    for (answer, text) in cases {
        let err = fails_with(&fake, answer, &client).await;
        assert_eq!(err.to_string(), text);
        assert_eq!(err.attempts(), 3);
        assert_eq!(fake.count(GRC), 3, "{text}");
    }
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    for status in [400, 401, 403, 404] {
        let err = fails_with(&fake, Answer::empty(status), &client).await;
        assert_eq!(err.as_service().unwrap().status(), status);
        assert_eq!(fake.count(GRC), 1, "HTTP {status}");
    }
}

#[tokio::test]
async fn a_transient_failure_then_success() {
    let fake = FakePortal::start().unwrap();
    fake.script(GRC, [Answer::empty(500), Answer::default_for(GRC)]);
    let client = SsoClient::new(settings());
    let creds = legacy_role_credentials(&client, fake.url()).await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
    assert_eq!(fake.count(GRC), 2);
}

#[tokio::test]
async fn backoff_delays_follow_the_policy() {
    let fake = FakePortal::start().unwrap();
    let (settings, delays) = recording_settings();
    let client = SsoClient::new(settings.max_attempts(4));
    fails_with(&fake, Answer::empty(500), &client).await;
    assert_eq!(fake.count(GRC), 4);
    // jitter 0.5 times min(2^i, 20) s before retry i.
    assert_eq!(
        *delays.lock().unwrap(),
        [
            Duration::from_millis(500),
            Duration::from_secs(1),
            Duration::from_secs(2)
        ]
    );
}

#[tokio::test]
async fn max_attempts_is_configurable() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings().max_attempts(1));
    let err = fails_with(&fake, Answer::empty(503), &client).await;
    assert_eq!(
        err.to_string(),
        "GetRoleCredentials failed: HTTP 503 UnknownError: Service Unavailable"
    );
    assert_eq!(fake.count(GRC), 1);
}

#[tokio::test]
async fn dropped_connections_are_retried() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let err = fails_with(&fake, Answer::drop_connection(), &client).await;
    let url = format!("{}/federation/credentials", fake.url());
    assert_eq!(
        err.to_string(),
        format!(
            "GetRoleCredentials request to {url} failed: connection closed before message completed (after 3 attempts)"
        )
    );
    assert_eq!(fake.count(GRC), 3);
}

#[tokio::test]
async fn truncated_bodies_are_retried() {
    let fake = FakePortal::start().unwrap();
    fake.script(
        GRC,
        [
            Answer::default_for(GRC).truncated(),
            Answer::default_for(GRC),
        ],
    );
    let client = SsoClient::new(settings());
    let creds = legacy_role_credentials(&client, fake.url()).await.unwrap();
    assert_eq!(creds.session_token(), "mockSessionToken");
    assert_eq!(fake.count(GRC), 2);

    let err = fails_with(&fake, Answer::default_for(GRC).truncated(), &client).await;
    let url = format!("{}/federation/credentials", fake.url());
    assert_eq!(
        err.to_string(),
        format!(
            "GetRoleCredentials request to {url} failed: end of file before message length reached (after 3 attempts)"
        )
    );
    assert_eq!(fake.count(GRC), 3);
}

#[tokio::test]
async fn slow_answers_are_cut_at_the_attempt_timeout() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings().attempt_timeout(Duration::from_millis(200)));
    let err = fails_with(
        &fake,
        Answer::default_for(GRC).delay(Duration::from_secs(30)),
        &client,
    )
    .await;
    let url = format!("{}/federation/credentials", fake.url());
    assert_eq!(
        err.to_string(),
        format!(
            "GetRoleCredentials request to {url} failed: no response within 0.2 s (after 3 attempts)"
        )
    );
    assert_eq!(fake.count(GRC), 3);

    fake.script(
        Operation::CreateToken,
        [Answer::default_for(Operation::CreateToken).delay(Duration::from_secs(30))],
    );
    let client = SsoClient::new(
        settings()
            .attempt_timeout(Duration::from_millis(200))
            .max_attempts(1),
    );
    let err = refresh_token(&client, fake.url()).await.unwrap_err();
    assert_eq!(
        err.cause(),
        format!(
            "CreateToken request to {}/token failed: no response within 0.2 s",
            fake.url()
        )
    );
}

#[tokio::test]
async fn a_closed_port_is_an_io_error_after_three_attempts() {
    let port = {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = SsoClient::new(settings());
    let url = format!("http://127.0.0.1:{port}");
    let err = legacy_role_credentials_error(&client, &url).await;
    assert_eq!(
        err.to_string(),
        format!(
            "GetRoleCredentials request to {url}/federation/credentials failed: could not connect to 127.0.0.1:{port}: Connection refused (os error 111) (after 3 attempts)"
        )
    );
}

#[tokio::test]
async fn oversized_bodies_fail_after_one_request() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let url = format!("{}/federation/credentials", fake.url());
    for answer in [
        Answer::oversized(2 * 1024 * 1024),
        Answer::oversized(2 * 1024 * 1024).chunked(),
        Answer::oversized(1024 * 1024 + 1).chunked(),
    ] {
        let err = fails_with(&fake, answer, &client).await;
        assert_eq!(
            err.to_string(),
            format!("GetRoleCredentials response from {url} exceeds 1 MiB")
        );
        assert_eq!(fake.count(GRC), 1);
    }
    // Exactly 1 MiB is allowed (and then is not JSON).
    let err = fails_with(&fake, Answer::oversized(1024 * 1024).chunked(), &client).await;
    assert_eq!(
        err.to_string(),
        format!("GetRoleCredentials response from {url} is not valid JSON (HTTP 200)")
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let answer = Answer::empty(307).header("location", "http://127.0.0.1:1/elsewhere");
    let err = fails_with(&fake, answer, &client).await;
    assert_eq!(
        err.to_string(),
        "GetRoleCredentials failed: HTTP 307 UnknownError: Temporary Redirect"
    );
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn register_client_retries_slow_down_as_a_throttle() {
    let fake = FakePortal::start().unwrap();
    let (settings, delays) = recording_settings();
    let client = SsoClient::new(settings);
    let endpoint = oidc(fake.url());
    let registration = RegisterClientRequest::device_code("ssokit-client-dev");
    let slow_down =
        || Answer::service_error(Operation::RegisterClient, "SlowDownException", "Slow down");
    fake.script(
        Operation::RegisterClient,
        [
            slow_down(),
            slow_down(),
            Answer::default_for(Operation::RegisterClient),
        ],
    );
    let registered = client
        .register_client(&endpoint, &registration)
        .await
        .unwrap();
    assert_eq!(registered.client_id(), "client-1");
    assert_eq!(fake.count(Operation::RegisterClient), 3);
    assert_eq!(
        *delays.lock().unwrap(),
        [Duration::from_millis(500), Duration::from_secs(1)]
    );

    fake.script(Operation::RegisterClient, [slow_down()]);
    let err = client
        .register_client(&endpoint, &registration)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "RegisterClient failed: HTTP 400 SlowDownException: Slow down (after 3 attempts)"
    );
    assert_eq!(fake.count(Operation::RegisterClient), 3);

    // StartDeviceAuthorization's and CreateToken's SlowDownException are not throttles.
    fake.script(
        Operation::StartDeviceAuthorization,
        [Answer::service_error(
            Operation::StartDeviceAuthorization,
            "SlowDownException",
            "Slow down",
        )],
    );
    let err = client
        .start_device_authorization(
            &endpoint,
            &StartDeviceAuthorizationRequest::new("client-1", "csecret-1", "https://x"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(fake.count(Operation::StartDeviceAuthorization), 1);
}

#[tokio::test]
async fn the_login_operations_retry_server_errors() {
    let fake = FakePortal::start().unwrap();
    let client = SsoClient::new(settings());
    let endpoint = oidc(fake.url());
    fake.script(
        Operation::RegisterClient,
        [
            Answer::empty(503),
            Answer::default_for(Operation::RegisterClient),
        ],
    );
    client
        .register_client(&endpoint, &RegisterClientRequest::device_code("n"))
        .await
        .unwrap();
    assert_eq!(fake.count(Operation::RegisterClient), 2);
    fake.script(
        Operation::StartDeviceAuthorization,
        [
            Answer::drop_connection(),
            Answer::default_for(Operation::StartDeviceAuthorization),
        ],
    );
    let device = client
        .start_device_authorization(
            &endpoint,
            &StartDeviceAuthorizationRequest::new("client-1", "csecret-1", "https://x"),
        )
        .await
        .unwrap();
    assert_eq!(device.device_code(), "device-code-1");
    assert_eq!(fake.count(Operation::StartDeviceAuthorization), 2);
    fake.script(
        Operation::CreateToken,
        [
            Answer::service_error(Operation::CreateToken, "InternalServerException", "oops"),
            Answer::default_for(Operation::CreateToken),
        ],
    );
    let token = client
        .create_token(
            &endpoint,
            &CreateTokenRequest::device_code("client-1", "csecret-1", "device-code-1"),
        )
        .await
        .unwrap();
    assert_eq!(token.access_token(), "at-login");
    assert_eq!(fake.count(Operation::CreateToken), 2);
}
