//! Role chains through `ProfileCredentialsProvider` and the fake STS (which checks every
//! SigV4 signature): SPEC §18 scenarios 2-9 and 23. Web identity is in `web_identity`,
//! the STS endpoint resolution (scenario 10) in `plan`-level tests below.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use ssokit_credentials::{
    AssumeRoleCredentialsProvider, CredentialsRoute, ErrorCode, ErrorKind, PlanFiles,
    ProfileCredentialsProvider, ProfilePlan, ProvideMfaCode,
};
use ssokit_fake_portal::{Answer, Operation, RecordedRequest};

use crate::{World, assert_no_secret, ts};

const BASE: &str =
    "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n";

fn arn(role: &str) -> String {
    format!("arn:aws:iam::123456789012:role/{role}")
}

/// `[profile name]` with `role_arn = arn:…/role` and the extra lines.
fn role_profile(name: &str, role: &str, extra: &str) -> String {
    format!("[profile {name}]\nrole_arn = {}\n{extra}", arn(role))
}

/// The §13 config plus `extra`.
fn with_profiles(w: &World, extra: &str) {
    let config = w.read(".aws/config");
    w.write(".aws/config", format!("{config}\n{extra}"));
}

fn sts_posts(w: &World) -> Vec<RecordedRequest> {
    w.requests_of(Operation::AssumeRole)
}

/// The `RoleArn` of an `AssumeRole` body, decoded.
fn role_of(request: &RecordedRequest) -> String {
    request.form_param("RoleArn").unwrap_or_default()
}

/// The access key id of an `authorization` header.
fn signer(request: &RecordedRequest) -> String {
    let auth = request.header("authorization").unwrap_or_default();
    auth.split("Credential=")
        .nth(1)
        .and_then(|c| c.split('/').next())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn s02_one_hop_from_static_keys() {
    let w = World::new();
    with_profiles(
        &w,
        &format!(
            "{BASE}\n{}",
            role_profile("r1", "R1", "source_profile = base\n")
        ),
    );
    let creds = w.profile("r1").get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIASTS1");
    assert_eq!(creds.secret_access_key(), "sts-secret-1");
    assert_eq!(creds.session_token(), Some("sts-token-1"));
    assert_eq!(creds.expire_time(), Some(ts("2026-03-01T13:00:00Z")));
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert_eq!(creds.provider_name(), "AssumeRole");
    let posts = sts_posts(&w);
    assert_eq!(posts.len(), 1);
    let post = &posts[0];
    assert_eq!(post.request_line(), "POST / HTTP/1.1");
    assert_eq!(
        post.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(post.header("x-amz-date"), Some("20260301T120000Z"));
    assert_eq!(post.header("x-amz-security-token"), None);
    let auth = post.header("authorization").unwrap();
    assert!(
        auth.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDBASE/20260301/us-east-1/sts/aws4_request, \
             SignedHeaders=content-length;content-type;host;x-amz-date, Signature="
        ),
        "{auth}"
    );
    assert_eq!(
        post.body_text(),
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FR1&RoleSessionName=ssokit-1772366400000&DurationSeconds=3600"
    );
}

#[tokio::test]
async fn s02_a_forged_signature_is_refused_as_sts_refuses_it() {
    let w = World::new();
    with_profiles(
        &w,
        &format!(
            "{}\n{}",
            BASE.replace("base-secret", "base-secreX"),
            role_profile("r1", "R1", "source_profile = base\n")
        ),
    );
    let error = w.profile("r1").get().await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with(
            "Profile r1 could not assume role arn:aws:iam::123456789012:role/R1: \
             AssumeRole failed: HTTP 403 SignatureDoesNotMatch: The request signature we calculated"
        ),
        "{text}"
    );
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert_eq!(error.code(), ErrorCode::AssumeRole);
    assert_eq!(sts_posts(&w).len(), 1, "one request, no retry");
    assert!(!text.contains("base-secreX"));
}

/// SPEC §13's S profile with the portal's credentials expiring at 14:00, and `h1`-`h3`.
fn three_hops() -> World {
    let w = World::new();
    w.portal.script(
        Operation::GetRoleCredentials,
        [Answer::json(
            200,
            r#"{"roleCredentials":{"accessKeyId":"ASIAMOCKACCESSKEY","secretAccessKey":"mockSecretKey","sessionToken":"mockSessionToken","expiration":1772373600000}}"#,
        )],
    );
    with_profiles(
        &w,
        &[
            role_profile("h1", "R1", "source_profile = s\n"),
            role_profile("h2", "R2", "source_profile = h1\n"),
            role_profile("h3", "R3", "source_profile = h2\n"),
        ]
        .join("\n"),
    );
    w
}

#[tokio::test]
async fn s03_three_hops_from_an_sso_session_refresh_only_what_expired() {
    let w = three_hops();
    let provider = w.profile("h3");
    let creds = provider.get().await.unwrap();
    assert_eq!(creds.access_key_id(), "ASIASTS3");
    assert_eq!(w.gets(), 1);
    let posts = sts_posts(&w);
    assert_eq!(
        posts.iter().map(role_of).collect::<Vec<_>>(),
        [arn("R1"), arn("R2"), arn("R3")]
    );
    assert_eq!(
        posts.iter().map(signer).collect::<Vec<_>>(),
        ["ASIAMOCKACCESSKEY", "ASIASTS1", "ASIASTS2"]
    );
    assert_eq!(
        posts
            .iter()
            .map(|p| p.header("x-amz-security-token").unwrap_or_default())
            .collect::<Vec<_>>(),
        ["mockSessionToken", "sts-token-1", "sts-token-2"]
    );

    // Cached: nothing.
    assert_eq!(provider.get().await.unwrap().access_key_id(), "ASIASTS3");
    assert_eq!(sts_posts(&w).len(), 3);
    // refresh(): the last hop only.
    assert_eq!(
        provider.refresh().await.unwrap().access_key_id(),
        "ASIASTS4"
    );
    let posts = sts_posts(&w);
    assert_eq!(posts.len(), 4);
    assert_eq!(role_of(&posts[3]), arn("R3"));
    assert_eq!(signer(&posts[3]), "ASIASTS2");
    // expire() then get(): a forced load, again the last hop only.
    provider.expire();
    assert_eq!(provider.get().await.unwrap().access_key_id(), "ASIASTS5");
    assert_eq!(sts_posts(&w).len(), 5);
    // Every hop stale, the SSO base valid until 14:00: three AssumeRole, no GET.
    w.clock.set(ts("2026-03-01T12:59:50Z"));
    assert_eq!(provider.get().await.unwrap().access_key_id(), "ASIASTS8");
    assert_eq!(sts_posts(&w).len(), 8);
    assert_eq!(w.gets(), 1);
}

#[tokio::test]
async fn s03_twenty_concurrent_callers_share_one_chain_load() {
    let w = three_hops();
    let provider = Arc::new(w.profile("h3"));
    let calls = (0..20).map(|_| {
        let provider = Arc::clone(&provider);
        tokio::spawn(async move { provider.get().await })
    });
    for call in calls {
        assert_eq!(
            call.await.unwrap().unwrap().access_key_id(),
            "ASIASTS3",
            "every caller gets the one result"
        );
    }
    assert_eq!(w.gets(), 1);
    assert_eq!(sts_posts(&w).len(), 3);
}

#[tokio::test]
async fn s04_which_keys_sign() {
    for (source, signed_by) in [("base", "AKIDBASE"), ("A", "AKIDA")] {
        let w = World::new();
        let a = role_profile(
            "A",
            "RA",
            &format!(
                "aws_access_key_id = AKIDA\naws_secret_access_key = a-secret\nsource_profile = {source}\n"
            ),
        );
        with_profiles(&w, &format!("{BASE}\n{a}"));
        w.profile("A").get().await.unwrap();
        let posts = sts_posts(&w);
        assert_eq!(posts.len(), 1, "source {source}");
        assert_eq!(signer(&posts[0]), signed_by, "source {source}");
    }
    // A's source B has static keys: B's own role is not assumed (the chain ends at keys).
    let w = World::new();
    with_profiles(
        &w,
        &format!(
            "{}\n[profile B]\naws_access_key_id = AKIDB\naws_secret_access_key = b-secret\nrole_arn = {}\nsource_profile = C\n",
            role_profile("A", "RA", "source_profile = B\n"),
            arn("RB")
        ),
    );
    w.profile("A").get().await.unwrap();
    let posts = sts_posts(&w);
    assert_eq!(posts.len(), 1);
    assert_eq!(role_of(&posts[0]), arn("RA"));
    assert_eq!(signer(&posts[0]), "AKIDB");
}

#[tokio::test]
async fn s05_cycles_depth_and_a_self_reference_without_credentials() {
    let w = World::new();
    let mut deep = String::new();
    for i in 0..10 {
        deep.push_str(&role_profile(
            &format!("p{i}"),
            &format!("P{i}"),
            &format!("source_profile = p{}\n", i + 1),
        ));
        deep.push('\n');
    }
    with_profiles(
        &w,
        &format!(
            "{}\n{}\n{}\n{deep}",
            role_profile("a", "RA", "source_profile = b\n"),
            role_profile("b", "RB", "source_profile = a\n"),
            role_profile("x", "RX", "source_profile = x\n"),
        ),
    );
    let error = w.profile("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Profiles form a source_profile cycle: a -> b -> a"
    );
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert_eq!(error.code(), ErrorCode::RoleCycle);
    let location = error.location().unwrap();
    assert_eq!(
        w.read(".aws/config").lines().nth(location.line() - 1),
        Some("source_profile = a"),
        "the line that closes the cycle"
    );
    assert_eq!(
        w.profile("p0").get().await.unwrap_err().to_string(),
        "Profile p0 needs more than 8 roles (p0 -> p1 -> p2 -> p3 -> p4 -> p5 -> p6 -> p7 -> p8); ssokit stops role chains at 8"
    );
    let error = w.profile("x").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Profile x (source_profile of profile x) has no credentials (looked for aws_access_key_id, role_arn, credential_source, web_identity_token_file, sso_session, sso_start_url, credential_process)"
    );
    assert_eq!(error.kind(), ErrorKind::Failed);
    assert!(w.portal.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn s06_broken_settings_fail_before_any_request() {
    let w = World::new();
    let cases = [
        (
            role_profile("p", "R", ""),
            "Profile p sets role_arn but neither source_profile nor credential_source",
        ),
        (
            role_profile(
                "p",
                "R",
                "source_profile = base\ncredential_source = Environment\n",
            ),
            "Profile p sets both source_profile and credential_source; remove one",
        ),
        (
            role_profile("p", "R", "credential_source = Ec2\n"),
            "Profile p sets credential_source = \"Ec2\"; expected Environment, Ec2InstanceMetadata or EcsContainer",
        ),
        (
            role_profile("p", "R", "source_profile = nope\n"),
            "Profile p sets source_profile = nope, but profile nope does not exist",
        ),
        (
            format!(
                "{}\n[profile half]\naws_access_key_id = AKIDA\n",
                role_profile("p", "R", "source_profile = half\n")
            ),
            "Profile half sets aws_access_key_id but not aws_secret_access_key",
        ),
        (
            format!(
                "{}\n[profile empty]\nregion = eu-west-1\n",
                role_profile("p", "R", "source_profile = empty\n")
            ),
            "Profile empty (source_profile of profile p) has no credentials (looked for aws_access_key_id, role_arn, credential_source, web_identity_token_file, sso_session, sso_start_url, credential_process)",
        ),
        (
            role_profile("p", "R", "source_profile = base\nduration_seconds = 60\n"),
            "invalid value \"60\" for duration_seconds in profile p: expected an integer from 900 to 43200",
        ),
        (
            role_profile("p", "R", "source_profile = base\nrole_session_name = a b\n"),
            "invalid value \"a b\" for role_session_name in profile p: expected 2 to 64 characters from A-Z a-z 0-9 _ + = , . @ -",
        ),
    ];
    for (profiles, expected) in cases {
        w.write(".aws/config", format!("{BASE}\n{profiles}"));
        let error = w.profile("p").get().await.unwrap_err();
        assert_eq!(error.to_string(), expected);
        assert_eq!(error.kind(), ErrorKind::Failed, "{expected}");
        assert!(error.location().is_some(), "{expected}: a file and line");
    }
    assert!(w.portal.requests().is_empty(), "nothing was sent");
}

fn r1(w: &World, extra: &str) {
    with_profiles(
        w,
        &format!(
            "{BASE}\n{}",
            role_profile("r1", "R1", &format!("source_profile = base\n{extra}"))
        ),
    );
}

#[tokio::test]
async fn s07_sts_errors_and_retries() {
    let prefix = "Profile r1 could not assume role arn:aws:iam::123456789012:role/R1: ";
    let w = World::new();
    r1(&w, "");
    w.portal.script(
        Operation::AssumeRole,
        [Answer::sts_error(403, "AccessDenied", "not allowed")],
    );
    let error = w.profile("r1").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{prefix}AssumeRole failed: HTTP 403 AccessDenied: not allowed")
    );
    assert_eq!(w.portal.count(Operation::AssumeRole), 1);
    assert!(std::error::Error::source(&error).is_some(), "the STS error");

    w.portal.script(
        Operation::AssumeRole,
        [Answer::sts_error(400, "Throttling", "Rate exceeded")],
    );
    let error = w.profile("r1").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{prefix}AssumeRole failed: HTTP 400 Throttling: Rate exceeded (after 3 attempts)")
    );
    assert_eq!(w.portal.count(Operation::AssumeRole), 3);

    w.portal.script(
        Operation::AssumeRole,
        [
            Answer::sts_error(503, "ServiceUnavailable", "busy"),
            Answer::default_for(Operation::AssumeRole),
        ],
    );
    let creds = w.profile("r1").get().await.unwrap();
    assert!(creds.access_key_id().starts_with("ASIASTS"));
    assert_eq!(w.portal.count(Operation::AssumeRole), 2);

    w.portal.script(
        Operation::AssumeRole,
        [Answer::raw(
            200,
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>",
        )],
    );
    let error = w.profile("r1").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{prefix}STS returned an invalid AssumeRole response (Credentials is missing)")
    );
}

/// An MFA code provider that answers `code` and counts the questions.
#[derive(Debug)]
struct Codes {
    code: &'static str,
    asked: Mutex<Vec<String>>,
}

#[async_trait]
impl ProvideMfaCode for Codes {
    async fn mfa_code(&self, serial: &str) -> Result<String, String> {
        self.asked.lock().unwrap().push(serial.to_owned());
        Ok(self.code.to_owned())
    }
}

fn with_mfa(w: &World, codes: &Arc<Codes>) -> ProfileCredentialsProvider {
    let config = w
        .config()
        .with_mfa_code_provider(Arc::clone(codes) as Arc<dyn ProvideMfaCode>);
    ProfileCredentialsProvider::builder(config)
        .profile_name("r1")
        .build()
}

#[tokio::test]
async fn s08_mfa_with_and_without_a_code() {
    let serial = "arn:aws:iam::123456789012:mfa/user";
    let w = World::new();
    r1(&w, &format!("mfa_serial = {serial}\n"));
    let error = w.profile("r1").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "Profile r1 sets mfa_serial = {serial}, but no MFA code source is configured (give the provider an MFA code provider; the CLI prompts on a terminal or takes --mfa-code)"
        )
    );
    assert_eq!(error.code(), ErrorCode::Mfa);
    assert!(w.portal.requests().is_empty());

    let codes = Arc::new(Codes {
        code: " 123456\n",
        asked: Mutex::default(),
    });
    let provider = with_mfa(&w, &codes);
    provider.get().await.unwrap();
    provider.get().await.unwrap();
    assert_eq!(*codes.asked.lock().unwrap(), [serial], "asked once");
    let posts = sts_posts(&w);
    assert_eq!(posts.len(), 1);
    assert!(
        posts[0].body_text().ends_with(
            "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fuser&TokenCode=123456"
        ),
        "{}",
        posts[0].body_text()
    );

    let codes = Arc::new(Codes {
        code: "12a456",
        asked: Mutex::default(),
    });
    let error = with_mfa(&w, &codes).get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("MFA code for {serial} must be 6 digits")
    );
    assert!(!format!("{error:?}").contains("12a456"));
    assert_eq!(sts_posts(&w).len(), 1, "no request");
}

#[tokio::test]
async fn s09_external_id_session_name_and_duration() {
    let w = World::new();
    r1(
        &w,
        "external_id = ext-1\nrole_session_name = me@corp\nduration_seconds = 900\n",
    );
    w.profile("r1").get().await.unwrap();
    assert!(
        sts_posts(&w)[0]
            .body_text()
            .ends_with("&RoleSessionName=me%40corp&DurationSeconds=900&ExternalId=ext-1")
    );
}

#[tokio::test]
async fn s23_a_failed_hop_loads_again_and_reuses_a_valid_sso_base() {
    let w = three_hops();
    w.portal
        .script(Operation::AssumeRole, [Answer::drop_connection()]);
    let provider = w.profile("h1");
    let error = provider.get().await.unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("Profile h1 could not assume role")
    );
    assert_eq!(w.gets(), 1);
    w.portal.script(
        Operation::AssumeRole,
        [Answer::default_for(Operation::AssumeRole)],
    );
    assert_eq!(provider.get().await.unwrap().access_key_id(), "ASIASTS1");
    assert_eq!(w.gets(), 1, "the SSO base's credentials are still valid");
}

#[tokio::test]
async fn a_changed_file_builds_new_steps() {
    let w = World::new();
    r1(&w, "");
    let provider = w.profile("r1");
    provider.get().await.unwrap();
    r1(&w, "role_session_name = changed\n");
    provider.expire();
    provider.get().await.unwrap();
    let posts = sts_posts(&w);
    assert_eq!(posts.len(), 2);
    assert!(posts[1].body_text().contains("RoleSessionName=changed"));
}

#[tokio::test]
async fn credential_source_environment_signs_with_the_environment_keys() {
    let mut w = World::new();
    with_profiles(
        &w,
        &role_profile("e", "RE", "credential_source = Environment\n"),
    );
    let error = w.profile("e").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Profile e could not get credentials from credential_source = Environment: AWS_ACCESS_KEY_ID is not set"
    );
    assert_eq!(error.kind(), ErrorKind::Failed);
    w.set_env("AMAZON_ACCESS_KEY_ID", "AKIDA");
    w.set_env("AMAZON_SECRET_ACCESS_KEY", "a-secret");
    w.profile("e").get().await.unwrap();
    assert_eq!(signer(&sts_posts(&w)[0]), "AKIDA");
    // The other two sources are the container and IMDS providers' loads; unset here, and
    // as a source every error is failed (R-NAMED).
    for (named, cause) in [
        (
            "Ec2InstanceMetadata",
            "IMDS is disabled (AWS_EC2_METADATA_DISABLED=true)",
        ),
        (
            "EcsContainer",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set",
        ),
    ] {
        with_profiles(
            &w,
            &role_profile("n", "RN", &format!("credential_source = {named}\n")),
        );
        let error = w.profile("n").get().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "Profile n could not get credentials from credential_source = {named}: {cause}"
            )
        );
        assert_eq!(error.kind(), ErrorKind::Failed);
    }
}

/// The STS URL and signing region a profile's chain would use (SPEC §18 scenario 10).
fn sts_of(w: &World, profile: &str) -> Result<(String, String), String> {
    let config = w.config();
    let files = PlanFiles::load(&config).unwrap();
    let section = files.profiles().profile(profile).unwrap();
    match ProfilePlan::new(&config, &files, &section).credentials() {
        Ok(CredentialsRoute::RoleChain(chain)) => Ok((
            chain.sts().url().to_owned(),
            format!(
                "{} from {}",
                chain.sts().region(),
                chain.sts().region_source()
            ),
        )),
        Ok(other) => panic!("not a chain: {other:?}"),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn s10_the_sts_endpoint_of_a_chain() {
    let mut w = World::new();
    w.unset_env("AWS_ENDPOINT_URL_STS");
    let write = |w: &World, r1_extra: &str, base_extra: &str| {
        w.write(
            ".aws/config",
            format!(
                "{BASE}{base_extra}\n{}",
                role_profile("r1", "R1", &format!("source_profile = base\n{r1_extra}"))
            ),
        );
    };
    let ok = |url: &str, region: &str| Ok((url.to_owned(), region.to_owned()));
    write(&w, "region = eu-west-1\n", "");
    assert_eq!(
        sts_of(&w, "r1"),
        ok(
            "https://sts.eu-west-1.amazonaws.com",
            "eu-west-1 from profile r1"
        )
    );
    w.set_env("AWS_REGION", "us-east-2");
    assert_eq!(
        sts_of(&w, "r1"),
        ok(
            "https://sts.us-east-2.amazonaws.com",
            "us-east-2 from AWS_REGION"
        )
    );
    w.unset_env("AWS_REGION");
    write(&w, "", "region = ap-south-1\n");
    assert_eq!(
        sts_of(&w, "r1"),
        ok(
            "https://sts.ap-south-1.amazonaws.com",
            "ap-south-1 from profile base"
        )
    );
    write(&w, "", "");
    assert_eq!(
        sts_of(&w, "r1"),
        ok(
            "https://sts.us-east-1.amazonaws.com",
            "us-east-1 from the default"
        )
    );
    write(&w, "region = aws-global\n", "");
    assert_eq!(
        sts_of(&w, "r1"),
        ok("https://sts.amazonaws.com", "aws-global from profile r1")
    );
    write(
        &w,
        "use_fips_endpoint = true\nuse_dualstack_endpoint = true\n",
        "",
    );
    assert_eq!(
        sts_of(&w, "r1").unwrap().0,
        "https://sts-fips.us-east-1.api.aws"
    );
    write(&w, "region = us-gov-west-1\nuse_fips_endpoint = true\n", "");
    assert_eq!(
        sts_of(&w, "r1").unwrap().0,
        "https://sts.us-gov-west-1.amazonaws.com"
    );
    write(&w, "region = eu-west-1\n", "");
    w.set_env("AWS_STS_REGIONAL_ENDPOINTS", "legacy");
    assert_eq!(sts_of(&w, "r1").unwrap().0, "https://sts.amazonaws.com");
    w.set_env("AWS_STS_REGIONAL_ENDPOINTS", "global");
    assert_eq!(
        sts_of(&w, "r1"),
        Err(
            "invalid value \"global\" for AWS_STS_REGIONAL_ENDPOINTS: expected regional or legacy"
                .to_owned()
        )
    );
    w.unset_env("AWS_STS_REGIONAL_ENDPOINTS");
    w.set_env("AWS_ENDPOINT_URL_STS", "http://sts.example.internal");
    let error = sts_of(&w, "r1").unwrap_err();
    assert!(
        error.starts_with("refusing to call STS over plain http at sts.example.internal"),
        "{error}"
    );
    w.set_env("AWS_ENDPOINT_URL_STS", "https://sts.example.internal");
    w.set_env("AWS_USE_FIPS_ENDPOINT", "true");
    assert_eq!(
        sts_of(&w, "r1"),
        Err("Invalid Configuration: FIPS and custom endpoint are not supported".to_owned())
    );
}

/// SPEC §18 scenario 22: `{:?}` / `{}` of the new types, and the trace of scenarios 2, 8
/// and 11, hold no key, session token, web identity token or MFA code.
#[tokio::test]
async fn s22_no_secret_in_debug_display_or_traces() {
    let (capture, _guard) = crate::Capture::start();
    let mut w = World::new();
    r1(&w, "mfa_serial = arn:aws:iam::123456789012:mfa/user\n");
    w.write("token.jwt", "eyJ.web.1\n");
    let token = w.path("token.jwt").display().to_string();
    w.set_env("AWS_WEB_IDENTITY_TOKEN_FILE", &token);
    w.set_env("AWS_ROLE_ARN", &arn("Web"));
    let codes = Arc::new(Codes {
        code: "987654",
        asked: Mutex::default(),
    });
    let config = w
        .config()
        .with_mfa_code_provider(Arc::clone(&codes) as Arc<dyn ProvideMfaCode>);
    let profile_builder = ProfileCredentialsProvider::builder(config.clone()).profile_name("r1");
    let builder_text = format!("{profile_builder:?}");
    let provider = profile_builder.build();
    let creds = provider.get().await.unwrap();
    let web_builder =
        ssokit_credentials::WebIdentityTokenCredentialsProvider::builder(config.clone());
    let web_builder_text = format!("{web_builder:?}");
    let web = web_builder.build();
    let web_creds = web.get().await.unwrap();
    let role_builder = AssumeRoleCredentialsProvider::builder(
        config.clone(),
        Arc::new(w.profile("base")),
        arn("R2"),
    )
    .mfa_serial("arn:aws:iam::123456789012:mfa/user");
    let role_builder_text = format!("{role_builder:?}");
    let role = role_builder.build();
    let role_creds = role.get().await.unwrap();
    let files = PlanFiles::load(&config).unwrap();
    let section = files.profiles().profile("r1").unwrap();
    let plan = ProfilePlan::new(&config, &files, &section);
    let web_route =
        ssokit_credentials::environment_web_identity_route(&config, Some(&files), "r1").unwrap();
    let error = w.profile("r1").get().await.unwrap_err();
    for text in [
        builder_text,
        web_builder_text,
        role_builder_text,
        format!("{provider:?} {web:?} {role:?} {config:?}"),
        format!("{creds:?} {creds} {web_creds:?} {web_creds} {role_creds:?}"),
        format!("{plan:?} {web_route:?}"),
        format!("{error} {error:?}"),
        capture.text(),
    ] {
        assert_no_secret(&text);
        assert!(!text.contains("987654"), "the MFA code: {text}");
    }
    assert!(
        capture.text().contains("AssumeRole"),
        "the trace is captured"
    );
}
