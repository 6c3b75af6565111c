//! Every error the providers produce, formatted with `{}` and `{:?}`: no secret appears
//! (SPEC §9, scenario 47; §18.22); kinds and codes per SPEC §7.1, §8, §10, §15.

use std::collections::HashSet;

use ssokit_credentials::{
    CredentialsError, EnvironmentCredentialsProvider, ErrorCode, ErrorKind,
    WebIdentityTokenCredentialsProvider,
};
use ssokit_fake_portal::{Answer, Operation};

use crate::{LEGACY_CACHE, SESSION_CACHE, World, assert_no_secret};

/// One error per reachable catalogue entry, each from a real scenario.
async fn every_error() -> Vec<CredentialsError> {
    let mut errors = Vec::new();
    let w = World::new();
    errors.push(w.sso("missing").get().await.unwrap_err()); // S-PROFILE
    errors.push(w.token("missing").get().await.unwrap_err()); // T-PROFILE
    errors.push(w.token("a").get().await.unwrap_err()); // T-LEGACY
    // S-401 / S-403 / S-404 / S-HTTP / S-SHAPE / N-BODY
    for answer in [
        Answer::service_error(
            Operation::GetRoleCredentials,
            "UnauthorizedException",
            "bad",
        ),
        Answer::empty(403),
        Answer::empty(404),
        Answer::empty(429),
        Answer::json(200, "{}"),
        Answer::raw(200, "<html>"),
        Answer::oversized(2 << 20),
    ] {
        w.portal.script(Operation::GetRoleCredentials, [answer]);
        errors.push(w.sso("s").get().await.unwrap_err());
    }
    // T-FAILED, expired, with a failing CreateToken.
    let w = World::new();
    w.session_expires_at("\"2026-03-01T11:59:00Z\"");
    w.portal.script(
        Operation::CreateToken,
        [Answer::service_error(
            Operation::CreateToken,
            "InvalidGrantException",
            "bad grant",
        )],
    );
    errors.push(w.sso("s").get().await.unwrap_err());
    // T-CORRUPT, T-KEY, T-EXPIRES, T-NOTOKEN, S-KEYS, S-EXPIRED, S-NOTOKEN
    for (file, contents) in [
        (SESSION_CACHE, "{\"accessToken\": \"session-at\""),
        (
            SESSION_CACHE,
            "{\"accessToken\": 5, \"expiresAt\": \"2026-03-01T14:00:00Z\"}",
        ),
        (
            SESSION_CACHE,
            "{\"accessToken\": \"session-at\", \"expiresAt\": \"x\"}",
        ),
        (SESSION_CACHE, "null"),
        (LEGACY_CACHE, "{\"expiresAt\": \"2026-03-01T14:00:00Z\"}"),
        (
            LEGACY_CACHE,
            "{\"accessToken\": \"legacy-at\", \"expiresAt\": \"2026-03-01T11:00:00Z\"}",
        ),
        (LEGACY_CACHE, ""),
    ] {
        let w = World::new();
        w.write(file, contents);
        let profile = if file == SESSION_CACHE { "s" } else { "a" };
        errors.push(w.sso(profile).get().await.unwrap_err());
    }
    errors
}

const ROLE: &str = "arn:aws:iam::123456789012:role/R";

/// The errors `every_error` cannot reach, each from its own setup.
async fn more_errors() -> Vec<CredentialsError> {
    let mut errors = Vec::new();
    let mut w = World::new();
    w.unset_env("HOME");
    errors.push(w.sso("a").get().await.unwrap_err()); // E-HOME
    let w = World::new();
    w.remove(".aws/config");
    std::fs::create_dir(w.path(".aws/config")).unwrap();
    errors.push(w.sso("a").get().await.unwrap_err()); // E-READ
    let w = World::new();
    w.write(".aws/config", "oops\n");
    errors.push(w.sso("a").get().await.unwrap_err()); // E-PARSE
    let mut w = World::new();
    w.set_env("AWS_USE_FIPS_ENDPOINT", "maybe");
    errors.push(w.sso("a").get().await.unwrap_err()); // E-BOOL
    w.unset_env("AWS_USE_FIPS_ENDPOINT");
    w.set_env("AWS_MAX_ATTEMPTS", "many");
    errors.push(w.sso("a").get().await.unwrap_err()); // invalid setting
    w.unset_env("AWS_MAX_ATTEMPTS");
    w.set_env("AWS_ENDPOINT_URL_SSO", "http://example.com");
    errors.push(w.sso("a").get().await.unwrap_err()); // P-HTTP
    let w = World::new();
    let config = w.read(".aws/config");
    w.write(
        ".aws/config",
        format!(
            "{config}\n[profile n]\nregion = x\n\n[profile m]\nsso_session = dev\nsso_region = us-east-1\n\
             sso_account_id = 1\nsso_role_name = R\n\n[profile g]\nsso_session = ghost\n\n\
             [profile k]\nsso_session = keyless\n\n[sso-session keyless]\nsso_region = x\n\n\
             [profile r]\nrole_arn = arn\n\n[profile h]\naws_access_key_id = A\n\n\
             [profile p]\ncredential_process = exit 1\n\n\
             [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n\n\
             [profile c1]\nrole_arn = {ROLE}\nsource_profile = c2\n\n\
             [profile c2]\nrole_arn = {ROLE}\nsource_profile = c1\n\n\
             [profile named]\nrole_arn = {ROLE}\ncredential_source = Environment\n\n\
             [profile mfa]\nrole_arn = {ROLE}\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/u\n\n\
             [profile denied]\nrole_arn = {ROLE}\nsource_profile = base\n"
        ),
    );
    errors.push(w.token("n").get().await.unwrap_err()); // T-NOSESSION
    errors.push(w.sso("m").get().await.unwrap_err()); // S-MISMATCH
    errors.push(w.token("g").get().await.unwrap_err()); // T-SESSION
    errors.push(w.token("k").get().await.unwrap_err()); // T-SESSKEY
    errors.push(w.sso("n").get().await.unwrap_err()); // S-LEGACY, not configured
    errors.push(w.profile("n").get().await.unwrap_err()); // K-NOCREDS
    errors.push(w.profile("r").get().await.unwrap_err()); // R-NOSOURCE
    errors.push(w.profile("c1").get().await.unwrap_err()); // R-CYCLE
    errors.push(w.profile("named").get().await.unwrap_err()); // R-NAMED
    errors.push(w.profile("mfa").get().await.unwrap_err()); // R-MFA
    w.portal.script(
        Operation::AssumeRole,
        [Answer::sts_error(403, "AccessDenied", "not allowed")],
    );
    errors.push(w.profile("denied").get().await.unwrap_err()); // R-ROLE
    errors.push(w.profile("h").get().await.unwrap_err()); // K-HALF
    errors.push(w.profile("p").get().await.unwrap_err()); // process
    let env = EnvironmentCredentialsProvider::new(w.config(), "AWS");
    errors.push(env.get().await.unwrap_err()); // K-ENV
    let web = WebIdentityTokenCredentialsProvider::builder(w.config()).build();
    errors.push(web.get().await.unwrap_err()); // W-NONE
    let mut w = w;
    w.set_env("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/ssokit/token");
    w.set_env("AWS_ROLE_ARN", ROLE);
    let web = WebIdentityTokenCredentialsProvider::builder(w.config()).build();
    errors.push(web.get().await.unwrap_err()); // W-READ
    errors
}

#[tokio::test]
async fn s47_no_error_holds_a_secret() {
    let mut errors = every_error().await;
    assert_eq!(errors.len(), 18);
    errors.extend(more_errors().await);
    let mut codes = HashSet::new();
    for error in &errors {
        let text = format!(
            "{error} | {error:?} | {:?} | {:?}",
            error.kind(),
            error.code()
        );
        assert_no_secret(&text);
        assert_eq!(error.message(), error.to_string());
        codes.insert(error.code());
    }
    let all = [
        ErrorCode::Home,
        ErrorCode::Read,
        ErrorCode::Parse,
        ErrorCode::Bool,
        ErrorCode::ProfileNotFound,
        ErrorCode::NoSession,
        ErrorCode::LegacyProfile,
        ErrorCode::SessionNotFound,
        ErrorCode::SessionKeyMissing,
        ErrorCode::TokenNotFound,
        ErrorCode::TokenCorrupt,
        ErrorCode::TokenKey,
        ErrorCode::TokenExpiresAt,
        ErrorCode::RefreshFailed,
        ErrorCode::IncompleteSsoProfile,
        ErrorCode::SessionMismatch,
        ErrorCode::TokenExpired,
        ErrorCode::Service,
        ErrorCode::Transport,
        ErrorCode::Endpoint,
        ErrorCode::EnvNotSet,
        ErrorCode::HalfStaticKeys,
        ErrorCode::AssumeRole,
        ErrorCode::RoleSettings,
        ErrorCode::RoleCycle,
        ErrorCode::CredentialSource,
        ErrorCode::Mfa,
        ErrorCode::WebIdentityNotSet,
        ErrorCode::WebIdentityToken,
        ErrorCode::NoCredentials,
        ErrorCode::Process,
        ErrorCode::InvalidSetting,
    ];
    for code in all {
        assert!(codes.contains(&code), "no error with code {code:?}");
    }
    // Not configured only where SPEC §7.1, §8 and §10 say.
    for error in errors.iter().filter(|e| e.is_not_configured()) {
        assert!(
            matches!(
                error.code(),
                ErrorCode::ProfileNotFound
                    | ErrorCode::NoSession
                    | ErrorCode::IncompleteSsoProfile
                    | ErrorCode::NoCredentials
                    | ErrorCode::EnvNotSet
                    | ErrorCode::WebIdentityNotSet
            ),
            "{error:?}"
        );
    }
    assert!(errors.iter().any(|e| e.kind() == ErrorKind::Failed));
}

#[test]
fn errors_are_clone_send_sync_and_std_errors() {
    fn check<T: Clone + Send + Sync + std::error::Error + 'static>() {}
    check::<CredentialsError>();
}
