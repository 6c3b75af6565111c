//! Interop with the AWS CLI v2 itself (SPEC §26 scenario 21): the two tools share one
//! client registration, one token file per session and one role credential cache.
//!
//! - after `ssokit login --use-device-code`, `aws sso login` registers no client of its own,
//!   and ssokit resolves credentials with the token the CLI then wrote; the other way
//!   round, `ssokit login` reuses the registration `aws sso login` made;
//! - `aws sso logout` ends the sessions ssokit logged in to and deletes the token files and
//!   the role credentials ssokit cached.
//!
//! Both tools reach the SSO and SSO-OIDC hosts by their real names (no endpoint override:
//! the CLI of Debian 12, 2.9, knows none for these services) through `HTTPS_PROXY`, a
//! loopback proxy that tunnels every name to the https fake, whose certificate the
//! `AWS_CA_BUNDLE` trusts: nothing leaves loopback, no name is even looked up.
//!
//! Without an AWS CLI v2 the tests say so and pass, unless `SSOKIT_REQUIRE_AWS_CLI=1` (CI
//! sets it, after installing Debian's `awscli`): then they fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ssokit_fake_portal::{Answer, FakePortal, FakeProxy, Operation};

use crate::{LEGACY_CACHE, S_ENTRY, SESSION_CACHE, Sandbox, now_plus};

/// The client registration of sso-session `dev` (SPEC §19.3), relative to the home.
const REGISTRATION: &str = ".aws/sso/cache/31c6709b4a22ba40b33cc658a6728837f3007d63.json";

/// An `aws` on `PATH` (or Debian's `/usr/bin/aws`) that is the AWS CLI v2; a failure when
/// one is required but missing.
fn aws_cli_v2(test: &str) -> Option<PathBuf> {
    #[allow(
        clippy::disallowed_methods,
        reason = "the test looks for the AWS CLI where the CI environment installed it"
    )]
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("aws"))
        .find(|aws| {
            Command::new(aws)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"aws-cli/2."))
        });
    crate::or_skip(
        found,
        test,
        "SSOKIT_REQUIRE_AWS_CLI",
        "no AWS CLI v2",
        "apt-get install awscli",
    )
}

/// The sandbox's home and files, with the SSO and SSO-OIDC services reached by their real
/// names through a loopback proxy to an https fake.
struct World {
    sandbox: Sandbox,
    https: FakePortal,
    _proxy: FakeProxy,
}

impl World {
    fn new() -> Self {
        let mut sandbox = Sandbox::new();
        let https = FakePortal::start_https().unwrap();
        let proxy = FakeProxy::start_with_upstream(https.addr()).unwrap();
        sandbox.write("ca.pem", https.ca_pem().unwrap());
        let ca = sandbox.path("ca.pem").display().to_string();
        sandbox.unset("AWS_ENDPOINT_URL_SSO");
        sandbox.unset("AWS_ENDPOINT_URL_SSO_OIDC");
        sandbox.env("HTTPS_PROXY", proxy.url());
        sandbox.env("AWS_CA_BUNDLE", &ca);
        Self {
            sandbox,
            https,
            _proxy: proxy,
        }
    }

    /// Runs `aws args…` in the sandbox's environment; exit 0 expected.
    fn aws(&self, aws: &Path, args: &[&str]) -> Output {
        let base = self.sandbox.command(&[]);
        let mut command = Command::new(aws);
        command.env_clear();
        for (name, value) in base.get_envs() {
            if let Some(value) = value {
                command.env(name, value);
            }
        }
        let run = command
            .env("PATH", "/usr/bin:/bin")
            .args(args)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "aws {args:?} failed: {}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        run
    }

    /// The fake's registrations are those of SPEC §26's OIDC fake, their secret valid for
    /// 90 days of the real clock (both tools judge them by that clock).
    fn register_for_90_days(&self) {
        let in_90_days = now_plus(90 * 86_400).parse::<jiff::Timestamp>().unwrap();
        let in_90_days = in_90_days.as_second();
        self.https.script(
            Operation::RegisterClient,
            [Answer::json(
                200,
                format!(
                    r#"{{"clientId":"cid-new","clientSecret":"csecret-new","clientIdIssuedAt":1772366400,"clientSecretExpiresAt":{in_90_days}}}"#
                ),
            )],
        );
    }

    /// `ssokit login --sso-session dev --use-device-code` (the fake approves at once) as
    /// the first login: one registration.
    fn ssokit_login(&self) {
        self.register_for_90_days();
        let run = self
            .sandbox
            .run(&["login", "--sso-session", "dev", "--use-device-code"]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        assert_eq!(self.https.count(Operation::RegisterClient), 1);
    }
}

#[test]
fn s21_aws_sso_login_reuses_ssokits_registration_and_ssokit_uses_its_token() {
    let test = "s21_aws_sso_login_reuses_ssokits_registration_and_ssokit_uses_its_token";
    let Some(aws) = aws_cli_v2(test) else {
        return;
    };
    let world = World::new();
    world.sandbox.remove(SESSION_CACHE);
    world.ssokit_login();
    let registration = world.sandbox.read(REGISTRATION);

    world.aws(
        &aws,
        &["sso", "login", "--sso-session", "dev", "--no-browser"],
    );
    assert_eq!(
        world.https.count(Operation::RegisterClient),
        1,
        "the CLI reused ssokit's registration"
    );
    assert_eq!(world.https.count(Operation::StartDeviceAuthorization), 2);
    assert_eq!(world.sandbox.read(REGISTRATION), registration, "left as is");
    let token = world.sandbox.read(SESSION_CACHE);
    assert!(token.contains("\"clientId\": \"cid-new\""), "{token}");

    // ssokit resolves with the token file the CLI wrote.
    let out = world
        .sandbox
        .run(&["credentials", "--profile", "s", "--no-disk-cache"])
        .success();
    assert!(out.contains("ASIAMOCKACCESSKEY"), "{out}");
    assert_eq!(world.https.count(Operation::GetRoleCredentials), 1);
    assert_eq!(world.https.count(Operation::CreateToken), 2, "no refresh");
}

#[test]
fn s21_aws_sso_logout_deletes_what_ssokit_wrote() {
    let Some(aws) = aws_cli_v2("s21_aws_sso_logout_deletes_what_ssokit_wrote") else {
        return;
    };
    let world = World::new();
    world.ssokit_login();
    world
        .sandbox
        .run(&["credentials", "--profile", "s"])
        .success();
    assert!(world.sandbox.path(S_ENTRY).exists(), "ssokit cached it");

    world.aws(&aws, &["sso", "logout"]);
    // Both tokens (ssokit's login in eu-west-1, the legacy one in us-east-1) are ended at
    // the portal, then deleted with the role credentials; the registration stays.
    assert_eq!(world.https.count(Operation::Logout), 2);
    for gone in [SESSION_CACHE, LEGACY_CACHE, S_ENTRY] {
        assert!(!world.sandbox.path(gone).exists(), "{gone}");
    }
    assert!(world.sandbox.path(REGISTRATION).exists());
}

#[test]
fn s21_ssokit_login_reuses_the_registration_aws_sso_login_made() {
    let test = "s21_ssokit_login_reuses_the_registration_aws_sso_login_made";
    let Some(aws) = aws_cli_v2(test) else {
        return;
    };
    let world = World::new();
    world.sandbox.remove(SESSION_CACHE);
    world.register_for_90_days();
    world.aws(
        &aws,
        &["sso", "login", "--sso-session", "dev", "--no-browser"],
    );
    assert_eq!(world.https.count(Operation::RegisterClient), 1);
    let registration = world.sandbox.read(REGISTRATION);
    assert!(
        registration.contains("\"clientId\": \"cid-new\""),
        "{registration}"
    );

    let run = world
        .sandbox
        .run(&["login", "--sso-session", "dev", "--use-device-code"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        world.https.count(Operation::RegisterClient),
        1,
        "ssokit reused the CLI's registration"
    );
    assert_eq!(world.https.count(Operation::StartDeviceAuthorization), 2);
    let token = world.sandbox.read(SESSION_CACHE);
    assert!(token.contains("\"clientId\": \"cid-new\""), "{token}");
}
