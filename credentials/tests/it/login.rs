//! `login` against the fake SSO-OIDC (SPEC §19, §26): the device code flow with pending,
//! slow down and success; the authorization code flow through an opener that follows the
//! fake's redirect to the loopback callback; the registration reused from the AWS CLI's
//! cache; two concurrent logins of one session making one registration; a corrupt token
//! file refused.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ssokit_credentials::{
    FlowOptions, LoginOutput, LoginRequest, LoginTargetRequest, OpenBrowser, OsKind, login,
};
use ssokit_fake_portal::{Answer, Operation};

use crate::{SESSION_CACHE, World, assert_no_secret};

/// Collects what a login says.
#[derive(Default)]
struct Said(Mutex<Vec<String>>);

impl LoginOutput for Said {
    fn say(&self, text: &str) {
        self.0.lock().unwrap().push(text.to_owned());
    }

    fn warn(&self, text: &str) {
        self.0.lock().unwrap().push(format!("warning: {text}"));
    }
}

impl Said {
    fn text(&self) -> String {
        self.0.lock().unwrap().join("\n")
    }
}

/// An opener that plays the browser over plain HTTP: it loads the URL and follows one
/// redirect (the fake's 302 to the loopback callback). For device code it only records.
#[derive(Debug, Default)]
struct HttpOpener {
    opened: Mutex<Vec<String>>,
    follow: bool,
}

impl OpenBrowser for HttpOpener {
    fn open(&self, url: &str) -> Result<(), String> {
        self.opened.lock().unwrap().push(url.to_owned());
        if self.follow {
            let url = url.to_owned();
            std::thread::spawn(move || {
                let answer = get(&url);
                let location = answer
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix("location: ")
                            .or_else(|| l.strip_prefix("Location: "))
                    })
                    .map_or_else(|| panic!("no redirect: {answer}"), str::to_owned);
                get(&location)
            });
        }
        Ok(())
    }
}

/// A plain-http GET on loopback; the whole answer.
fn get(url: &str) -> String {
    let rest = url.strip_prefix("http://").unwrap();
    let (authority, target) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(authority).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

fn request(flow: FlowOptions) -> LoginRequest {
    LoginRequest {
        target: LoginTargetRequest {
            sso_session: Some("dev".to_owned()),
            profile: "default".to_owned(),
        },
        flow,
        os: OsKind::UnixDesktop,
    }
}

fn world() -> World {
    let mut w = World::new();
    w.set_env("DISPLAY", ":0");
    w.remove(SESSION_CACHE);
    w
}

#[tokio::test]
async fn device_code_with_pending_then_slow_down_then_success() {
    let (capture, _guard) = crate::Capture::start();
    let w = world();
    w.portal.script(
        Operation::CreateToken,
        [
            Answer::service_error(
                Operation::CreateToken,
                "AuthorizationPendingException",
                "pending",
            ),
            Answer::service_error(Operation::CreateToken, "SlowDownException", "slow down"),
            Answer::default_for(Operation::CreateToken),
        ],
    );
    let slept = Arc::new(Mutex::new(Vec::new()));
    let recorded = Arc::clone(&slept);
    let config = w.config().with_sleep(move |d| {
        recorded.lock().unwrap().push(d);
        Box::pin(std::future::ready(()))
    });
    let said = Said::default();
    let opener = Arc::new(HttpOpener::default());
    let flow = FlowOptions {
        use_device_code: true,
        ..FlowOptions::default()
    };
    let outcome = login(&config, &request(flow), opener.clone(), &said)
        .await
        .unwrap();
    assert!(!outcome.by_another());
    assert_eq!(w.portal.count(Operation::RegisterClient), 1);
    assert_eq!(w.portal.count(Operation::StartDeviceAuthorization), 1);
    assert_eq!(w.portal.count(Operation::CreateToken), 3);
    assert_eq!(
        *slept.lock().unwrap(),
        [
            Duration::from_secs(1),
            Duration::from_secs(1),
            Duration::from_secs(6)
        ],
        "interval, interval, interval + 5 after slow down"
    );
    let text = said.text();
    assert!(text.contains("and enter the code:\n\nUSER-CODE"), "{text}");
    assert_eq!(
        opener.opened.lock().unwrap().len(),
        1,
        "the complete URL was opened"
    );
    let token = w.read(SESSION_CACHE);
    assert!(token.starts_with("{\n  \"startUrl\": \"https://d-abc123.awsapps.com/start\",\n  \"region\": \"eu-west-1\""), "{token}");
    assert!(token.contains("\"clientId\": \"client-1\""), "{token}");
    assert_no_secret(&format!("{text} {outcome:?}"));
    assert_no_secret(&capture.text());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |rel: &str| std::fs::metadata(w.path(rel)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(SESSION_CACHE), 0o600, "the token file");
        assert_eq!(
            mode(".aws/sso/cache/31c6709b4a22ba40b33cc658a6728837f3007d63.json"),
            0o600,
            "the registration"
        );
    }

    // A second login reuses the registration the first saved (the AWS CLI's file).
    w.portal.script(
        Operation::CreateToken,
        [Answer::default_for(Operation::CreateToken)],
    );
    login(&config, &request(flow), opener.clone(), &said)
        .await
        .unwrap();
    assert_eq!(
        w.portal.count(Operation::RegisterClient),
        1,
        "no second registration"
    );
}

#[tokio::test]
async fn authorization_code_through_the_loopback_callback() {
    let w = world();
    let said = Said::default();
    let opener = Arc::new(HttpOpener {
        follow: true,
        ..HttpOpener::default()
    });
    let outcome = login(
        &w.config(),
        &request(FlowOptions::default()),
        opener.clone(),
        &said,
    )
    .await
    .unwrap();
    assert_eq!(w.portal.count(Operation::Authorize), 1);
    let url = opener.opened.lock().unwrap()[0].clone();
    assert!(url.contains("/authorize?response_type=code&client_id=client-1&redirect_uri=http%3A%2F%2F127.0.0.1%3A"), "{url}");
    assert!(
        said.text()
            .starts_with("Attempting to open your default browser."),
        "{}",
        said.text()
    );
    assert!(outcome.message().starts_with("Logged in to https://d-abc123.awsapps.com/start (sso-session dev); the token is valid until "));
    let token = w.read(SESSION_CACHE);
    assert!(token.contains("\"accessToken\": \"at-login\""));
    assert!(token.contains("\"refreshToken\": \"rt-login\""));
    assert_no_secret(&said.text());
}

#[tokio::test]
async fn two_logins_of_one_session_make_one_registration() {
    let w = world();
    let flow = FlowOptions {
        use_device_code: true,
        ..FlowOptions::default()
    };
    w.portal.script(
        Operation::CreateToken,
        [Answer::default_for(Operation::CreateToken).delay(Duration::from_millis(300))],
    );
    let config = w.config().with_sleep(|_| Box::pin(std::future::ready(())));
    let (first, second) = tokio::join!(
        async {
            let said = Said::default();
            login(
                &config,
                &request(flow),
                Arc::new(HttpOpener::default()),
                &said,
            )
            .await
        },
        async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let said = Said::default();
            let outcome = login(
                &config,
                &request(flow),
                Arc::new(HttpOpener::default()),
                &said,
            )
            .await;
            (outcome, said.text())
        }
    );
    first.unwrap();
    let (second, text) = second;
    assert!(second.unwrap().by_another());
    assert!(
        text.contains(
            "Another ssokit login for sso-session \"dev\" is in progress; waiting for it to finish."
        ),
        "{text}"
    );
    assert_eq!(w.portal.count(Operation::RegisterClient), 1);
    assert_eq!(w.portal.count(Operation::StartDeviceAuthorization), 1);
}

#[tokio::test]
async fn a_corrupt_token_file_is_refused_before_any_request() {
    let w = World::new();
    w.write(SESSION_CACHE, "[1, 2]");
    let flow = FlowOptions {
        use_device_code: true,
        ..FlowOptions::default()
    };
    let error = login(
        &w.config(),
        &request(flow),
        Arc::new(HttpOpener::default()),
        &Said::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "The SSO token cache file {} is not a valid token file (not a JSON object) and was left unchanged; delete it, then run ssokit login again.",
            w.path(SESSION_CACHE).display()
        )
    );
    assert!(w.portal.requests().is_empty());
    assert_eq!(w.read(SESSION_CACHE), "[1, 2]");
}

#[tokio::test]
async fn a_registration_the_aws_cli_wrote_is_reused_and_the_redirect_port_is_kept() {
    let w = world();
    // What AWS CLI v2 writes for sso-session dev, eu-west-1, no scopes (SPEC §19.3), for a
    // client the fake knows (it registered it, as AWS would have).
    let registered = ssokit_sso_client::SsoClient::new(ssokit_http::HttpSettings::default())
        .register_client(
            &ssokit_http::EndpointConfig::new()
                .endpoint_override(Some(ssokit_http::EndpointOverride::new(
                    w.portal.url(),
                    "test",
                )))
                .resolve(ssokit_sso_client::Service::Oidc)
                .unwrap(),
            &ssokit_sso_client::RegisterClientRequest::authorization_code(
                "botocore-client-dev",
                "https://d-abc123.awsapps.com/start",
            ),
        )
        .await
        .unwrap();
    w.write(
        ".aws/sso/cache/31c6709b4a22ba40b33cc658a6728837f3007d63.json",
        format!(
            r#"{{"clientId": "{}", "clientSecret": "{}", "expiresAt": "2026-05-30T12:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}}"#,
            registered.client_id(),
            registered.client_secret()
        ),
    );
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let opener = Arc::new(HttpOpener {
        follow: true,
        ..HttpOpener::default()
    });
    let flow = FlowOptions {
        redirect_port: Some(port),
        ..FlowOptions::default()
    };
    login(
        &w.config(),
        &request(flow),
        opener.clone(),
        &Said::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        w.portal.count(Operation::RegisterClient),
        1,
        "only the CLI's own"
    );
    let url = opener.opened.lock().unwrap()[0].clone();
    assert!(
        url.contains(&format!(
            "redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Foauth%2Fcallback"
        )),
        "{url}"
    );
    assert!(
        w.read(SESSION_CACHE)
            .contains(&format!("\"clientId\": \"{}\"", registered.client_id()))
    );
}

#[tokio::test]
async fn a_provider_waits_for_a_login_in_progress_and_uses_its_token() {
    let w = world();
    let cache = ssokit_token_cache::TokenCacheFile::at_path(w.path(SESSION_CACHE));
    let lock = cache
        .login_lock(&ssokit_token_cache::LockOptions::default())
        .unwrap();
    let path = w.path(SESSION_CACHE);
    let login = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(
            &path,
            r#"{"accessToken": "at-login", "expiresAt": "2026-03-01T20:00:00Z"}"#,
        )
        .unwrap();
        drop(lock);
    });
    let token = w.token("s").get().await.unwrap();
    assert_eq!(
        token.token(),
        "at-login",
        "the login's token, not T-NOTOKEN"
    );
    login.join().unwrap();

    // Without a login in progress, a missing token is still T-NOTOKEN at once.
    w.remove(SESSION_CACHE);
    let error = w.token("s").get().await.unwrap_err();
    assert!(
        error.to_string().starts_with("Cached token not found at "),
        "{error}"
    );
}

#[tokio::test]
async fn device_code_expired_and_denied() {
    let w = world();
    let config = w.config().with_sleep(|_| Box::pin(std::future::ready(())));
    let flow = FlowOptions {
        use_device_code: true,
        ..FlowOptions::default()
    };
    for (code, expected) in [
        (
            "ExpiredTokenException",
            "sign-in failed: the device code expired before the sign-in was approved; run ssokit login again".to_owned(),
        ),
        (
            "AccessDeniedException",
            "sign-in failed: the sign-in request was denied (AccessDeniedException: no)".to_owned(),
        ),
    ] {
        w.portal.script(
            Operation::CreateToken,
            [Answer::service_error(Operation::CreateToken, code, "no")],
        );
        let error = login(
            &config,
            &request(flow),
            Arc::new(HttpOpener::default()),
            &Said::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(error.to_string(), expected);
        assert!(!w.path(SESSION_CACHE).exists(), "no token written");
    }
}

#[tokio::test]
async fn a_legacy_profile_logs_in_with_the_device_code_under_its_start_url() {
    let w = world();
    let config = w.config().with_sleep(|_| Box::pin(std::future::ready(())));
    let legacy = LoginRequest {
        target: LoginTargetRequest {
            sso_session: None,
            profile: "a".to_owned(),
        },
        flow: FlowOptions::default(),
        os: OsKind::UnixDesktop,
    };
    let outcome = login(
        &config,
        &legacy,
        Arc::new(HttpOpener::default()),
        &Said::default(),
    )
    .await
    .unwrap();
    assert!(outcome.message().contains("(profile a)"), "{outcome:?}");
    assert_eq!(w.portal.count(Operation::StartDeviceAuthorization), 1);
    assert_eq!(w.portal.count(Operation::Authorize), 0);
    assert!(
        w.path(".aws/sso/cache/c7029af06842ab71c7d71a4f2d85fc584e0c5528.json")
            .exists()
    );
    let token = w.read(crate::LEGACY_CACHE);
    assert!(token.contains("\"accessToken\": \"at-login\""), "{token}");
    assert!(
        token.contains("\"startUrl\": \"https://d-abc123.awsapps.com/start\""),
        "{token}"
    );
}

/// SPEC §26 scenario 4: when the 10 minutes pass (the injected sleep says so at once) with no
/// callback, the login ends with L-TIMEOUT, exchanges nothing and writes no token.
#[tokio::test]
async fn no_callback_within_ten_minutes_is_a_timeout() {
    let w = world();
    let slept = Arc::new(Mutex::new(Vec::new()));
    let record = slept.clone();
    let config = w.config().with_sleep(move |duration| {
        record.lock().unwrap().push(duration);
        if duration == Duration::from_secs(600) {
            Box::pin(std::future::ready(()))
        } else {
            Box::pin(tokio::time::sleep(duration))
        }
    });
    let error = login(
        &config,
        &request(FlowOptions::default()),
        Arc::new(HttpOpener::default()),
        &Said::default(),
    )
    .await
    .unwrap_err();
    let text = error.to_string();
    let port = text
        .strip_prefix("sign-in timed out: no callback reached http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("/oauth/callback within 10 minutes"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(port.parse::<u16>().is_ok(), "{text}");
    assert!(slept.lock().unwrap().contains(&Duration::from_secs(600)));
    assert_eq!(w.portal.count(Operation::CreateToken), 0);
    assert!(!w.path(SESSION_CACHE).exists());
    let port: u16 = port.parse().unwrap();
    assert!(
        ssokit_fake_portal::sandbox::callback_no_longer_served(port),
        "the listener is closed"
    );
}

#[tokio::test]
async fn a_legacy_profile_waits_for_a_login_of_its_start_url() {
    let w = world();
    w.remove(crate::LEGACY_CACHE);
    let cache = ssokit_token_cache::TokenCacheFile::at_path(w.path(crate::LEGACY_CACHE));
    let lock = cache
        .login_lock(&ssokit_token_cache::LockOptions::default())
        .unwrap();
    let path = w.path(crate::LEGACY_CACHE);
    let login = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(
            &path,
            r#"{"startUrl": "https://d-abc123.awsapps.com/start", "accessToken": "legacy-login", "expiresAt": "2026-03-01T20:00:00Z"}"#,
        )
        .unwrap();
        drop(lock);
    });
    let credentials = w.sso("a").get().await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAMOCKACCESSKEY");
    login.join().unwrap();
    let sent = w.requests_of(Operation::GetRoleCredentials);
    assert_eq!(
        sent[0].header("x-amz-sso_bearer_token"),
        Some("legacy-login"),
        "the login's token"
    );
}

/// The device authorization's numbers come from the server: a huge `expiresIn` is no
/// overflow, and no wait between polls outlasts the device code.
#[tokio::test]
async fn device_code_numbers_from_the_server_are_bounded() {
    let flow = FlowOptions {
        use_device_code: true,
        ..FlowOptions::default()
    };
    for (expires_in, interval, waited) in [(1_000_000_000_000_000_u64, 7_u64, 7_u64), (5, 30, 5)] {
        // A world each: a second login in the same second would reuse the first's token.
        let w = world();
        w.portal.script(
            Operation::StartDeviceAuthorization,
            [Answer::json(
                200,
                format!(
                    r#"{{"deviceCode":"device-code-x{expires_in}","userCode":"USER-CODE","verificationUri":"{0}/device","verificationUriComplete":"{0}/device?user_code=USER-CODE","expiresIn":{expires_in},"interval":{interval}}}"#,
                    w.portal.url()
                ),
            )],
        );
        let slept = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&slept);
        let config = w.config().with_sleep(move |d| {
            recorded.lock().unwrap().push(d);
            Box::pin(std::future::ready(()))
        });
        login(
            &config,
            &request(flow),
            Arc::new(HttpOpener::default()),
            &Said::default(),
        )
        .await
        .unwrap();
        assert_eq!(*slept.lock().unwrap(), [Duration::from_secs(waited)]);
    }
}
