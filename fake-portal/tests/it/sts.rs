//! The fake STS over the wire: requests signed here with ssokit-sigv4, sent raw.

use std::time::{Duration, Instant};

use ssokit_fake_portal::{Answer, FakePortal, Operation};
use ssokit_sigv4::{SignableRequest, SigningKeys, SigningParams, sign};

use crate::{Raw, exchange, get, parse};

const FORM: &str = "application/x-www-form-urlencoded";

/// SPEC §14.3's body: role R1, session `ssokit-1772366400000`, 3600 s.
const R1_BODY: &str = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FRoleA&RoleSessionName=ssokit-1772366400000&DurationSeconds=3600";

fn keys<'a>(id: &'a str, secret: &'a str, token: Option<&'a str>) -> SigningKeys<'a> {
    SigningKeys {
        access_key_id: id,
        secret_access_key: secret,
        session_token: token,
    }
}

/// `AssumeRole`'s body for `role` (a name in account 123456789012) and `session`.
fn assume_role_body(role: &str, session: &str) -> String {
    format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2F{role}&RoleSessionName={session}&DurationSeconds=3600"
    )
}

/// A raw `POST /` as ssokit sends it (SPEC §14.1): `host`, `content-type`,
/// `content-length` signed with `keys` for `region`/`service` at the fixtures' clock,
/// `user-agent` added after signing. `host` defaults to the fake's address.
fn signed_request(
    keys: SigningKeys<'_>,
    region: &str,
    service: &str,
    host: &str,
    body: &str,
) -> (String, String) {
    let length = body.len().to_string();
    let headers = [
        ("host", host),
        ("content-type", FORM),
        ("content-length", length.as_str()),
    ];
    let time = "2026-03-01T12:00:00Z".parse().unwrap();
    let params = SigningParams::new(keys, region, service, time);
    let request = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body: body.as_bytes(),
    };
    let signed = sign(&request, &params);
    let mut raw = String::from("POST / HTTP/1.1\r\n");
    let added = signed.headers().iter().map(|(n, v)| (*n, v.as_str()));
    for (name, value) in headers.into_iter().chain(added) {
        raw.push_str(name);
        raw.push_str(": ");
        raw.push_str(value);
        raw.push_str("\r\n");
    }
    raw.push_str("user-agent: ssokit/0.1.0\r\nconnection: close\r\n\r\n");
    raw.push_str(body);
    (raw, signed.signature().to_owned())
}

/// Signs `body` for `sts` in us-east-1 with `keys` and sends it to `fake`.
fn assume_role(fake: &FakePortal, keys: SigningKeys<'_>, body: &str) -> Raw {
    let host = format!("127.0.0.1:{}", fake.port());
    let (raw, _) = signed_request(keys, "us-east-1", "sts", &host, body);
    parse(&exchange(fake.addr(), &raw))
}

/// An unsigned form `POST /`, with extra header lines `extra` (each ending `\r\n`).
fn unsigned(fake: &FakePortal, extra: &str, body: &str) -> Raw {
    parse(&exchange(
        fake.addr(),
        &format!(
            "POST / HTTP/1.1\r\nhost: 127.0.0.1:{}\r\ncontent-type: {FORM}\r\ncontent-length: {}\r\n{extra}user-agent: ssokit/0.1.0\r\nconnection: close\r\n\r\n{body}",
            fake.port(),
            body.len()
        ),
    ))
}

/// STS's error document with the answer's own request id.
fn sts_error_body(answer: &Raw, kind: &str, code: &str, message: &str) -> String {
    let id = answer.header("x-amzn-requestid").unwrap();
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{code}</Code>\n    <Message>{message}</Message>\n  </Error>\n  <RequestId>{id}</RequestId>\n</ErrorResponse>\n"
    )
}

/// Asserts an STS error answer, whole.
fn assert_sts_error(answer: &Raw, status_line: &str, code: &str, message: &str) {
    assert_eq!(answer.status_line, status_line, "{}", answer.body_text());
    assert_eq!(answer.header("content-type"), Some("text/xml"));
    assert_eq!(
        answer.body_text(),
        sts_error_body(answer, "Sender", code, message)
    );
}

/// The text of the first `<tag>` of an answer.
fn element(answer: &Raw, tag: &str) -> String {
    let text = answer.body_text();
    let start = text
        .find(&format!("<{tag}>"))
        .unwrap_or_else(|| panic!("no <{tag}> in {text}"))
        + tag.len()
        + 2;
    let end = start + text[start..].find(&format!("</{tag}>")).unwrap();
    text[start..end].to_owned()
}

const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const INVALID_TOKEN: &str = "The security token included in the request is invalid.";

#[test]
fn a_signed_assume_role_gets_new_keys_in_sts_shape() {
    let fake = FakePortal::start().unwrap();
    fake.trust_keys("AKIDBASE", "base-secret", None);
    let r = assume_role(
        &fake,
        keys("AKIDBASE", "base-secret", None),
        &assume_role_body("R1", "ssokit-1772366400000"),
    );
    assert_eq!(r.status_line, "HTTP/1.1 200 OK", "{}", r.body_text());
    assert_eq!(r.header("content-type"), Some("text/xml"));
    let id = r.header("x-amzn-requestid").unwrap();
    assert_eq!(id.len(), 36);
    let role_id = element(&r, "AssumedRoleId");
    assert!(
        role_id.starts_with("AROA") && role_id.ends_with(":ssokit-1772366400000"),
        "{role_id}"
    );
    assert_eq!(
        r.body_text(),
        format!(
            r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>{role_id}</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/R1/ssokit-1772366400000</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIASTS1</AccessKeyId>
      <SecretAccessKey>sts-secret-1</SecretAccessKey>
      <SessionToken>sts-token-1</SessionToken>
      <Expiration>2026-03-01T13:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>{id}</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
"#
        )
    );
    // Each call issues new keys; the role id is the role's.
    let again = assume_role(
        &fake,
        keys("AKIDBASE", "base-secret", None),
        &assume_role_body("R1", "other"),
    );
    assert_eq!(element(&again, "AccessKeyId"), "ASIASTS2");
    assert_eq!(
        element(&again, "AssumedRoleId"),
        role_id.replace("ssokit-1772366400000", "other")
    );
    assert_ne!(again.header("x-amzn-requestid"), Some(id));
    assert_eq!(fake.count(Operation::AssumeRole), 2);
}

#[test]
fn the_spec_vector_passes_the_check() {
    let fake = FakePortal::start().unwrap();
    fake.trust_keys(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    );
    let (raw, signature) = signed_request(
        keys(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        ),
        "us-east-1",
        "sts",
        "sts.us-east-1.amazonaws.com",
        R1_BODY,
    );
    assert_eq!(
        signature,
        "6a49e61dbfda617e91601888ee51176e8653027579580af8071cc33606c40c3f"
    );
    let r = parse(&exchange(fake.addr(), &raw));
    assert_eq!(r.status_line, "HTTP/1.1 200 OK", "{}", r.body_text());
    assert_eq!(
        element(&r, "Arn"),
        "arn:aws:sts::123456789012:assumed-role/RoleA/ssokit-1772366400000"
    );
    let log = fake.requests();
    assert_eq!(log[0].operation, Some(Operation::AssumeRole));
    assert_eq!(
        log[0].header("authorization"),
        Some(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/us-east-1/sts/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date, Signature=6a49e61dbfda617e91601888ee51176e8653027579580af8071cc33606c40c3f"
        )
    );
}

#[test]
fn a_wrong_secret_is_signature_does_not_match() {
    let fake = FakePortal::start().unwrap();
    fake.trust_keys("AKIDBASE", "base-secret", None);
    let r = assume_role(&fake, keys("AKIDBASE", "base-secreX", None), R1_BODY);
    assert_sts_error(
        &r,
        "HTTP/1.1 403 Forbidden",
        "SignatureDoesNotMatch",
        SIGNATURE_MISMATCH,
    );
    // A body changed after signing fails the same way.
    let host = format!("127.0.0.1:{}", fake.port());
    let (raw, _) = signed_request(
        keys("AKIDBASE", "base-secret", None),
        "us-east-1",
        "sts",
        &host,
        R1_BODY,
    );
    let tampered = raw.replace("RoleA", "RoleB");
    let r = parse(&exchange(fake.addr(), &tampered));
    assert_sts_error(
        &r,
        "HTTP/1.1 403 Forbidden",
        "SignatureDoesNotMatch",
        SIGNATURE_MISMATCH,
    );
    // Any region is accepted; another service is not.
    let r = parse(&exchange(
        fake.addr(),
        &signed_request(
            keys("AKIDBASE", "base-secret", None),
            "eu-west-1",
            "sts",
            &host,
            R1_BODY,
        )
        .0,
    ));
    assert_eq!(r.status_line, "HTTP/1.1 200 OK", "{}", r.body_text());
    let r = parse(&exchange(
        fake.addr(),
        &signed_request(
            keys("AKIDBASE", "base-secret", None),
            "us-east-1",
            "iam",
            &host,
            R1_BODY,
        )
        .0,
    ));
    assert_sts_error(
        &r,
        "HTTP/1.1 403 Forbidden",
        "SignatureDoesNotMatch",
        "Credential should be scoped to correct service: 'sts'. ",
    );
    assert_eq!(fake.count(Operation::AssumeRole), 4);
}

#[test]
fn an_unknown_key_is_invalid_client_token_id() {
    let fake = FakePortal::start().unwrap();
    let r = assume_role(&fake, keys("AKIDNOBODY", "secret", None), R1_BODY);
    assert_sts_error(
        &r,
        "HTTP/1.1 403 Forbidden",
        "InvalidClientTokenId",
        INVALID_TOKEN,
    );
}

#[test]
fn the_session_token_must_be_the_keys() {
    let fake = FakePortal::start().unwrap();
    fake.trust_keys("ASIATEMP", "temp-secret", Some("temp-token"));
    fake.trust_keys("AKIDLONG", "long-secret", None);
    for (signer, why) in [
        (
            keys("ASIATEMP", "temp-secret", Some("other-token")),
            "another token",
        ),
        (keys("ASIATEMP", "temp-secret", None), "no token"),
        (
            keys("AKIDLONG", "long-secret", Some("temp-token")),
            "a token for a long-term key",
        ),
    ] {
        let r = assume_role(&fake, signer, R1_BODY);
        assert_eq!(r.status_line, "HTTP/1.1 403 Forbidden", "{why}");
        assert_sts_error(
            &r,
            "HTTP/1.1 403 Forbidden",
            "InvalidClientTokenId",
            INVALID_TOKEN,
        );
    }
    let r = assume_role(
        &fake,
        keys("ASIATEMP", "temp-secret", Some("temp-token")),
        R1_BODY,
    );
    assert_eq!(r.status_line, "HTTP/1.1 200 OK", "{}", r.body_text());
    let log = fake.requests();
    assert_eq!(log[3].header("x-amz-security-token"), Some("temp-token"));
    assert!(log[3].header("authorization").unwrap().contains(
        "SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token,"
    ));
}

#[test]
fn issued_keys_sign_the_next_hop() {
    let fake = FakePortal::start().unwrap();
    // The portal's default role credentials are trusted from the start (a chain from SSO).
    let first = assume_role(
        &fake,
        keys(
            "ASIAMOCKACCESSKEY",
            "mockSecretKey",
            Some("mockSessionToken"),
        ),
        &assume_role_body("R1", "h1"),
    );
    assert_eq!(
        first.status_line,
        "HTTP/1.1 200 OK",
        "{}",
        first.body_text()
    );
    let (id, secret, token) = (
        element(&first, "AccessKeyId"),
        element(&first, "SecretAccessKey"),
        element(&first, "SessionToken"),
    );
    assert_eq!(
        (id.as_str(), secret.as_str(), token.as_str()),
        ("ASIASTS1", "sts-secret-1", "sts-token-1")
    );
    let second = assume_role(
        &fake,
        keys(&id, &secret, Some(&token)),
        &assume_role_body("R2", "h2"),
    );
    assert_eq!(
        second.status_line,
        "HTTP/1.1 200 OK",
        "{}",
        second.body_text()
    );
    assert_eq!(element(&second, "AccessKeyId"), "ASIASTS2");
    let third = assume_role(
        &fake,
        keys("ASIASTS2", "sts-secret-2", Some("sts-token-2")),
        &assume_role_body("R3", "h3"),
    );
    assert_eq!(
        element(&third, "Arn"),
        "arn:aws:sts::123456789012:assumed-role/R3/h3"
    );
    // Issued keys need their token.
    let r = assume_role(&fake, keys("ASIASTS1", "sts-secret-1", None), R1_BODY);
    assert_eq!(r.status_line, "HTTP/1.1 403 Forbidden");

    // Keys from a scripted GetRoleCredentials answer are trusted once served.
    fake.script(
        Operation::GetRoleCredentials,
        [Answer::json(
            200,
            r#"{"roleCredentials":{"accessKeyId":"ASIAPORTAL2","secretAccessKey":"portal-secret-2","sessionToken":"portal-token-2","expiration":1772370000000}}"#,
        )],
    );
    let portal_keys = keys("ASIAPORTAL2", "portal-secret-2", Some("portal-token-2"));
    let before = assume_role(&fake, portal_keys, R1_BODY);
    assert_eq!(before.status_line, "HTTP/1.1 403 Forbidden");
    parse(&get(
        fake.addr(),
        "/federation/credentials?account_id=1&role_name=r",
    ));
    let after = assume_role(&fake, portal_keys, R1_BODY);
    assert_eq!(
        after.status_line,
        "HTTP/1.1 200 OK",
        "{}",
        after.body_text()
    );
    assert_eq!(element(&after, "AccessKeyId"), "ASIASTS4");

    // A reset restarts the numbering; trusted keys stay trusted.
    fake.reset();
    let r = assume_role(&fake, portal_keys, R1_BODY);
    assert_eq!(element(&r, "AccessKeyId"), "ASIASTS1");
}

#[test]
fn imds_and_container_keys_are_trusted_once_served() {
    let fake = FakePortal::start().unwrap();
    let imds = keys("ASIAIMDS", "imds-secret", Some("imds-token"));
    let container = keys("ASIACONT", "cont-secret", Some("cont-token"));
    for signer in [imds, container] {
        let before = assume_role(&fake, signer, R1_BODY);
        assert_eq!(before.status_line, "HTTP/1.1 403 Forbidden");
    }
    // The listing serves no keys; the credentials do (on either path).
    get(fake.addr(), "/latest/meta-data/iam/security-credentials/");
    assert_eq!(
        assume_role(&fake, imds, R1_BODY).status_line,
        "HTTP/1.1 403 Forbidden"
    );
    get(
        fake.addr(),
        "/latest/meta-data/iam/security-credentials/role-1",
    );
    get(fake.addr(), "/creds?task=1");
    for signer in [imds, container] {
        let after = assume_role(&fake, signer, R1_BODY);
        assert_eq!(
            after.status_line,
            "HTTP/1.1 200 OK",
            "{}",
            after.body_text()
        );
    }
    // An error answer serves no keys.
    fake.script(
        Operation::ContainerCredentials,
        [Answer::json(
            500,
            r#"{"AccessKeyId":"ASIABAD","SecretAccessKey":"bad-secret","Token":"bad-token","Expiration":"2026-03-01T13:00:00Z"}"#,
        )],
    );
    get(fake.addr(), "/creds");
    let bad = assume_role(
        &fake,
        keys("ASIABAD", "bad-secret", Some("bad-token")),
        R1_BODY,
    );
    assert_eq!(bad.status_line, "HTTP/1.1 403 Forbidden");
}

#[test]
fn requests_without_a_usable_signature_are_refused() {
    let fake = FakePortal::start().unwrap();
    fake.trust_keys("AKIDBASE", "base-secret", None);
    let r = unsigned(&fake, "", R1_BODY);
    assert_sts_error(
        &r,
        "HTTP/1.1 403 Forbidden",
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
    );
    let r = unsigned(&fake, "authorization: Bearer abc\r\n", R1_BODY);
    assert_sts_error(
        &r,
        "HTTP/1.1 403 Forbidden",
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
    );
    let r = unsigned(
        &fake,
        "authorization: AWS4-HMAC-SHA256 Credential=AKIDBASE/20260301/us-east-1/sts/aws4_request\r\n",
        R1_BODY,
    );
    assert_sts_error(
        &r,
        "HTTP/1.1 400 Bad Request",
        "IncompleteSignature",
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
    );
    let r = unsigned(
        &fake,
        "authorization: AWS4-HMAC-SHA256 Credential=AKIDBASE/20260301/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00\r\n",
        R1_BODY,
    );
    assert_sts_error(
        &r,
        "HTTP/1.1 400 Bad Request",
        "IncompleteSignature",
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
    // A scope whose date is not x-amz-date's.
    let host = format!("127.0.0.1:{}", fake.port());
    let (raw, _) = signed_request(
        keys("AKIDBASE", "base-secret", None),
        "us-east-1",
        "sts",
        &host,
        R1_BODY,
    );
    let r = parse(&exchange(
        fake.addr(),
        &raw.replace(
            "X-Amz-Date: 20260301T120000Z",
            "X-Amz-Date: 20260302T120000Z",
        ),
    ));
    assert_sts_error(
        &r,
        "HTTP/1.1 403 Forbidden",
        "SignatureDoesNotMatch",
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260301' != '20260302', from '20260302T120000Z'.",
    );
    // A signed header that is not sent.
    let r = parse(&exchange(
        fake.addr(),
        &raw.replace("content-type: application/x-www-form-urlencoded\r\n", ""),
    ));
    assert_sts_error(
        &r,
        "HTTP/1.1 403 Forbidden",
        "SignatureDoesNotMatch",
        SIGNATURE_MISMATCH,
    );
    assert_eq!(fake.count(Operation::AssumeRole), 6);
}

#[test]
fn parameters_are_validated_after_the_signature() {
    let fake = FakePortal::start().unwrap();
    fake.trust_keys("AKIDBASE", "base-secret", None);
    let signer = keys("AKIDBASE", "base-secret", None);
    let r = assume_role(
        &fake,
        signer,
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FR1",
    );
    assert_sts_error(
        &r,
        "HTTP/1.1 400 Bad Request",
        "ValidationError",
        "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
    let r = assume_role(
        &fake,
        signer,
        "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s&DurationSeconds=50000&TokenCode=12a456",
    );
    assert_sts_error(
        &r,
        "HTTP/1.1 400 Bad Request",
        "ValidationError",
        "4 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200; Value at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*",
    );
    let r = assume_role(
        &fake,
        signer,
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Fme&RoleSessionName=s1",
    );
    assert_sts_error(
        &r,
        "HTTP/1.1 400 Bad Request",
        "ValidationError",
        "arn:aws:iam::123456789012:user/me is invalid",
    );
    // The signature comes first: an unsigned invalid request is MissingAuthenticationToken.
    let r = unsigned(&fake, "", "Action=AssumeRole");
    assert_eq!(r.status_line, "HTTP/1.1 403 Forbidden");
    // MFA and external id parameters, well formed, are accepted; a role path and XML
    // characters in the role name reach the answer escaped.
    let r = assume_role(
        &fake,
        signer,
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fteam%2FR%26%3C1%3E&RoleSessionName=me%40corp&DurationSeconds=900&ExternalId=ext-1&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fuser&TokenCode=123456",
    );
    assert_eq!(r.status_line, "HTTP/1.1 200 OK", "{}", r.body_text());
    assert!(
        r.body_text()
            .contains("<Arn>arn:aws:sts::123456789012:assumed-role/R&amp;&lt;1&gt;/me@corp</Arn>"),
        "{}",
        r.body_text()
    );
}

#[test]
fn web_identity_is_unsigned_and_needs_a_token() {
    let fake = FakePortal::start().unwrap();
    let body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FWeb&RoleSessionName=ci&WebIdentityToken=eyJ.web.1%0A";
    let r = unsigned(&fake, "", body);
    assert_eq!(r.status_line, "HTTP/1.1 200 OK", "{}", r.body_text());
    assert_eq!(r.header("content-type"), Some("text/xml"));
    let id = r.header("x-amzn-requestid").unwrap();
    let role_id = element(&r, "AssumedRoleId");
    assert_eq!(
        r.body_text(),
        format!(
            r#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>fake-web-identity-subject</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser>
      <AssumedRoleId>{role_id}</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/Web/ci</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAWEB1</AccessKeyId>
      <SecretAccessKey>web-secret-1</SecretAccessKey>
      <SessionToken>web-token-1</SessionToken>
      <Expiration>2026-03-01T13:00:00Z</Expiration>
    </Credentials>
    <Provider>arn:aws:iam::123456789012:oidc-provider/oidc.fake-portal.localhost</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>{id}</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
"#
        )
    );
    assert!(role_id.starts_with("AROA") && role_id.ends_with(":ci"));

    // Its keys sign an AssumeRole (a role profile sourcing a web identity profile).
    let next = assume_role(
        &fake,
        keys("ASIAWEB1", "web-secret-1", Some("web-token-1")),
        &assume_role_body("RA", "ra"),
    );
    assert_eq!(element(&next, "AccessKeyId"), "ASIASTS1");

    let r = unsigned(
        &fake,
        "",
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FWeb&RoleSessionName=ci&WebIdentityToken=",
    );
    assert_sts_error(
        &r,
        "HTTP/1.1 400 Bad Request",
        "InvalidIdentityToken",
        "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
    );
    let r = unsigned(
        &fake,
        "",
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FWeb&RoleSessionName=ci",
    );
    assert_sts_error(
        &r,
        "HTTP/1.1 400 Bad Request",
        "ValidationError",
        "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null",
    );
    assert_eq!(
        (
            fake.count(Operation::AssumeRoleWithWebIdentity),
            fake.count(Operation::AssumeRole)
        ),
        (3, 1)
    );
}

#[test]
fn scripted_answers_win_and_counts_are_per_operation() {
    let fake = FakePortal::start().unwrap();
    fake.trust_keys("AKIDBASE", "base-secret", None);
    let signer = keys("AKIDBASE", "base-secret", None);
    fake.script(
        Operation::AssumeRole,
        [
            Answer::sts_error(403, "AccessDenied", "not allowed"),
            Answer::service_error(Operation::AssumeRole, "Throttling", "Rate exceeded"),
            Answer::sts_error(503, "ServiceUnavailable", "try <later> & again"),
            Answer::default_for(Operation::AssumeRole),
        ],
    );
    let r = assume_role(&fake, signer, R1_BODY);
    assert_sts_error(&r, "HTTP/1.1 403 Forbidden", "AccessDenied", "not allowed");
    let r = assume_role(&fake, signer, R1_BODY);
    assert_sts_error(
        &r,
        "HTTP/1.1 400 Bad Request",
        "Throttling",
        "Rate exceeded",
    );
    let r = assume_role(&fake, signer, R1_BODY);
    assert_eq!(r.status_line, "HTTP/1.1 503 Service Unavailable");
    assert_eq!(
        r.body_text(),
        sts_error_body(
            &r,
            "Receiver",
            "ServiceUnavailable",
            "try &lt;later&gt; &amp; again"
        )
    );
    // The scripted default is the checking fake: a wrong secret still fails.
    let r = assume_role(&fake, keys("AKIDBASE", "wrong", None), R1_BODY);
    assert_eq!(r.status_line, "HTTP/1.1 403 Forbidden");
    let r = assume_role(&fake, signer, R1_BODY);
    assert_eq!(element(&r, "AccessKeyId"), "ASIASTS1");

    // A scripted success is served as is, and its keys are trusted.
    fake.script(
        Operation::AssumeRoleWithWebIdentity,
        [Answer::raw(
            200,
            "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIASCRIPT</AccessKeyId><SecretAccessKey>s&amp;cret</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>2026-03-01T13:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
        )
        .header("content-type", "text/xml")],
    );
    let r = unsigned(&fake, "", "Action=AssumeRoleWithWebIdentity");
    assert_eq!(element(&r, "AccessKeyId"), "ASIASCRIPT");
    let r = assume_role(&fake, keys("ASIASCRIPT", "s&cret", Some("tok")), R1_BODY);
    assert_eq!(element(&r, "AccessKeyId"), "ASIASTS2");

    assert_eq!(fake.count(Operation::AssumeRole), 6);
    assert_eq!(fake.count(Operation::AssumeRoleWithWebIdentity), 1);
    assert_eq!(fake.count(Operation::GetRoleCredentials), 0);
    assert_eq!(fake.count(Operation::CreateToken), 0);
    let operations: Vec<Option<Operation>> = fake.requests().iter().map(|r| r.operation).collect();
    assert_eq!(operations.len(), 7);
    assert_eq!(operations[5], Some(Operation::AssumeRoleWithWebIdentity));

    // An unknown action is no route.
    let r = unsigned(&fake, "", "Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(r.status_line, "HTTP/1.1 404 Not Found");
    assert_eq!(fake.requests().last().unwrap().operation, None);
}

#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "the test measures the scripted delay with the monotonic clock"
)]
fn faults_apply_to_the_checking_fake() {
    let fake = FakePortal::start().unwrap();
    fake.trust_keys("AKIDBASE", "base-secret", None);
    let signer = keys("AKIDBASE", "base-secret", None);
    let checked = || Answer::default_for(Operation::AssumeRole);
    fake.script(
        Operation::AssumeRole,
        [checked()
            .delay(Duration::from_millis(150))
            .header("x-extra", "1")],
    );
    let started = Instant::now();
    let r = assume_role(&fake, signer, R1_BODY);
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(r.header("x-extra"), Some("1"));
    assert_eq!(element(&r, "AccessKeyId"), "ASIASTS1");

    fake.script(Operation::AssumeRole, [checked().truncated()]);
    let r = assume_role(&fake, signer, R1_BODY);
    let declared: usize = r.header("content-length").unwrap().parse().unwrap();
    assert!(r.body.len() < declared, "{} of {declared}", r.body.len());

    fake.script(Operation::AssumeRole, [checked().chunked()]);
    let r = assume_role(&fake, signer, R1_BODY);
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    assert!(
        r.body_text()
            .contains("<AccessKeyId>ASIASTS3</AccessKeyId>")
    );

    fake.script(Operation::AssumeRole, [Answer::drop_connection()]);
    let host = format!("127.0.0.1:{}", fake.port());
    let (raw, _) = signed_request(signer, "us-east-1", "sts", &host, R1_BODY);
    assert!(exchange(fake.addr(), &raw).is_empty());

    fake.script(Operation::AssumeRole, [Answer::oversized(2 << 20)]);
    let r = assume_role(&fake, signer, R1_BODY);
    assert_eq!(r.body.len(), 2 << 20);
    assert_eq!(fake.count(Operation::AssumeRole), 1);
}

#[test]
fn debug_shows_no_trusted_secret() {
    let fake = FakePortal::start().unwrap();
    fake.trust_keys("AKIDBASE", "base-secret", Some("base-token"));
    assume_role(
        &fake,
        keys("AKIDBASE", "base-secret", Some("base-token")),
        R1_BODY,
    );
    let shown = format!("{fake:?}");
    for secret in [
        "base-secret",
        "base-token",
        "sts-secret-1",
        "sts-token-1",
        "mockSecretKey",
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }
}
