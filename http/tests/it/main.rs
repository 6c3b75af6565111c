//! The HTTP stack on its own, against the loopback fake, with a made-up service: it knows no
//! AWS service, so a client's own error reader decides codes (and thereby retries), secret
//! headers stay secret, and failures keep their cause.

#![allow(missing_docs, unreachable_pub, reason = "test code")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::error::Error as _;

use ssokit_fake_portal::{Answer, FakePortal, Operation};
use ssokit_http::{
    Endpoint, EndpointConfig, EndpointError, EndpointOverride, EndpointOverrideSources, Error,
    ErrorAnswer, HttpClient, HttpSettings, Method, NamedValue, Regional, Request, ServiceEndpoint,
    standard_regional_host,
};

/// A service that is not SSO: its own override names and host prefix.
#[derive(Clone, Copy)]
struct Widgets;

impl ServiceEndpoint for Widgets {
    fn endpoint_env_var(self) -> &'static str {
        "AWS_ENDPOINT_URL_WIDGETS"
    }

    fn services_key(self) -> &'static str {
        "widgets"
    }

    fn rule_name(self) -> &'static str {
        "widgets"
    }

    fn insecure_http_message(self, host: &str, source: &str) -> String {
        format!("no widgets over plain http to {host} (from {source})")
    }

    /// The standard template, and a global endpoint for `aws-global` (as STS has one).
    fn regional_host(self, regional: &Regional<'_>) -> Result<String, EndpointError> {
        if regional.region == "aws-global" && !regional.use_fips && !regional.use_dual_stack {
            return Ok(format!("widgets.{}", regional.partition.dns_suffix()));
        }
        standard_regional_host("widgets", regional)
    }
}

/// An XML-ish error body, as a query-protocol service would send: `<Code>` and `<Message>`.
fn read_xml_error(answer: &ErrorAnswer<'_>) -> (String, String) {
    let body = String::from_utf8_lossy(answer.body());
    let between = |open: &str, close: &str| {
        let start = body.find(open)? + open.len();
        let end = start + body[start..].find(close)?;
        Some(body[start..end].to_owned())
    };
    (
        between("<Code>", "</Code>").unwrap_or_else(|| "UnknownError".to_owned()),
        between("<Message>", "</Message>").unwrap_or_else(|| format!("HTTP {}", answer.status())),
    )
}

fn endpoint(portal: &FakePortal) -> Endpoint {
    EndpointConfig::new()
        .endpoint_override(Some(EndpointOverride::new(
            portal.url(),
            "AWS_ENDPOINT_URL_WIDGETS",
        )))
        .resolve(Widgets)
        .unwrap()
}

fn client() -> HttpClient {
    HttpClient::new(HttpSettings::default().without_retry_delay())
}

#[test]
fn the_override_precedence_is_parameterised_by_service() {
    let sources = EndpointOverrideSources {
        services_section: Some(NamedValue::new("local", "http://127.0.0.1:1")),
        global_env: Some("http://127.0.0.1:2".to_owned()),
        ..EndpointOverrideSources::default()
    };
    let chosen = sources.select(Widgets).unwrap();
    assert_eq!(chosen.source, "[services local] widgets endpoint_url");
    let with_env = EndpointOverrideSources {
        service_env: Some("http://127.0.0.1:3".to_owned()),
        ..sources
    };
    assert_eq!(
        with_env.select(Widgets).unwrap().source,
        "AWS_ENDPOINT_URL_WIDGETS"
    );
    let regional = EndpointConfig::new()
        .region("cn-north-1")
        .use_dual_stack(true)
        .resolve(Widgets)
        .unwrap();
    assert_eq!(
        regional.url(),
        "https://widgets.cn-north-1.api.amazonwebservices.com.cn"
    );
    assert_eq!(
        regional.source(),
        "the widgets endpoint for region cn-north-1"
    );
}

#[tokio::test]
async fn the_error_reader_decides_the_code_and_throttling_codes_are_retried() {
    let portal = FakePortal::start().unwrap();
    let throttled = Answer::raw(
        400,
        "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>",
    );
    portal.script(
        Operation::CreateToken,
        [throttled.clone(), throttled, Answer::raw(200, "ok")],
    );
    let request = Request::new("MakeWidget", Method::Post, &endpoint(&portal), "/token")
        .body("application/x-www-form-urlencoded", "Action=MakeWidget")
        .error_reader(read_xml_error);
    let response = client().send(&request).await.unwrap();
    assert_eq!((response.status(), response.body()), (200, &b"ok"[..]));
    assert_eq!(portal.count(Operation::CreateToken), 3);

    let denied = Answer::raw(
        403,
        "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>",
    );
    portal.script(Operation::CreateToken, [denied]);
    let error = client().send(&request).await.unwrap_err();
    let service = error.as_service().unwrap();
    assert_eq!((service.code(), service.message()), ("AccessDenied", "no"));
    assert_eq!(
        error.to_string(),
        "MakeWidget failed: HTTP 403 AccessDenied: no"
    );
    assert_eq!(
        portal.count(Operation::CreateToken),
        1,
        "a 403 is not retried (a new script restarts the count)"
    );
}

#[tokio::test]
async fn the_default_reader_knows_no_wire_format() {
    let portal = FakePortal::start().unwrap();
    portal.script(
        Operation::CreateToken,
        [Answer::raw(400, r#"{"__type":"Nope","message":"m"}"#)],
    );
    let request = Request::new("MakeWidget", Method::Post, &endpoint(&portal), "/token");
    let error = client().send(&request).await.unwrap_err();
    assert_eq!(error.cause(), "UnknownError: Bad Request");
}

#[tokio::test]
async fn secret_headers_are_sent_but_never_shown() {
    let portal = FakePortal::start().unwrap();
    let request = Request::new(
        "GetWidget",
        Method::Get,
        &endpoint(&portal),
        "/federation/credentials",
    )
    .query("id=1")
    .secret_header("x-widget-secret", "s3cr3t-value");
    client().send(&request).await.unwrap();
    let recorded = portal.requests();
    assert_eq!(recorded[0].header("x-widget-secret"), Some("s3cr3t-value"));
    assert!(!format!("{request:?}").contains("s3cr3t-value"));
    let bad = request
        .clone()
        .secret_header("x-other", "line\nbreak s3cr3t-value");
    let error = client().send(&bad).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "GetWidget request to {}/federation/credentials failed: the x-other header holds characters not allowed in an HTTP header",
            portal.url()
        )
    );
    assert!(!format!("{error} {error:?}").contains("s3cr3t-value"));
}

#[tokio::test]
async fn a_refused_connection_keeps_the_io_error_as_its_source() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let endpoint = EndpointConfig::new()
        .endpoint_override(Some(EndpointOverride::new(url, "test")))
        .resolve(Widgets)
        .unwrap();
    let request = Request::new("GetWidget", Method::Get, &endpoint, "/w");
    let error = client().send(&request).await.unwrap_err();
    assert!(matches!(error, Error::Io { attempts: 3, .. }), "{error:?}");
    let mut source = error.source();
    let mut kind = None;
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            kind = Some(io.kind());
        }
        source = e.source();
    }
    assert_eq!(kind, Some(std::io::ErrorKind::ConnectionRefused));
}

/// A first request sent once, then the rest of the policy: the same attempts and delays in
/// all as one `send` (IMDS's absence rule rests on this), and the unit scales the delays.
#[tokio::test]
async fn send_once_then_send_continued_is_one_policy() {
    let portal = FakePortal::start().unwrap();
    portal.script(Operation::CreateToken, [Answer::empty(503)]);
    let delays = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = std::sync::Arc::clone(&delays);
    let settings = HttpSettings::default()
        .max_attempts(3)
        .jitter(|| 0.5)
        .retry_delay_unit(std::time::Duration::from_millis(100))
        .sleep(move |d| {
            recorded.lock().unwrap().push(d);
            Box::pin(std::future::ready(()))
        });
    let client = HttpClient::new(settings);
    let request = Request::new("MakeWidget", Method::Post, &endpoint(&portal), "/token");
    let first = client.send_once(&request).await.unwrap_err();
    assert_eq!(first.attempts(), 1);
    assert_eq!(portal.count(Operation::CreateToken), 1);
    assert!(delays.lock().unwrap().is_empty());
    let rest = client.send_continued(&request, 1).await.unwrap_err();
    assert_eq!(rest.attempts(), 3);
    assert_eq!(portal.count(Operation::CreateToken), 3);
    // 0.5 × min(2^i, 20) × 100 ms before retries 0 and 1.
    assert_eq!(
        *delays.lock().unwrap(),
        [
            std::time::Duration::from_millis(50),
            std::time::Duration::from_millis(100)
        ]
    );
}
