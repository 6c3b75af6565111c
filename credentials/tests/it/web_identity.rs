//! Web identity: `WebIdentityTokenCredentialsProvider` from the environment and a web
//! identity profile as a chain's base, against the fake STS (SPEC §18 scenarios 11, 12, 20).

use ssokit_credentials::{ErrorCode, ErrorKind, WebIdentityTokenCredentialsProvider};
use ssokit_fake_portal::{Answer, Operation, RecordedRequest};

use crate::{World, assert_no_secret, ts};

const WEB_ROLE: &str = "arn:aws:iam::123456789012:role/Web";

fn web_world() -> World {
    let mut w = World::new();
    w.write("token.jwt", "eyJ.web.1\n");
    let token = w.path("token.jwt").display().to_string();
    w.set_env("AWS_WEB_IDENTITY_TOKEN_FILE", &token);
    w.set_env("AWS_ROLE_ARN", WEB_ROLE);
    w.set_env("AWS_ROLE_SESSION_NAME", "ci");
    w
}

fn provider(w: &World) -> WebIdentityTokenCredentialsProvider {
    WebIdentityTokenCredentialsProvider::builder(w.config()).build()
}

fn web_posts(w: &World) -> Vec<RecordedRequest> {
    w.requests_of(Operation::AssumeRoleWithWebIdentity)
}

#[tokio::test]
async fn s11_environment_web_identity() {
    let w = web_world();
    let provider = provider(&w);
    let creds = provider.get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAWEB1");
    assert_eq!(creds.provider_name(), "WebIdentityToken");
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert_eq!(creds.expire_time(), Some(ts("2026-03-01T13:00:00Z")));
    let posts = web_posts(&w);
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].header("authorization"), None);
    assert_eq!(posts[0].header("x-amz-date"), None);
    assert_eq!(
        posts[0].body_text(),
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FWeb&RoleSessionName=ci&WebIdentityToken=eyJ.web.1%0A"
    );
    // The file is read again at each load.
    w.write("token.jwt", "eyJ.web.2");
    w.clock.set(ts("2026-03-01T12:59:50Z"));
    provider.get().await.unwrap();
    let posts = web_posts(&w);
    assert_eq!(posts.len(), 2);
    assert!(
        posts[1]
            .body_text()
            .ends_with("&WebIdentityToken=eyJ.web.2")
    );
    assert_no_secret(&format!("{provider:?} {creds:?}"));
}

#[tokio::test]
async fn s11_default_session_name_and_the_failures() {
    let mut w = web_world();
    w.unset_env("AWS_ROLE_SESSION_NAME");
    provider(&w).get().await.unwrap();
    assert!(
        web_posts(&w)[0]
            .body_text()
            .contains("&RoleSessionName=ssokit-1772366400000&")
    );

    w.unset_env("AWS_ROLE_ARN");
    let error = provider(&w).get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"
    );
    assert_eq!(error.kind(), ErrorKind::Failed);
    w.set_env("AWS_ROLE_ARN", WEB_ROLE);

    w.remove("token.jwt");
    let error = provider(&w).get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "could not read web identity token file {}: No such file or directory (os error 2)",
            w.path("token.jwt").display()
        )
    );
    assert_eq!(error.code(), ErrorCode::WebIdentityToken);
    assert_eq!(web_posts(&w).len(), 1, "no request without a token");
    w.write("token.jwt", "eyJ.web.1\n");

    w.portal.script(
        Operation::AssumeRoleWithWebIdentity,
        [Answer::sts_error(400, "InvalidIdentityToken", "bad jwt")],
    );
    let error = provider(&w).get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "could not assume role {WEB_ROLE} with the web identity token in {}: AssumeRoleWithWebIdentity failed: HTTP 400 InvalidIdentityToken: bad jwt",
            w.path("token.jwt").display()
        )
    );
    assert_eq!(w.portal.count(Operation::AssumeRoleWithWebIdentity), 1);

    w.portal.script(
        Operation::AssumeRoleWithWebIdentity,
        [
            Answer::sts_error(400, "IDPCommunicationError", "try again"),
            Answer::default_for(Operation::AssumeRoleWithWebIdentity),
        ],
    );
    provider(&w).get().await.unwrap();
    assert_eq!(w.portal.count(Operation::AssumeRoleWithWebIdentity), 2);

    w.set_env("AWS_ROLE_SESSION_NAME", "a b");
    assert_eq!(
        provider(&w).get().await.unwrap_err().to_string(),
        "invalid value \"a b\" for AWS_ROLE_SESSION_NAME: expected 2 to 64 characters from A-Z a-z 0-9 _ + = , . @ -"
    );
}

#[tokio::test]
async fn s12_a_web_identity_profile_as_the_base_of_a_chain() {
    let w = World::new();
    w.write("token.jwt", "eyJ.web.1\n");
    let token = w.path("token.jwt").display().to_string();
    let config = w.read(".aws/config");
    w.write(
        ".aws/config",
        format!(
            "{config}\n[profile a]\nrole_arn = arn:aws:iam::123456789012:role/RA\nsource_profile = b\n\n\
             [profile b]\nrole_arn = arn:aws:iam::123456789012:role/RB\nweb_identity_token_file = {token}\n"
        ),
    );
    let creds = w.profile("a").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIASTS1");
    let requests = w.portal.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].operation,
        Some(Operation::AssumeRoleWithWebIdentity)
    );
    assert!(
        requests[0]
            .body_text()
            .contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FRB")
    );
    assert_eq!(requests[1].operation, Some(Operation::AssumeRole));
    assert!(
        requests[1]
            .header("authorization")
            .unwrap()
            .contains("Credential=ASIAWEB1/")
    );
    assert_eq!(
        requests[1].header("x-amz-security-token"),
        Some("web-token-1")
    );

    w.write(
        ".aws/config",
        format!("{config}\n[profile b]\nweb_identity_token_file = {token}\n"),
    );
    let mut w = w;
    w.set_env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Env");
    let error = w.profile("b").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Profile b sets web_identity_token_file but not role_arn"
    );
    assert_eq!(w.portal.requests().len(), 2, "no request");
}

#[tokio::test]
async fn s20_environment_web_identity_without_home() {
    let mut w = web_world();
    w.unset_env("HOME");
    let creds = provider(&w).get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIAWEB1");
}

#[tokio::test]
async fn unset_is_not_configured() {
    let w = World::new();
    let error = provider(&w).get().await.unwrap_err();
    assert_eq!(error.to_string(), "AWS_WEB_IDENTITY_TOKEN_FILE is not set");
    assert!(error.is_not_configured());
    let mut w = w;
    w.set_env("AWS_ROLE_ARN", WEB_ROLE);
    assert!(provider(&w).get().await.unwrap_err().is_not_configured());
}
