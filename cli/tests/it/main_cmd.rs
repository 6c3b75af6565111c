//! The command line itself: exit codes, error texts with locations, refresh across
//! processes (SPEC §11; scenarios 11, 27, 49).

use std::process::Stdio;

use ssokit_fake_portal::{Answer, Operation};

use crate::{LEGACY_CACHE, SESSION_CACHE, SLOW, Sandbox, now_plus};

#[test]
fn usage_errors_exit_2() {
    let sandbox = Sandbox::new();
    for args in [
        &["credentials", "--format", "yaml"][..],
        &["token", "--format", "process"],
        &["nope"],
        &[],
        &["credentials", "--profile"],
    ] {
        let run = sandbox.run(args);
        assert_eq!(run.code(), 2, "{args:?}: {}", run.stderr());
        assert_eq!(run.stdout(), "");
    }
    assert_eq!(sandbox.run(&["--help"]).code(), 0);
    assert_eq!(sandbox.gets() + sandbox.posts(), 0);
}

#[test]
fn a_missing_profile() {
    let sandbox = Sandbox::new();
    assert_eq!(
        sandbox.run(&["credentials", "--profile", "nope"]).failure(),
        "ssokit: error: Profile nope not found\n"
    );
    assert_eq!(
        sandbox.run(&["token", "--profile", "nope"]).failure(),
        "ssokit: error: Could not load token from any providers: \
         SsoTokenProvider: Profile \"nope\" not found\n"
    );
}

#[test]
fn nothing_configured_lists_every_provider() {
    let sandbox = Sandbox::new();
    assert_eq!(
        sandbox.run(&["credentials"]).failure(),
        "ssokit: error: Could not load credentials from any providers: \
         EnvironmentCredentialsProvider(AWS): AWS_ACCESS_KEY_ID is not set; \
         EnvironmentCredentialsProvider(AMAZON): AMAZON_ACCESS_KEY_ID is not set; \
         ProfileCredentialsProvider: Profile default not found; \
         WebIdentityTokenCredentialsProvider: AWS_WEB_IDENTITY_TOKEN_FILE is not set; \
         ContainerCredentialsProvider: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set; \
         ImdsCredentialsProvider: IMDS is disabled (AWS_EC2_METADATA_DISABLED=true)\n"
    );
}

#[test]
fn scenario_49_and_11_no_cached_legacy_token() {
    let sandbox = Sandbox::new();
    std::fs::remove_file(sandbox.path(LEGACY_CACHE)).unwrap();
    assert_eq!(
        sandbox.run(&["credentials", "--profile", "a"]).failure(),
        format!(
            "ssokit: error: Cached credentials not found under a profile. Please make sure you \
             log in with aws sso login first (looked for {}). With ssokit: ssokit login --profile a.\n",
            sandbox.path(LEGACY_CACHE).display()
        )
    );
    assert_eq!(sandbox.gets(), 0);
}

#[test]
fn an_expired_legacy_token() {
    let sandbox = Sandbox::new();
    sandbox.set_expires_at(LEGACY_CACHE, &now_plus(-60));
    assert_eq!(
        sandbox.run(&["credentials", "--profile", "a"]).failure(),
        "ssokit: error: The SSO session associated with this profile has expired. To refresh \
         this SSO session run aws sso login with the corresponding profile. With ssokit: ssokit login --profile a.\n"
    );
    assert_eq!(sandbox.gets(), 0);
}

#[test]
fn a_failed_refresh() {
    let sandbox = Sandbox::new();
    let expired = now_plus(-3600);
    sandbox.set_expires_at(SESSION_CACHE, &expired);
    sandbox.portal.script(
        Operation::CreateToken,
        [Answer::service_error(
            Operation::CreateToken,
            "InvalidGrantException",
            "Invalid refresh token provided",
        )],
    );
    let before = sandbox.read(SESSION_CACHE);
    assert_eq!(
        sandbox.run(&["token", "--profile", "s"]).failure(),
        format!(
            "ssokit: error: SSO Token refresh failed: the token for sso-session \"dev\" expired at \
             {expired} and the refresh failed (InvalidGrantException: Invalid refresh token \
             provided). Please log in using \"aws sso login --sso-session dev\". With ssokit: ssokit login --sso-session dev.\n"
        )
    );
    assert_eq!(sandbox.posts(), 1);
    assert_eq!(sandbox.read(SESSION_CACHE), before, "the file is unchanged");
}

#[test]
fn a_server_403() {
    let sandbox = Sandbox::new();
    sandbox.portal.script(
        Operation::GetRoleCredentials,
        [Answer::service_error(
            Operation::GetRoleCredentials,
            "ForbiddenException",
            "No access",
        )],
    );
    assert_eq!(
        sandbox.run(&["credentials", "--profile", "a"]).failure(),
        "ssokit: error: No access to role LegacyRole in account 111122223333 \
         (ForbiddenException: No access)\n"
    );
    assert_eq!(sandbox.gets(), 1);
}

#[test]
fn an_error_about_a_setting_names_its_line() {
    let sandbox = Sandbox::new();
    sandbox.write(
        ".aws/config",
        "[profile k]\nregion = us-east-1\naws_access_key_id = AKID\n",
    );
    let config = sandbox.path(".aws/config");
    assert_eq!(
        sandbox.run(&["credentials", "--profile", "k"]).failure(),
        format!(
            "ssokit: error: Profile k sets aws_access_key_id but not aws_secret_access_key\n  at {}:3\n",
            config.display()
        )
    );
    sandbox.write(".aws/config", "[profile a]\nx = 1\n[profile b]junk\n");
    assert_eq!(
        sandbox.run(&["credentials", "--profile", "a"]).failure(),
        format!(
            "ssokit: error: error parsing {0} on line 3: Profile definition must end with ']'\n  at {0}:3\n",
            config.display()
        )
    );
}

#[test]
fn a_refresh_rewrites_the_cache_file() {
    let sandbox = Sandbox::new();
    sandbox.set_expires_at(SESSION_CACHE, &now_plus(60));
    let out = sandbox
        .run(&["token", "--profile", "s", "--format", "raw"])
        .success();
    assert_eq!(out, "at-2\n");
    assert_eq!(sandbox.posts(), 1);
    let text = sandbox.read(SESSION_CACHE);
    assert!(text.contains("\"accessToken\": \"at-2\""), "{text}");
    assert!(text.contains("\"refreshToken\": \"rt-2\""), "{text}");
    assert!(text.contains("\"x-extra\": 1.50"), "{text}");
}

#[test]
fn insecure_http_needs_the_flag() {
    let mut sandbox = Sandbox::new();
    sandbox.env("AWS_ENDPOINT_URL_SSO", "http://sso.example.invalid:8080");
    let stderr = sandbox.run(&["credentials", "--profile", "a"]).failure();
    assert_eq!(
        stderr,
        "ssokit: error: refusing to send SSO credentials over plain http to sso.example.invalid \
         (from AWS_ENDPOINT_URL_SSO); use https, or allow insecure http explicitly\n"
    );
    // Opted in, it is sent: through a proxy on a closed loopback port, so nothing (not even
    // a name lookup) leaves the machine, and the attempt shows in the error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    sandbox.env("HTTP_PROXY", &proxy);
    let stderr = sandbox
        .run(&["--allow-insecure-http", "credentials", "--profile", "a"])
        .failure();
    assert!(
        stderr.starts_with(
            "ssokit: error: GetRoleCredentials request to http://sso.example.invalid:8080"
        ) && stderr.contains(&format!("could not connect to proxy {}", &proxy[7..])),
        "{stderr}"
    );
}

#[test]
fn scenario_27_eight_processes_refresh_once() {
    let sandbox = Sandbox::new();
    sandbox.set_expires_at(SESSION_CACHE, &now_plus(-3600));
    sandbox.portal.script(
        Operation::CreateToken,
        [Answer::default_for(Operation::CreateToken).delay(SLOW)],
    );
    let children: Vec<_> = (0..8)
        .map(|_| {
            sandbox
                .command(&["token", "--profile", "s", "--format", "raw"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(String::from_utf8(output.stdout).unwrap(), "at-2\n");
    }
    assert_eq!(sandbox.posts(), 1, "one CreateToken across 8 processes");
}

#[test]
fn a_credential_process_that_calls_ssokit_for_itself_stops_at_the_depth_limit() {
    let sandbox = Sandbox::new();
    sandbox.write(
        ".aws/config",
        format!(
            "[profile loop]\ncredential_process = {} credentials --profile loop --format process\n",
            env!("CARGO_BIN_EXE_ssokit")
        ),
    );
    let stderr = sandbox.run(&["credentials", "--profile", "loop"]).failure();
    let config = sandbox.path(".aws/config");
    // The third process refuses to start a fourth; each one above it reports its child's
    // failure in turn.
    let innermost = format!(
        "ssokit: error: Error retrieving credentials from external process: not started: 3 \
         credential_process commands are already running one inside another \
         (SSOKIT_CREDENTIAL_PROCESS_DEPTH=3), so the credential_process of profile loop most \
         likely runs ssokit for that profile again; point it at a command that does not come \
         back to this profile\n  at {}:2\n",
        config.display()
    );
    assert!(stderr.starts_with(&innermost), "{stderr}");
    assert_eq!(
        stderr
            .matches("Error retrieving credentials from external process: exited with")
            .count(),
        3,
        "{stderr}"
    );
}

/// SPEC §7.2 g: a token inside the refresh window that cannot be refreshed is used, with
/// a warning the user sees (not only a `-v` trace), so the session's end is no surprise.
#[test]
fn a_token_used_without_a_refresh_is_a_warning_on_stderr() {
    let sandbox = Sandbox::new();
    let soon = now_plus(120);
    sandbox.set_expires_at(SESSION_CACHE, &soon);
    sandbox.drop_refresh_token(SESSION_CACHE);
    let run = sandbox.run(&["credentials", "--profile", "s", "--no-disk-cache"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        run.stderr(),
        format!(
            "ssokit: warning: the SSO token of sso-session \"dev\" expires at {soon} and cannot be refreshed (no refresh token in cache); using it until then\n"
        )
    );
    assert!(run.stdout().contains("ASIAMOCKACCESSKEY"));
    assert_eq!(sandbox.portal.count(Operation::CreateToken), 0);
}
