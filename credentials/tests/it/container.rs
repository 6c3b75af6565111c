//! `ContainerCredentialsProvider` against the fake container endpoint (SPEC §18 scenario
//! 13): the query, the token file read at every load, CR/LF refused, the allowed hosts,
//! retries.

use ssokit_credentials::{ContainerCredentialsProvider, ErrorCode, ErrorKind};
use ssokit_fake_portal::{Answer, Operation};

use crate::{Capture, World, assert_no_secret, ts};

/// A world whose container variables point at the fake, with a token file and variable.
fn container_world() -> World {
    let mut w = World::new();
    w.write("pod-token", "pod-token-1");
    let file = w.path("pod-token").display().to_string();
    let url = format!("{}/creds?task=1", w.portal.url());
    w.set_env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url);
    w.set_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &file);
    w.set_env("AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token");
    w
}

#[tokio::test]
async fn s13_the_container_endpoint_with_a_rotating_token_file() {
    let (capture, _guard) = Capture::start();
    let w = container_world();
    let provider = ContainerCredentialsProvider::new(w.config());
    let creds = provider.get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIACONT");
    assert_eq!(creds.account_id(), Some("111122223333"));
    assert_eq!(creds.provider_name(), "Container");
    assert_eq!(creds.expire_time(), Some(ts("2026-03-01T13:00:00Z")));
    let gets = w.requests_of(Operation::ContainerCredentials);
    assert_eq!(gets.len(), 1);
    assert_eq!(gets[0].target, "/creds?task=1");
    assert_eq!(gets[0].header("authorization"), Some("pod-token-1"));
    assert_eq!(gets[0].header("accept"), Some("application/json"));

    w.write("pod-token", "pod-token-2");
    provider.refresh().await.unwrap();
    let gets = w.requests_of(Operation::ContainerCredentials);
    assert_eq!(gets.len(), 2);
    assert_eq!(gets[1].header("authorization"), Some("pod-token-2"));
    assert_no_secret(&format!("{provider:?} {creds:?} {creds}"));
    let trace = capture.text();
    assert!(trace.contains("container credentials"), "{trace}");
    assert_no_secret(&trace);
}

#[tokio::test]
async fn s13_bad_tokens_and_hosts_send_nothing() {
    let mut w = container_world();
    w.write("pod-token", "pod-token-1\n");
    let error = ContainerCredentialsProvider::new(w.config())
        .get()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the container authorization token from {} contains CR or LF",
            w.path("pod-token").display()
        )
    );
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert_eq!(error.code(), ErrorCode::Container);

    w.remove("pod-token");
    let error = ContainerCredentialsProvider::new(w.config())
        .get()
        .await
        .unwrap_err();
    assert!(
        error.to_string().starts_with(&format!(
            "could not read {} (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): ",
            w.path("pod-token").display()
        )),
        "{error}"
    );

    w.unset_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    w.set_env(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://192.0.2.10/creds",
    );
    let error = ContainerCredentialsProvider::new(w.config())
        .get()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "refusing container credentials over plain http from 192.0.2.10 (AWS_CONTAINER_CREDENTIALS_FULL_URI): allowed are loopback, 169.254.170.2, 169.254.170.23 and fd00:ec2::23, or https"
    );
    assert!(w.portal.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn s13_the_variable_token_when_there_is_no_file_and_retries() {
    let mut w = container_world();
    w.unset_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    ContainerCredentialsProvider::new(w.config())
        .get()
        .await
        .unwrap();
    assert_eq!(
        w.requests_of(Operation::ContainerCredentials)[0].header("authorization"),
        Some("env-token")
    );

    w.portal
        .script(Operation::ContainerCredentials, [Answer::empty(500)]);
    let error = ContainerCredentialsProvider::new(w.config())
        .get()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "container credentials request to {}/creds failed: HTTP 500 UnknownError: Internal Server Error (after 3 attempts)",
            w.portal.url()
        )
    );
    assert_eq!(w.portal.count(Operation::ContainerCredentials), 3);
}

#[tokio::test]
async fn unset_is_not_configured() {
    let w = World::new();
    let error = ContainerCredentialsProvider::new(w.config())
        .get()
        .await
        .unwrap_err();
    assert!(error.is_not_configured());
    assert_eq!(error.code(), ErrorCode::ContainerNotSet);
}
