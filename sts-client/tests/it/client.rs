//! Both operations against fake-portal's STS, which checks every signature with sigv4.

use std::time::Duration;

use jiff::Timestamp;
use ssokit_fake_portal::{Answer, FakePortal, Operation};
use ssokit_http::{EndpointConfig, EndpointOverride, HttpSettings};
use ssokit_sigv4::SigningKeys;
use ssokit_sts_client::{
    AssumeRoleRequest, Error, Mfa, Sts, StsClient, StsEndpoint, WebIdentityRequest,
};

const ROLE: &str = "arn:aws:iam::123456789012:role/RoleA";

fn now() -> Timestamp {
    "2026-03-01T12:00:00Z".parse().unwrap()
}

fn endpoint(portal: &FakePortal) -> StsEndpoint {
    let config = EndpointConfig::new()
        .region("us-east-1")
        .endpoint_override(Some(EndpointOverride::new(
            portal.url(),
            "AWS_ENDPOINT_URL_STS",
        )));
    StsEndpoint::resolve(&config, Sts::regional()).unwrap()
}

fn client() -> StsClient {
    StsClient::new(HttpSettings::default().without_retry_delay())
}

const BASE: SigningKeys<'static> = SigningKeys {
    access_key_id: "AKIDBASE",
    secret_access_key: "base-secret",
    session_token: None,
};

fn portal() -> FakePortal {
    let portal = FakePortal::start().unwrap();
    portal.trust_keys("AKIDBASE", "base-secret", None);
    portal
}

#[tokio::test]
async fn a_signed_assume_role_is_accepted_and_read() {
    let portal = portal();
    let request = AssumeRoleRequest::new(ROLE, "ssokit-1772366400000")
        .external_id(Some("ext".to_owned()))
        .mfa(Some(Mfa::new("arn:aws:iam::123456789012:mfa/me", "123456")));
    let credentials = client()
        .assume_role(&endpoint(&portal), BASE, now(), &request)
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "ASIASTS1");
    assert_eq!(credentials.secret_access_key(), "sts-secret-1");
    assert_eq!(credentials.session_token(), "sts-token-1");
    assert_eq!(
        credentials.expiration(),
        "2026-03-01T13:00:00Z".parse().unwrap()
    );
    assert_eq!(credentials.account_id(), Some("123456789012"));
    let sent = &portal.requests()[0];
    assert_eq!(sent.request_line(), "POST / HTTP/1.1");
    let authorization = sent.header("authorization").unwrap();
    assert!(
        authorization.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDBASE/20260301/us-east-1/sts/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date, Signature="
        ),
        "{authorization}"
    );
    assert_eq!(sent.header("x-amz-date"), Some("20260301T120000Z"));
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(sent.header("x-amz-security-token"), None);
    assert!(
        sent.body_text()
            .ends_with("&DurationSeconds=3600&ExternalId=ext&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme&TokenCode=123456")
    );
}

#[tokio::test]
async fn temporary_keys_sign_with_their_token_and_issued_keys_chain() {
    let portal = portal();
    let sts = client();
    let first = sts
        .assume_role(
            &endpoint(&portal),
            BASE,
            now(),
            &AssumeRoleRequest::new(ROLE, "hop-1"),
        )
        .await
        .unwrap();
    let keys = SigningKeys {
        access_key_id: first.access_key_id(),
        secret_access_key: first.secret_access_key(),
        session_token: Some(first.session_token()),
    };
    let role_b = "arn:aws:iam::444455556666:role/RoleB";
    let second = sts
        .assume_role(
            &endpoint(&portal),
            keys,
            now(),
            &AssumeRoleRequest::new(role_b, "hop-2"),
        )
        .await
        .unwrap();
    assert_eq!(second.access_key_id(), "ASIASTS2");
    assert_eq!(second.account_id(), Some("444455556666"));
    let sent = &portal.requests()[1];
    assert_eq!(sent.header("x-amz-security-token"), Some("sts-token-1"));
    assert!(sent.header("authorization").unwrap().contains(
        "SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token,"
    ));
}

#[tokio::test]
async fn a_forged_signature_is_refused_and_not_retried() {
    let portal = portal();
    let forged = SigningKeys {
        secret_access_key: "not-the-secret",
        ..BASE
    };
    let error = client()
        .assume_role(
            &endpoint(&portal),
            forged,
            now(),
            &AssumeRoleRequest::new(ROLE, "s"),
        )
        .await
        .unwrap_err();
    let service = error.as_service().unwrap();
    assert_eq!(
        (service.status(), service.code()),
        (403, "SignatureDoesNotMatch")
    );
    assert!(error.to_string().starts_with("AssumeRole failed: HTTP 403 SignatureDoesNotMatch: The request signature we calculated does not match"));
    assert_eq!(error.attempts(), 1);
    assert_eq!(portal.count(Operation::AssumeRole), 1);
    for secret in ["not-the-secret", "base-secret"] {
        assert!(!format!("{error} {error:?}").contains(secret));
    }
}

#[tokio::test]
async fn web_identity_is_unsigned_and_its_errors_are_sts_errors() {
    let portal = portal();
    let request = WebIdentityRequest::new(ROLE, "web-1", "eyJ.token.sig\n");
    let credentials = client()
        .assume_role_with_web_identity(&endpoint(&portal), &request)
        .await
        .unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAWEB1");
    let sent = &portal.requests()[0];
    assert_eq!(sent.header("authorization"), None);
    assert!(
        sent.body_text()
            .contains("&WebIdentityToken=eyJ.token.sig%0A")
    );
    assert!(!format!("{request:?}").contains("eyJ"));

    let empty = WebIdentityRequest::new(ROLE, "web-2", " ");
    let error = client()
        .assume_role_with_web_identity(&endpoint(&portal), &empty)
        .await
        .unwrap_err();
    assert_eq!(error.as_service().unwrap().code(), "InvalidIdentityToken");
    assert_eq!(error.attempts(), 1, "a bad token stays bad");
}

#[tokio::test]
async fn idp_communication_errors_throttling_and_5xx_are_retried() {
    let portal = portal();
    let web = WebIdentityRequest::new(ROLE, "web", "token");
    for first in [
        Answer::sts_error(400, "IDPCommunicationError", "the IdP did not answer"),
        Answer::sts_error(400, "Throttling", "Rate exceeded"),
        Answer::sts_error(503, "ServiceUnavailable", "busy"),
    ] {
        portal.script(
            Operation::AssumeRoleWithWebIdentity,
            [
                first,
                Answer::default_for(Operation::AssumeRoleWithWebIdentity),
            ],
        );
        client()
            .assume_role_with_web_identity(&endpoint(&portal), &web)
            .await
            .unwrap();
        assert_eq!(portal.count(Operation::AssumeRoleWithWebIdentity), 2);
    }
}

#[tokio::test]
async fn answers_that_are_not_sts_xml() {
    let portal = portal();
    let web = WebIdentityRequest::new(ROLE, "web", "token");
    let fails = |answer: Answer| {
        portal.script(Operation::AssumeRoleWithWebIdentity, [answer]);
        let endpoint = endpoint(&portal);
        let web = web.clone();
        async move {
            client()
                .assume_role_with_web_identity(&endpoint, &web)
                .await
                .unwrap_err()
        }
    };
    let error = fails(Answer::raw(200, "{\"not\": \"xml\"}")).await;
    assert!(
        error
            .to_string()
            .starts_with("STS returned an invalid AssumeRoleWithWebIdentity response (not XML: "),
        "{error}"
    );
    let error = fails(Answer::raw(200, "<html>maintenance</html>")).await;
    assert_eq!(
        error.to_string(),
        "STS returned an invalid AssumeRoleWithWebIdentity response (AssumeRoleWithWebIdentityResult is missing)"
    );
    let error = fails(Answer::oversized(2 * 1024 * 1024)).await;
    assert!(
        matches!(error, Error::Http(ssokit_http::Error::BodyTooLarge { .. })),
        "{error}"
    );
    let error = fails(Answer::raw(500, "<html>oops</html>").delay(Duration::ZERO)).await;
    assert_eq!(error.as_service().unwrap().code(), "UnknownError");
    assert_eq!(error.attempts(), 3);
}
