//! `ssokit console` (SPEC §24, §26 scenario 18) through the binary, against the fake
//! federation endpoint the sandbox points `SSOKIT_FEDERATION_ENDPOINT` at: the printed
//! login URL and the one `getSigninToken` behind it, the usage errors (exit 2) before any
//! request, the refusals and their exact texts, a browser that cannot be opened, and the
//! trace. Scenario 19 (headless Chromium through the redirect) is in `browser`.

use ssokit_fake_portal::{Answer, Operation, RecordedRequest};

use crate::Sandbox;

const ISSUER: &str = "https%3A%2F%2Fd-abc123.awsapps.com%2Fstart";

/// The console home of `region` on `host`, as the login URL's `Destination` carries it.
fn destination(host: &str, region: &str) -> String {
    format!("https%3A%2F%2F{host}%2Fconsole%2Fhome%3Fregion%3D{region}")
}

fn signin_requests(sandbox: &Sandbox) -> Vec<RecordedRequest> {
    sandbox
        .portal
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(Operation::GetSigninToken))
        .collect()
}

/// The §13 config plus `extra`.
fn with_profiles(sandbox: &Sandbox, extra: &str) {
    let config = sandbox.read(".aws/config");
    sandbox.write(".aws/config", format!("{config}\n{extra}"));
}

/// Exit 2 with `message`, nothing on stdout, no request.
fn usage_error(sandbox: &Sandbox, args: &[&str], message: &str) {
    let run = sandbox.run(args);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert_eq!(run.stdout(), "");
    assert_eq!(run.stderr(), format!("ssokit: error: {message}\n"));
    assert!(sandbox.portal.requests().is_empty());
}

#[test]
fn s18_print_writes_the_login_url_and_nothing_else() {
    let sandbox = Sandbox::new();
    let stdout = sandbox
        .run(&["console", "--profile", "s", "--print"])
        .success();
    let base = format!("{}/federation", sandbox.portal.url());
    assert_eq!(
        stdout,
        format!(
            "{base}?Action=login&Issuer={ISSUER}&Destination={}&SigninToken=st-1\n",
            destination("console.aws.amazon.com", "eu-west-1")
        )
    );
    let sent = signin_requests(&sandbox);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].query_param("Action").as_deref(),
        Some("getSigninToken")
    );
    assert_eq!(sent[0].query_param("SessionDuration"), None);
    assert_eq!(
        sent[0].query_param("Session").unwrap(),
        r#"{"sessionId":"ASIAMOCKACCESSKEY","sessionKey":"mockSecretKey","sessionToken":"mockSessionToken"}"#
    );
    assert_eq!(sandbox.gets(), 1, "one GetRoleCredentials");
}

#[test]
fn s18_duration_is_sent_and_checked() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["console", "--profile", "s", "--print", "--duration", "3600"])
        .success();
    let sent = signin_requests(&sandbox);
    assert_eq!(
        sent[0].query_param("SessionDuration").as_deref(),
        Some("3600")
    );
    assert!(
        sent[0]
            .target
            .starts_with("/federation?Action=getSigninToken&SessionDuration=3600&Session="),
        "{}",
        sent[0].target
    );

    let sandbox = Sandbox::new();
    for bad in ["60", "43201", "1h", ""] {
        usage_error(
            &sandbox,
            &["console", "--profile", "s", "--print", "--duration", bad],
            &format!("invalid --duration \"{bad}\": expected whole seconds from 900 to 43200"),
        );
    }
    assert_eq!(sandbox.gets(), 0);
}

#[test]
fn c_dest_an_absolute_https_destination_only() {
    let sandbox = Sandbox::new();
    for bad in ["http://console.aws.amazon.com/", "/s3/home", "https://"] {
        usage_error(
            &sandbox,
            &["console", "--profile", "s", "--destination", bad],
            &format!("invalid --destination \"{bad}\": expected an absolute https URL"),
        );
    }
    let stdout = sandbox
        .run(&[
            "console",
            "--profile",
            "s",
            "--print",
            "--destination",
            "https://console.aws.amazon.com/s3/home?region=eu-west-1",
        ])
        .success();
    assert!(
        stdout.contains(
            "&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1&"
        ),
        "{stdout}"
    );
}

#[test]
fn the_partition_picks_the_console_host() {
    let sandbox = Sandbox::new();
    for (region, host) in [
        ("us-east-2", "console.aws.amazon.com"),
        ("us-gov-west-1", "console.amazonaws-us-gov.com"),
        ("cn-northwest-1", "console.amazonaws.cn"),
        ("eusc-de-east-1", "console.amazonaws-eusc.eu"),
    ] {
        let stdout = sandbox
            .run(&["console", "--profile", "s", "--print", "--region", region])
            .success();
        assert!(
            stdout.contains(&format!("&Destination={}&", destination(host, region))),
            "{region}: {stdout}"
        );
    }
    // AWS_REGION over the profile's SSO region, --region over both.
    let mut sandbox = Sandbox::new();
    sandbox.env("AWS_REGION", "cn-north-1");
    let stdout = sandbox
        .run(&["console", "--profile", "s", "--print"])
        .success();
    assert!(stdout.contains(&destination("console.amazonaws.cn", "cn-north-1")));
}

#[test]
fn c_partition_iso_regions() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "console",
        "--profile",
        "s",
        "--print",
        "--region",
        "us-isob-east-1",
    ]);
    assert_eq!(
        run.failure(),
        "ssokit: error: the AWS console sign-in is not available for region us-isob-east-1 (partition aws-iso-b)\n"
    );
    assert!(signin_requests(&sandbox).is_empty());
}

#[test]
fn c_static_long_term_keys() {
    let sandbox = Sandbox::new();
    with_profiles(
        &sandbox,
        "[profile keys]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    );
    let run = sandbox.run(&["console", "--profile", "keys", "--print"]);
    assert_eq!(
        run.failure(),
        "ssokit: error: The AWS console needs temporary credentials, but profile keys resolved to long-term access keys (no session token)\n"
    );
    assert!(signin_requests(&sandbox).is_empty());
}

#[test]
fn c_chained_duration_with_a_role_over_sso() {
    let sandbox = Sandbox::new();
    with_profiles(
        &sandbox,
        "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = s\n",
    );
    let run = sandbox.run(&[
        "console",
        "--profile",
        "admin",
        "--print",
        "--duration",
        "3600",
    ]);
    assert_eq!(
        run.failure(),
        "ssokit: error: --duration cannot be used for profile admin: its credentials come from role chaining, for which the sign-in endpoint rejects SessionDuration\n"
    );
    assert!(signin_requests(&sandbox).is_empty());
    // Without --duration it signs in, with the start URL behind the role as the issuer.
    let stdout = sandbox
        .run(&["console", "--profile", "admin", "--print"])
        .success();
    assert!(stdout.contains(&format!("&Issuer={ISSUER}&")), "{stdout}");
}

#[test]
fn c_http_and_c_shape() {
    let sandbox = Sandbox::new();
    sandbox.portal.script(
        Operation::GetSigninToken,
        [Answer::raw(400, "<html>mockSessionToken is invalid</html>")],
    );
    let run = sandbox.run(&["console", "--profile", "s", "--print"]);
    assert_eq!(
        run.failure(),
        "ssokit: error: getSigninToken failed: HTTP 400\n"
    );
    sandbox
        .portal
        .script(Operation::GetSigninToken, [Answer::json(200, "{}")]);
    let run = sandbox.run(&["console", "--profile", "s", "--print"]);
    assert_eq!(
        run.failure(),
        "ssokit: error: getSigninToken response lacks SigninToken\n"
    );
}

#[test]
fn the_profile_comes_from_aws_profile_without_profile() {
    let mut sandbox = Sandbox::new();
    sandbox.env("AWS_PROFILE", "a");
    let stdout = sandbox.run(&["console", "--print"]).success();
    // The legacy profile's start URL and sso_region (us-east-1).
    assert!(
        stdout.contains(&format!(
            "?Action=login&Issuer={ISSUER}&Destination={}&SigninToken=st-1",
            destination("console.aws.amazon.com", "us-east-1")
        )),
        "{stdout}"
    );
}

#[test]
fn the_environment_keys_have_no_issuer() {
    let mut sandbox = Sandbox::new();
    sandbox.env("AWS_ACCESS_KEY_ID", "ASIAENV");
    sandbox.env("AWS_SECRET_ACCESS_KEY", "env-secret");
    sandbox.env("AWS_SESSION_TOKEN", "env-session");
    let stdout = sandbox.run(&["console", "--print"]).success();
    assert!(
        stdout.contains(&format!(
            "?Action=login&Issuer=&Destination={}&",
            destination("console.aws.amazon.com", "us-east-1")
        )),
        "{stdout}"
    );
    assert_eq!(
        signin_requests(&sandbox)[0].query_param("Session").unwrap(),
        r#"{"sessionId":"ASIAENV","sessionKey":"env-secret","sessionToken":"env-session"}"#
    );
}

#[test]
fn c_browser_when_the_browser_cannot_be_opened() {
    let mut sandbox = Sandbox::new();
    sandbox.env("BROWSER", "false");
    let run = sandbox.run(&["console", "--profile", "s"]);
    let stderr = run.failure();
    assert!(
        stderr.starts_with(
            "ssokit: error: could not open the sign-in link in a browser (false exited with "
        ),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("); run ssokit console --print to get it\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("SigninToken"), "{stderr}");
}

#[test]
fn verbose_shows_the_call_without_the_session_or_the_token() {
    let sandbox = Sandbox::new();
    sandbox.portal.script(
        Operation::GetSigninToken,
        [Answer::json(200, r#"{"SigninToken":"signin-secret-xyz"}"#)],
    );
    let run = sandbox.run(&["console", "--profile", "s", "--print", "-v"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(run.stdout().ends_with("&SigninToken=signin-secret-xyz\n"));
    let stderr = run.stderr();
    assert!(
        stderr.contains(&format!(
            "url={}/federation?Action=getSigninToken&Session=** redacted **",
            sandbox.portal.url()
        )),
        "{stderr}"
    );
    ssokit_fake_portal::sandbox::assert_no_secret(&stderr);
    assert!(!stderr.contains("signin-secret-xyz"), "{stderr}");
    assert!(!stderr.contains("ASIAMOCKACCESSKEY"), "{stderr}");
}
