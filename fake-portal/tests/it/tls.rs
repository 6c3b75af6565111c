//! The https mode: a real handshake trusting only the generated CA.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use ssokit_fake_portal::{FakePortal, Operation, TLS_NAMES};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn fetch(fake: &FakePortal, trusted: bool, name: &'static str) -> std::io::Result<String> {
    let mut roots = rustls::RootCertStore::empty();
    if trusted {
        for cert in CertificateDer::pem_slice_iter(fake.ca_pem().unwrap().as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(fake.addr()).await?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let mut tls = connector
        .connect(ServerName::try_from(name).unwrap(), tcp)
        .await?;
    tls.write_all(
        b"POST /token HTTP/1.1\r\nHost: x\r\ncontent-length: 2\r\nConnection: close\r\n\r\n{}",
    )
    .await?;
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out).await;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[tokio::test]
async fn the_generated_ca_is_the_only_trust_needed() {
    let fake = FakePortal::start_https().unwrap();
    assert!(fake.url().starts_with("https://127.0.0.1:"));
    assert!(
        fake.ca_pem()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    for name in TLS_NAMES {
        let text = fetch(&fake, true, name).await.unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{name}: {text}");
    }
    let err = fetch(&fake, false, "127.0.0.1").await.unwrap_err();
    assert_eq!(err.to_string(), "invalid peer certificate: UnknownIssuer");
    assert_eq!(fake.count(Operation::CreateToken), TLS_NAMES.len());
    assert!(FakePortal::start().unwrap().ca_pem().is_none());
}
