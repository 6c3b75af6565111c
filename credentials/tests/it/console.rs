//! `console_link` and `open_console` (SPEC §24) against the fake federation endpoint
//! (`SSOKIT_FEDERATION_ENDPOINT`, set by the sandbox): the `getSigninToken` request, the
//! login URL, the refusals (C-STATIC, C-CHAINED, C-PARTITION, C-HTTP, C-SHAPE) and the
//! redirector with a browser that is an HTTP client (C-BROWSER included, its 60 s limit
//! ended at once by the injected sleep).

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use ssokit_credentials::{
    ConsoleLink, ConsoleRequest, Credentials, ErrorCode, OpenBrowser, ProvideCredentials,
    console_link, open_console,
};
use ssokit_fake_portal::{Answer, Operation, RecordedRequest};

use crate::{Capture, World, assert_no_secret};

const ISSUER: &str = "https%3A%2F%2Fd-abc123.awsapps.com%2Fstart";
const DESTINATION: &str =
    "https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1";

fn request(profile: &str) -> ConsoleRequest {
    ConsoleRequest {
        profile: profile.to_owned(),
        ..ConsoleRequest::default()
    }
}

async fn credentials(w: &World, profile: &str) -> Credentials {
    w.profile(profile).provide_credentials().await.unwrap()
}

async fn link(w: &World, request: &ConsoleRequest) -> Result<ConsoleLink, String> {
    let credentials = credentials(w, &request.profile).await;
    console_link(&w.config(), request, &credentials)
        .await
        .map_err(|e| {
            assert_no_secret(&e.to_string());
            e.to_string()
        })
}

/// The §13 config plus `extra`.
fn with_profiles(w: &World, extra: &str) {
    let config = w.read(".aws/config");
    w.write(".aws/config", format!("{config}\n{extra}"));
}

fn signin_requests(w: &World) -> Vec<RecordedRequest> {
    w.requests_of(Operation::GetSigninToken)
}

/// SPEC §26 scenario 18, in the library.
#[tokio::test]
async fn s18_the_login_url_of_an_sso_profile() {
    let (capture, _guard) = Capture::start();
    let w = World::new();
    let link = link(&w, &request("s")).await.unwrap();
    let base = format!("{}/federation", w.portal.url());
    assert_eq!(link.base(), base);
    assert_eq!(
        link.url(),
        format!("{base}?Action=login&Issuer={ISSUER}&Destination={DESTINATION}&SigninToken=st-1")
    );
    let sent = signin_requests(&w);
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0]
            .target
            .starts_with("/federation?Action=getSigninToken&Session=%7B%22sessionId%22"),
        "{}",
        sent[0].target
    );
    assert_eq!(sent[0].query_param("SessionDuration"), None);
    assert_eq!(
        sent[0].query_param("Session").unwrap(),
        r#"{"sessionId":"ASIAMOCKACCESSKEY","sessionKey":"mockSecretKey","sessionToken":"mockSessionToken"}"#
    );
    assert_eq!(
        sent[0].header("user-agent"),
        Some(ssokit_http::USER_AGENT_VALUE)
    );
    let trace = capture.text();
    assert!(
        trace.contains(&format!(
            "url={base}?Action=getSigninToken&Session=** redacted **"
        )),
        "{trace}"
    );
    assert_no_secret(&trace);
    assert!(!trace.contains("SigninToken="), "{trace}");
    assert!(!format!("{link:?}").contains("st-1"));
}

#[tokio::test]
async fn a_duration_is_sent_as_session_duration() {
    let w = World::new();
    let request = ConsoleRequest {
        duration: Some(3600),
        destination: Some("https://console.aws.amazon.com/s3/home".to_owned()),
        region: Some("us-west-2".to_owned()),
        ..request("a")
    };
    let link = link(&w, &request).await.unwrap();
    let sent = signin_requests(&w);
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
    // The legacy profile's start URL, the destination as given.
    assert!(
        link.url().ends_with(&format!(
            "?Action=login&Issuer={ISSUER}&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome&SigninToken=st-1"
        )),
        "{}",
        link.url()
    );
}

#[tokio::test]
async fn the_region_and_the_override_path() {
    let mut w = World::new();
    w.set_env("AWS_DEFAULT_REGION", "cn-north-1");
    let prefixed = format!("{}/signin/", w.portal.url());
    w.set_env("SSOKIT_FEDERATION_ENDPOINT", &prefixed);
    let link = link(&w, &request("s")).await.unwrap();
    assert!(
        link.url().starts_with(&format!(
            "{}/signin/federation?Action=login&Issuer={ISSUER}&Destination=https%3A%2F%2Fconsole.amazonaws.cn%2Fconsole%2Fhome%3Fregion%3Dcn-north-1&",
            w.portal.url()
        )),
        "{}",
        link.url()
    );
    assert!(
        signin_requests(&w)[0]
            .target
            .starts_with("/signin/federation?")
    );
}

#[tokio::test]
async fn c_static_long_term_keys_make_no_request() {
    let w = World::new();
    with_profiles(
        &w,
        "[profile keys]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    );
    let error = link(&w, &request("keys")).await.unwrap_err();
    assert_eq!(
        error,
        "The AWS console needs temporary credentials, but profile keys resolved to long-term access keys (no session token)"
    );
    assert!(signin_requests(&w).is_empty());
}

#[tokio::test]
async fn c_chained_only_when_the_role_source_was_temporary() {
    let w = World::new();
    w.portal.trust_keys("AKIDBASE", "base-secret", None);
    with_profiles(
        &w,
        "[profile over-sso]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = s\n\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n\n\
         [profile over-keys]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\n\n\
         [profile twice]\nrole_arn = arn:aws:iam::123456789012:role/Second\nsource_profile = over-keys\n",
    );
    let with_duration = |profile: &str| ConsoleRequest {
        duration: Some(3600),
        ..request(profile)
    };
    for profile in ["over-sso", "twice"] {
        assert_eq!(
            link(&w, &with_duration(profile)).await.unwrap_err(),
            format!(
                "--duration cannot be used for profile {profile}: its credentials come from role chaining, for which the sign-in endpoint rejects SessionDuration"
            )
        );
    }
    assert!(signin_requests(&w).is_empty());
    // Without --duration a chained role signs in; the SSO start URL behind it is the issuer.
    let link_over_sso = link(&w, &request("over-sso")).await.unwrap();
    assert!(link_over_sso.url().contains(&format!("&Issuer={ISSUER}&")));
    // A role assumed with long-term keys is not role chaining: SessionDuration goes out.
    let link_over_keys = link(&w, &with_duration("over-keys")).await.unwrap();
    assert!(link_over_keys.url().contains("&Issuer=&"));
    let sent = signin_requests(&w);
    assert_eq!(
        sent.last()
            .unwrap()
            .query_param("SessionDuration")
            .as_deref(),
        Some("3600")
    );
}

#[tokio::test]
async fn c_partition_iso_regions_make_no_request() {
    let w = World::new();
    let request = ConsoleRequest {
        region: Some("us-iso-east-1".to_owned()),
        ..request("s")
    };
    assert_eq!(
        link(&w, &request).await.unwrap_err(),
        "the AWS console sign-in is not available for region us-iso-east-1 (partition aws-iso)"
    );
    assert!(signin_requests(&w).is_empty());
}

#[tokio::test]
async fn c_http_never_shows_the_body_and_counts_attempts() {
    let w = World::new();
    w.portal.script(
        Operation::GetSigninToken,
        [Answer::raw(400, "<html>mockSecretKey echoed</html>")],
    );
    assert_eq!(
        link(&w, &request("s")).await.unwrap_err(),
        "getSigninToken failed: HTTP 400"
    );
    w.portal
        .script(Operation::GetSigninToken, [Answer::empty(503)]);
    assert_eq!(
        link(&w, &request("s")).await.unwrap_err(),
        "getSigninToken failed: HTTP 503 (after 3 attempts)"
    );
    assert_eq!(w.portal.count(Operation::GetSigninToken), 3);
    w.portal.script(
        Operation::GetSigninToken,
        [
            Answer::empty(500),
            Answer::json(200, r#"{"SigninToken":"st-2"}"#),
        ],
    );
    assert!(
        link(&w, &request("s"))
            .await
            .unwrap()
            .url()
            .ends_with("&SigninToken=st-2")
    );
}

#[tokio::test]
async fn c_shape_without_a_signin_token() {
    let w = World::new();
    for body in ["{}", r#"{"SigninToken":""}"#, "not json"] {
        w.portal
            .script(Operation::GetSigninToken, [Answer::json(200, body)]);
        let error = link(&w, &request("s")).await.unwrap_err();
        assert_eq!(error, "getSigninToken response lacks SigninToken", "{body}");
    }
}

#[tokio::test]
async fn an_insecure_override_is_refused_before_connecting() {
    let mut w = World::new();
    w.set_env("SSOKIT_FEDERATION_ENDPOINT", "http://signin.example.com");
    let credentials = credentials(&w, "s").await;
    let error = console_link(&w.config(), &request("s"), &credentials)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Endpoint);
    assert_eq!(
        error.to_string(),
        "refusing to send AWS credentials over plain http to signin.example.com (from SSOKIT_FEDERATION_ENDPOINT); use https, or allow insecure http explicitly"
    );
}

/// A browser that is an HTTP client: it GETs the URL once (no redirect followed) and keeps
/// the URL and the answer.
#[derive(Debug, Default)]
struct FetchingBrowser {
    seen: Mutex<Vec<(String, String)>>,
}

impl OpenBrowser for FetchingBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        let rest = url.strip_prefix("http://").ok_or("not loopback http")?;
        let (authority, path) = rest.split_once('/').ok_or("no path")?;
        let mut stream = std::net::TcpStream::connect(authority).map_err(|e| e.to_string())?;
        write!(
            stream,
            "GET /{path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
        )
        .map_err(|e| e.to_string())?;
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .map_err(|e| e.to_string())?;
        self.seen.lock().unwrap().push((url.to_owned(), answer));
        Ok(())
    }
}

/// A browser that opens nothing but says it did.
#[derive(Debug)]
struct IdleBrowser;

impl OpenBrowser for IdleBrowser {
    fn open(&self, _: &str) -> Result<(), String> {
        Ok(())
    }
}

/// A browser that cannot be started.
#[derive(Debug)]
struct BrokenBrowser;

impl OpenBrowser for BrokenBrowser {
    fn open(&self, _: &str) -> Result<(), String> {
        Err("xdg-open: No such file or directory (os error 2)".to_owned())
    }
}

#[tokio::test]
async fn the_browser_gets_the_redirector_and_the_redirect_holds_the_login_url() {
    let w = World::new();
    let link = link(&w, &request("s")).await.unwrap();
    let browser = Arc::new(FetchingBrowser::default());
    open_console(&w.config(), &link, browser.clone())
        .await
        .unwrap();
    // The redirect was sent; the browser reads it on its own thread.
    for _ in 0..500 {
        if !browser.seen.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let seen = browser.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let (url, answer) = &seen[0];
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(
        !url.contains("st-1") && !url.contains("federation"),
        "{url}"
    );
    assert!(answer.starts_with("HTTP/1.1 302 Found\r\n"), "{answer}");
    assert!(
        answer.contains(&format!("\r\nlocation: {}\r\n", link.url())),
        "{answer}"
    );
    assert!(answer.contains("\r\ncache-control: no-store\r\n"));
    assert!(answer.contains("\r\nreferrer-policy: no-referrer\r\n"));
}

#[tokio::test]
async fn c_browser_when_no_browser_opens_or_loads_it() {
    let w = World::new();
    let link = link(&w, &request("s")).await.unwrap();
    let error = open_console(&w.config(), &link, Arc::new(BrokenBrowser))
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Console);
    assert_eq!(
        error.to_string(),
        "could not open the sign-in link in a browser (xdg-open: No such file or directory (os error 2)); run ssokit console --print to get it"
    );
    // A browser that never loads the link: the 60 s limit, on the injected sleep.
    let slept = Arc::new(Mutex::new(Vec::new()));
    let recorded = Arc::clone(&slept);
    let config = w.config().with_sleep(move |d| {
        recorded.lock().unwrap().push(d);
        Box::pin(std::future::ready(()))
    });
    let error = open_console(&config, &link, Arc::new(IdleBrowser))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "could not open the sign-in link in a browser (the browser did not load it within 60 s); run ssokit console --print to get it"
    );
    assert_eq!(*slept.lock().unwrap(), [std::time::Duration::from_secs(60)]);
}
