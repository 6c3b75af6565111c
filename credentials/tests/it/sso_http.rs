//! `SsoCredentialsProvider` calling the portal: SPEC §13 scenarios 32-37 and 40-42 (query
//! encoding, endpoint resolution, portal errors, retries, transport failures, plain http,
//! FIPS) and the HTTP settings a profile brings (CA bundles, https, builder endpoints).

use ssokit_credentials::ErrorCode;
use ssokit_fake_portal::{Answer, Operation};

use crate::sso::L_CONFIG;
use crate::{SESSION_CACHE, World, closed_port};

#[tokio::test]
async fn s32_query_encoding() {
    let w = World::new();
    w.write(
        ".aws/config",
        L_CONFIG
            .replace("111122223333", "0123")
            .replace("LegacyRole", "Role+Name/é x"),
    );
    w.sso("a").get().await.unwrap();
    assert_eq!(
        w.portal.requests()[0].target,
        "/federation/credentials?account_id=0123&role_name=Role%2BName%2F%C3%A9%20x"
    );
}

#[tokio::test]
async fn s33_endpoint_path_prefix() {
    let mut w = World::new();
    let url = format!("{}/prefix/", w.portal.url());
    w.set_env("AWS_ENDPOINT_URL_SSO", &url);
    w.sso("a").get().await.unwrap();
    assert_eq!(
        w.portal.requests()[0].target,
        "/prefix/federation/credentials?account_id=111122223333&role_name=LegacyRole"
    );
}

#[tokio::test]
async fn s34_portal_errors() {
    let w = World::new();
    w.portal.script(
        Operation::GetRoleCredentials,
        [Answer::service_error(
            Operation::GetRoleCredentials,
            "UnauthorizedException",
            "Session token not found or invalid",
        )],
    );
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "The SSO session associated with this profile has expired or is otherwise invalid (UnauthorizedException: Session token not found or invalid). To refresh this SSO session run aws sso login with the corresponding profile. With ssokit: ssokit login --profile a."
    );
    assert_eq!(w.gets(), 1);

    w.portal.script(
        Operation::GetRoleCredentials,
        [Answer::json(
            403,
            r#"{"__type":"com.amazonaws.sso#ForbiddenException","message":"No access"}"#,
        )],
    );
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "No access to role LegacyRole in account 111122223333 (ForbiddenException: No access)"
    );

    w.portal
        .script(Operation::GetRoleCredentials, [Answer::empty(404)]);
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Role LegacyRole in account 111122223333 was not found (UnknownError: Not Found)"
    );
    assert_eq!(error.code(), ErrorCode::Service);
}

#[tokio::test]
async fn s35_throttling_is_retried() {
    let w = World::new();
    w.portal.script(
        Operation::GetRoleCredentials,
        [Answer::service_error(
            Operation::GetRoleCredentials,
            "TooManyRequestsException",
            "slow down",
        )],
    );
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "GetRoleCredentials failed: HTTP 429 TooManyRequestsException: slow down (after 3 attempts)"
    );
    assert_eq!(w.gets(), 3);

    w.portal.script(
        Operation::GetRoleCredentials,
        [
            Answer::empty(500),
            Answer::default_for(Operation::GetRoleCredentials),
        ],
    );
    assert!(w.sso("a").get().await.is_ok());
    assert_eq!(w.gets(), 2);
}

#[tokio::test]
async fn s36_closed_port_is_n_io_after_three_attempts() {
    let mut w = World::new();
    let port = closed_port().port();
    w.set_env("AWS_ENDPOINT_URL_SSO", &format!("http://127.0.0.1:{port}"));
    let error = w.sso("a").get().await.unwrap_err().to_string();
    let prefix = format!(
        "GetRoleCredentials request to http://127.0.0.1:{port}/federation/credentials failed: "
    );
    assert!(error.starts_with(&prefix), "{error}");
    assert!(error.ends_with(" (after 3 attempts)"), "{error}");
}

#[tokio::test]
async fn s37_invalid_responses() {
    let w = World::new();
    w.portal.script(
        Operation::GetRoleCredentials,
        [Answer::json(
            200,
            r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","expiration":1772370000000}}"#,
        )],
    );
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "SSO returns an invalid temporary credential. (roleCredentials.sessionToken is missing or empty)"
    );
    w.portal.script(
        Operation::GetRoleCredentials,
        [Answer::json(
            200,
            r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":"2026-01-01T00:00:00Z"}}"#,
        )],
    );
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "SSO returns an invalid temporary credential. (roleCredentials.expiration is not a positive integer)"
    );
    w.portal.script(
        Operation::GetRoleCredentials,
        [Answer::oversized(2 * 1024 * 1024)],
    );
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "GetRoleCredentials response from {}/federation/credentials exceeds 1 MiB",
            w.portal.url()
        )
    );
    assert_eq!(w.gets(), 1);
}

#[tokio::test]
async fn s40_override_precedence() {
    use ssokit_fake_portal::FakePortal;
    let mut w = World::new();
    let services = FakePortal::start().unwrap();
    let global = FakePortal::start().unwrap();
    let profile = FakePortal::start().unwrap();
    w.write(
        ".aws/config",
        format!(
            "{L_CONFIG}services = local\nendpoint_url = {}\n\n[services local]\nsso =\n  endpoint_url = {}\n",
            profile.url(),
            services.url()
        ),
    );
    w.set_env("AWS_ENDPOINT_URL", global.url());
    w.sso("a").get().await.unwrap();
    assert_eq!(w.gets(), 1);
    w.unset_env("AWS_ENDPOINT_URL_SSO");
    w.sso("a").get().await.unwrap();
    assert_eq!(services.count(Operation::GetRoleCredentials), 1);
    w.write(
        ".aws/config",
        format!("{L_CONFIG}endpoint_url = {}\n", profile.url()),
    );
    w.sso("a").get().await.unwrap();
    assert_eq!(global.count(Operation::GetRoleCredentials), 1);
    w.unset_env("AWS_ENDPOINT_URL");
    w.sso("a").get().await.unwrap();
    assert_eq!(profile.count(Operation::GetRoleCredentials), 1);

    // Ignoring configured endpoints: the regional endpoint (pinned to a closed port).
    w.set_env("AWS_ENDPOINT_URL_SSO", w.portal.url().to_owned().as_str());
    w.set_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
    w.pin_to_closed_port("portal.sso.us-east-1.amazonaws.com");
    let error = w.sso("a").get().await.unwrap_err().to_string();
    assert!(
        error.starts_with("GetRoleCredentials request to https://portal.sso.us-east-1.amazonaws.com/federation/credentials failed: "),
        "{error}"
    );
    w.set_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "maybe");
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid value \"maybe\" for AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: expected true or false"
    );
    assert_eq!(error.code(), ErrorCode::Bool);
}

#[tokio::test]
async fn s41_plain_http_only_to_loopback() {
    let mut w = World::new();
    w.set_env("AWS_ENDPOINT_URL_SSO", "http://sso.example.internal:8080");
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "refusing to send SSO credentials over plain http to sso.example.internal (from AWS_ENDPOINT_URL_SSO); use https, or allow insecure http explicitly"
    );
    assert_eq!(error.code(), ErrorCode::Endpoint);
    // Opted in: sent (pinned to the fake).
    w.settings = w
        .settings
        .clone()
        .resolve_to("sso.example.internal", w.portal.addr());
    w.set_env(
        "AWS_ENDPOINT_URL_SSO",
        &format!("http://sso.example.internal:{}", w.portal.port()),
    );
    let provider = ssokit_credentials::SsoCredentialsProvider::builder(
        w.config().with_allow_insecure_http(true),
    )
    .profile_name("a")
    .build();
    assert!(provider.get().await.is_ok());
    assert_eq!(w.gets(), 1);
}

#[tokio::test]
async fn s42_fips_with_override_and_bad_region() {
    let mut w = World::new();
    w.set_env("AWS_USE_FIPS_ENDPOINT", "true");
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Invalid Configuration: FIPS and custom endpoint are not supported"
    );
    let w = World::new();
    w.write(".aws/config", L_CONFIG.replace("us-east-1", "us_east_1"));
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(error.to_string(), "Invalid region in config: \"us_east_1\"");
    assert_eq!(w.gets(), 0);
    let _ = SESSION_CACHE;
}

#[tokio::test]
async fn https_portal_with_ca_bundle_from_env_and_profile() {
    use ssokit_fake_portal::FakePortal;
    let mut w = World::new();
    let https = FakePortal::start_https().unwrap();
    w.write("ca.pem", https.ca_pem().unwrap());
    w.set_env("AWS_ENDPOINT_URL_SSO", https.url());
    w.settings = w.settings.clone().native_roots(false);
    // Without the bundle the certificate is not trusted.
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Transport);
    // The profile's `ca_bundle`, with `~` expanded.
    w.write(".aws/config", format!("{L_CONFIG}ca_bundle = ~/ca.pem\n"));
    assert!(w.sso("a").get().await.is_ok());
    // `AWS_CA_BUNDLE` wins over the profile.
    w.write(
        ".aws/config",
        format!("{L_CONFIG}ca_bundle = /nonexistent.pem\n"),
    );
    let path = w.path("ca.pem").display().to_string();
    w.set_env("AWS_CA_BUNDLE", &path);
    assert!(w.sso("a").get().await.is_ok());
    assert_eq!(https.count(Operation::GetRoleCredentials), 2);
}

#[tokio::test]
async fn builder_endpoint_wins_even_when_configured_ones_are_ignored() {
    use ssokit_fake_portal::FakePortal;
    let mut w = World::new();
    let builder = FakePortal::start().unwrap();
    w.set_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
    w.session_expires_at("\"2026-03-01T12:02:00Z\"");
    let provider = ssokit_credentials::SsoCredentialsProvider::builder(w.config())
        .profile_name("s")
        .endpoint_url(builder.url())
        .oidc_endpoint_url(builder.url())
        .build();
    provider.get().await.unwrap();
    assert_eq!(builder.count(Operation::GetRoleCredentials), 1);
    assert_eq!(builder.count(Operation::CreateToken), 1);
    assert_eq!(w.portal.requests().len(), 0);
}

/// Two profiles of one configuration (as in one chain) whose `ca_bundle` differ each get
/// a client with their own bundle, whichever asks first.
#[tokio::test]
async fn each_profile_gets_its_own_ca_bundle_from_one_config() {
    use ssokit_credentials::SsoCredentialsProvider;
    use ssokit_fake_portal::FakePortal;
    let mut w = World::new();
    let https = FakePortal::start_https().unwrap();
    w.write("ca.pem", https.ca_pem().unwrap());
    w.write("empty.pem", "");
    w.set_env("AWS_ENDPOINT_URL_SSO", https.url());
    w.settings = w.settings.clone().native_roots(false);
    let profile = |name: &str, bundle: &str| {
        L_CONFIG.replace("[profile a]", &format!("[profile {name}]"))
            + &format!("ca_bundle = ~/{bundle}\n")
    };
    w.write(
        ".aws/config",
        profile("bad", "empty.pem") + &profile("good", "ca.pem"),
    );
    let config = w.config();
    let provider = |name: &str| {
        SsoCredentialsProvider::builder(config.clone())
            .profile_name(name)
            .build()
    };
    let error = provider("bad").get().await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Transport);
    assert!(
        error
            .to_string()
            .contains("empty.pem (from ca_bundle of profile bad)"),
        "{error}"
    );
    assert!(provider("good").get().await.is_ok());
    // And the other way round: the first client does not decide for the second profile.
    assert!(provider("bad").get().await.is_err());
    assert_eq!(https.count(Operation::GetRoleCredentials), 1);
}

/// A transport failure keeps its cause: the credentials error's source chain reaches the
/// I/O error.
#[tokio::test]
async fn a_transport_error_keeps_its_source_chain() {
    let mut w = World::new();
    let url = format!("http://{}", closed_port());
    w.set_env("AWS_ENDPOINT_URL_SSO", &url);
    let error = w.sso("a").get().await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Transport);
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&error);
    let mut io = None;
    while let Some(e) = source {
        if let Some(found) = e.downcast_ref::<std::io::Error>() {
            io = Some(found.kind());
        }
        source = e.source();
    }
    assert_eq!(io, Some(std::io::ErrorKind::ConnectionRefused), "{error}");
}
