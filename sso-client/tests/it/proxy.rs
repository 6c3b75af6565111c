//! HTTP CONNECT through the fake proxy, `NO_PROXY`, and invalid proxy settings.

use std::collections::HashMap;

use ssokit_fake_portal::{FakePortal, FakeProxy, Operation};
use ssokit_http::{CaBundle, EndpointConfig, EndpointOverride, HttpSettings, ProxySettings};
use ssokit_sso_client::{Service, SsoClient};

use crate::{legacy_request, legacy_role_credentials, legacy_role_credentials_error, settings};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

/// The https fake under the non-loopback name `portal.fake.test`, trusted via its CA.
struct Named {
    fake: FakePortal,
    _dir: tempfile::TempDir,
    ca: CaBundle,
}

fn named_https_fake() -> Named {
    let fake = FakePortal::start_https().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, fake.ca_pem().unwrap()).unwrap();
    Named {
        fake,
        _dir: dir,
        ca: CaBundle::new(path, "AWS_CA_BUNDLE"),
    }
}

fn tls_settings(ca: &CaBundle) -> HttpSettings {
    settings().ca_bundle(Some(ca.clone()))
}

#[tokio::test]
async fn https_goes_through_the_connect_proxy() {
    let named = named_https_fake();
    let proxy = FakeProxy::start_with_upstream(named.fake.addr()).unwrap();
    let proxies = ProxySettings::from_lookup(env(&[("HTTPS_PROXY", &format!("{}/", proxy.url()))]));
    let client = SsoClient::new(tls_settings(&named.ca).proxy(proxies));
    let creds = legacy_role_credentials(&client, "https://portal.fake.test")
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "ASIAMOCKACCESSKEY");
    legacy_role_credentials(&client, "https://portal.fake.test")
        .await
        .unwrap();
    assert_eq!(
        proxy.tunnels(),
        1,
        "one tunnel, kept alive for the second request"
    );
    assert_eq!(
        proxy.request_heads(),
        ["CONNECT portal.fake.test:443 HTTP/1.1\r\nHost: portal.fake.test:443\r\n\r\n"]
    );
    assert_eq!(named.fake.count(Operation::GetRoleCredentials), 2);
    assert_eq!(
        named.fake.requests()[0].header("host"),
        Some("portal.fake.test")
    );
}

#[tokio::test]
async fn proxy_credentials_are_sent_as_basic_auth() {
    let named = named_https_fake();
    let proxy = FakeProxy::start_with_upstream(named.fake.addr()).unwrap();
    let with_auth = proxy.url().replace("http://", "http://user:p%40ss@");
    let proxies = ProxySettings::from_lookup(env(&[("https_proxy", &with_auth)]));
    let client = SsoClient::new(tls_settings(&named.ca).proxy(proxies));
    legacy_role_credentials(&client, "https://portal.fake.test:8443")
        .await
        .unwrap();
    assert_eq!(
        proxy.request_heads(),
        [
            "CONNECT portal.fake.test:8443 HTTP/1.1\r\nHost: portal.fake.test:8443\r\nProxy-Authorization: Basic dXNlcjpwQHNz\r\n\r\n"
        ]
    );
}

#[tokio::test]
async fn no_proxy_bypasses_the_proxy() {
    let named = named_https_fake();
    let proxy = FakeProxy::start_with_upstream(named.fake.addr()).unwrap();
    let proxies = ProxySettings::from_lookup(env(&[
        ("HTTPS_PROXY", proxy.url()),
        ("NO_PROXY", "example.com,.fake.test"),
    ]));
    // Direct connections to portal.fake.test are pinned to the fake: no DNS, no network.
    let client = SsoClient::new(
        tls_settings(&named.ca)
            .proxy(proxies)
            .resolve_to("portal.fake.test", named.fake.addr()),
    );
    legacy_role_credentials(&client, "https://portal.fake.test")
        .await
        .unwrap();
    assert_eq!(proxy.tunnels(), 0);
    assert_eq!(named.fake.count(Operation::GetRoleCredentials), 1);
}

#[tokio::test]
async fn loopback_targets_never_use_the_proxy() {
    let fake = FakePortal::start().unwrap();
    let proxy = FakeProxy::start().unwrap();
    let proxies = ProxySettings::from_lookup(env(&[
        ("HTTP_PROXY", proxy.url()),
        ("ALL_PROXY", proxy.url()),
    ]));
    let client = SsoClient::new(settings().proxy(proxies));
    legacy_role_credentials(&client, fake.url()).await.unwrap();
    assert_eq!(proxy.tunnels(), 0);
}

#[tokio::test]
async fn plain_http_through_the_proxy_is_tunnelled_when_allowed() {
    let fake = FakePortal::start().unwrap();
    let proxy = FakeProxy::start_with_upstream(fake.addr()).unwrap();
    let endpoint = EndpointConfig::new()
        .region("us-east-1")
        .endpoint_override(Some(EndpointOverride::new(
            "http://portal.fake.test",
            "AWS_ENDPOINT_URL_SSO",
        )))
        .allow_insecure_http(true)
        .resolve(Service::Portal)
        .unwrap();
    let client = SsoClient::new(settings().proxy(ProxySettings::from_lookup(env(&[(
        "http_proxy",
        proxy.url(),
    )]))));
    client
        .get_role_credentials(&endpoint, &legacy_request())
        .await
        .unwrap();
    assert_eq!(proxy.tunnels(), 1);
    assert_eq!(
        proxy.request_heads(),
        ["CONNECT portal.fake.test:80 HTTP/1.1\r\nHost: portal.fake.test:80\r\n\r\n"]
    );
}

#[tokio::test]
async fn a_refusing_proxy_is_an_io_error() {
    let proxy = FakeProxy::start().unwrap();
    let proxies = ProxySettings::none().https_proxy(proxy.url());
    let client = SsoClient::new(settings().proxy(proxies).max_attempts(1));
    let err = legacy_role_credentials_error(&client, "https://portal.fake.test").await;
    let port = proxy.url().rsplit(':').next().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "GetRoleCredentials request to https://portal.fake.test/federation/credentials failed: proxy 127.0.0.1:{port} refused CONNECT to portal.fake.test:443: HTTP/1.1 403 Forbidden"
        )
    );
}

#[tokio::test]
async fn an_invalid_proxy_url_is_reported_before_connecting() {
    let proxies = ProxySettings::from_lookup(env(&[("HTTPS_PROXY", "socks5://127.0.0.1:1080")]));
    let client = SsoClient::new(settings().proxy(proxies));
    let err = legacy_role_credentials_error(&client, "https://portal.fake.test").await;
    assert_eq!(
        err.to_string(),
        "invalid proxy URL in HTTPS_PROXY: unsupported scheme \"socks5\" (only http:// proxies are supported)"
    );
}

#[tokio::test]
async fn a_silent_proxy_is_cut_at_the_connect_timeout() {
    // Accepts connections (the kernel's backlog) but never answers the CONNECT.
    let silent = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let proxy_url = format!("http://{}", silent.local_addr().unwrap());
    let client = SsoClient::new(
        settings()
            .proxy(ProxySettings::none().https_proxy(&proxy_url))
            .connect_timeout(std::time::Duration::from_millis(200)),
    );
    let err = legacy_role_credentials_error(&client, "https://portal.fake.test").await;
    assert_eq!(
        err.to_string(),
        "GetRoleCredentials request to https://portal.fake.test/federation/credentials failed: could not connect to portal.fake.test:443 within 0.2 s (after 3 attempts)"
    );
    drop(silent);
}
