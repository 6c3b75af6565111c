//! `ImdsCredentialsProvider` against the fake IMDS (SPEC §18 scenarios 14, 15, 17, 18): the
//! token and its reuse, the extended and legacy paths, the IMDSv1 rule, a role chain over
//! instance credentials, static stability.

use std::sync::Arc;

use ssokit_credentials::{ErrorCode, ErrorKind, ImdsCredentialsProvider};
use ssokit_fake_portal::{Answer, Operation};

use crate::{Capture, World, assert_no_secret, ts};

fn imds_world() -> World {
    let mut w = World::new();
    w.use_fake_imds();
    w
}

fn provider(w: &World) -> ImdsCredentialsProvider {
    ImdsCredentialsProvider::builder(w.config())
        .random(|| 0.0)
        .build()
}

/// The IMDS requests the fake saw, as `METHOD path`.
fn imds_log(w: &World) -> Vec<String> {
    w.portal
        .requests()
        .iter()
        .filter(|r| r.target.starts_with("/latest/"))
        .map(|r| format!("{} {}", r.method, r.target))
        .collect()
}

#[tokio::test]
async fn s14_one_token_for_many_loads_and_the_extended_path() {
    let w = imds_world();
    let provider = provider(&w);
    let creds = provider.get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    assert_eq!(creds.account_id(), Some("210987654321"));
    assert_eq!(creds.expire_time(), Some(ts("2026-03-01T18:00:00Z")));
    assert_eq!(creds.provider_name(), "Imds");
    let requests = w.portal.requests();
    assert_eq!(
        requests[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert_eq!(
        requests[1].header("x-aws-ec2-metadata-token"),
        Some("imds-token-1")
    );
    assert_eq!(
        imds_log(&w),
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials-extended/",
            "GET /latest/meta-data/iam/security-credentials-extended/role-1",
        ]
    );
    provider.refresh().await.unwrap();
    assert_eq!(imds_log(&w).len(), 5, "two GETs, no PUT");
    w.clock.set(ts("2026-03-01T17:58:00Z"));
    provider.refresh().await.unwrap();
    let log = imds_log(&w);
    assert_eq!(log[5], "PUT /latest/api/token", "the token's TTL is over");
    assert_eq!(log.len(), 8);
    assert_no_secret(&format!("{provider:?} {creds:?} {creds}"));
}

#[tokio::test]
async fn s14_without_the_extended_path_the_legacy_one_for_good() {
    let w = imds_world();
    for op in [
        Operation::ImdsExtendedRoles,
        Operation::ImdsExtendedCredentials,
    ] {
        w.portal.script(op, [Answer::empty(404)]);
    }
    let provider = provider(&w);
    let creds = provider.get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    assert_eq!(creds.account_id(), None);
    provider.refresh().await.unwrap();
    assert_eq!(
        imds_log(&w),
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials-extended/",
            "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/role-1",
            "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/role-1",
        ]
    );
}

#[tokio::test]
async fn s15_the_imdsv1_fallback_and_its_switch() {
    let mut w = imds_world();
    w.portal.script(Operation::ImdsToken, [Answer::empty(403)]);
    let creds = provider(&w).get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    assert!(
        w.portal
            .requests()
            .iter()
            .skip(1)
            .all(|r| r.header("x-aws-ec2-metadata-token").is_none()),
        "tokenless GETs"
    );

    w.portal.reset();
    w.portal.script(Operation::ImdsToken, [Answer::empty(403)]);
    w.set_env("AWS_EC2_METADATA_V1_DISABLED", "true");
    let error = provider(&w).get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the IMDSv2 token request to {} returned HTTP 403 and the IMDSv1 fallback is disabled by AWS_EC2_METADATA_V1_DISABLED",
            w.portal.url()
        )
    );
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert_eq!(imds_log(&w), ["PUT /latest/api/token"], "no GET");

    w.unset_env("AWS_EC2_METADATA_V1_DISABLED");
    w.portal.reset();
    w.portal.script(Operation::ImdsToken, [Answer::empty(400)]);
    let error = provider(&w).get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "instance metadata request PUT /latest/api/token to {} failed: HTTP 400",
            w.portal.url()
        )
    );
    assert_eq!(imds_log(&w), ["PUT /latest/api/token"], "no GET");
}

#[tokio::test]
async fn s17_no_role_and_a_role_chain_over_instance_credentials() {
    let w = imds_world();
    for op in [Operation::ImdsExtendedRoles, Operation::ImdsRoles] {
        w.portal.script(op, [Answer::empty(404)]);
    }
    let error = provider(&w).get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the instance metadata service at {} lists no IAM role (no instance profile attached)",
            w.portal.url()
        )
    );
    assert!(error.is_not_configured());
    assert_eq!(error.code(), ErrorCode::ImdsUnavailable);

    w.write(
        ".aws/config",
        "[default]\nrole_arn = arn:aws:iam::123456789012:role/R1\ncredential_source = Ec2InstanceMetadata\n",
    );
    let error = w.profile("default").get().await.unwrap_err();
    assert!(
        error.to_string().starts_with(
            "Profile default could not get credentials from credential_source = Ec2InstanceMetadata: the instance metadata service at "
        ),
        "{error}"
    );
    assert_eq!(error.kind(), ErrorKind::Failed);

    w.portal.reset();
    w.portal
        .trust_keys("ASIAIMDS", "imds-secret", Some("imds-token"));
    let creds = w.profile("default").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIASTS1");
    let posts = w.requests_of(Operation::AssumeRole);
    assert_eq!(posts.len(), 1);
    assert!(
        posts[0]
            .header("authorization")
            .unwrap()
            .contains("Credential=ASIAIMDS/")
    );
    assert_eq!(posts[0].header("x-amz-security-token"), Some("imds-token"));
}

const SHORT: &str = r#"{"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds-secret","Token":"imds-token","Expiration":"2026-03-01T12:10:00Z"}"#;

#[tokio::test]
async fn s18_static_stability() {
    let (capture, _guard) = Capture::start();
    let w = imds_world();
    w.portal.script(
        Operation::ImdsExtendedCredentials,
        [Answer::json(200, SHORT)],
    );
    let provider = provider(&w);
    provider.get().await.unwrap();
    w.clock.set(ts("2026-03-01T12:09:50Z"));
    w.portal
        .script(Operation::ImdsExtendedRoles, [Answer::empty(500)]);
    let creds = provider.get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAIMDS");
    assert_eq!(creds.expire_time(), Some(ts("2026-03-01T12:14:50Z")));
    let warnings: Vec<String> = capture
        .lines()
        .into_iter()
        .filter(|l| l.contains("IMDS credential refresh failed"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("using the previous credentials until 2026-03-01T12:14:50Z"));
    let before = w.portal.requests().len();
    w.clock.set(ts("2026-03-01T12:10:30Z"));
    provider.get().await.unwrap();
    assert_eq!(w.portal.requests().len(), before, "no request");
    assert_no_secret(&capture.text());

    // The same failure before any success is the error.
    let fresh = imds_world();
    fresh
        .portal
        .script(Operation::ImdsExtendedRoles, [Answer::empty(500)]);
    let error = Arc::new(self::provider(&fresh)).get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "instance metadata request GET /latest/meta-data/iam/security-credentials-extended/ to {} failed: HTTP 500 (after 3 attempts)",
            fresh.portal.url()
        )
    );
    assert_eq!(fresh.portal.count(Operation::ImdsExtendedRoles), 3);
}

#[tokio::test]
async fn expired_credentials_from_imds_are_extended_with_a_warning() {
    let (capture, _guard) = Capture::start();
    let w = imds_world();
    w.clock.set(ts("2026-03-01T12:20:00Z"));
    w.portal.script(
        Operation::ImdsExtendedCredentials,
        [Answer::json(200, SHORT)],
    );
    let creds = provider(&w).get().await.unwrap();
    assert_eq!(creds.expire_time(), Some(ts("2026-03-01T12:25:00Z")));
    assert!(
        capture.text().contains(
            "IMDS returned credentials that expired at 2026-03-01T12:10:00Z; using them until 2026-03-01T12:25:00Z"
        ),
        "{}",
        capture.text()
    );
}

#[tokio::test]
async fn disabled_and_bad_settings() {
    let mut w = World::new();
    let error = provider(&w).get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "IMDS is disabled (AWS_EC2_METADATA_DISABLED=true)"
    );
    assert!(error.is_not_configured());
    w.set_env("AWS_EC2_METADATA_DISABLED", "maybe");
    let error = provider(&w).get().await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Bool);
    assert_eq!(error.kind(), ErrorKind::Failed);
    w.unset_env("AWS_EC2_METADATA_DISABLED");
    w.set_env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5");
    assert_eq!(
        provider(&w).get().await.unwrap_err().to_string(),
        "invalid value \"IPv5\" for AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: expected IPv4 or IPv6"
    );
    assert!(w.portal.requests().is_empty());
}
