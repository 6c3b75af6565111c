//! A throw-away CA and a server certificate for [`TLS_NAMES`], signed by it.

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// The names the https fake's certificate is valid for. The `*.fake.test` names let a test
/// reach the fake under a name that is not loopback (through a [`FakeProxy`](crate::FakeProxy)
/// with an upstream, or with the client's host pinning); the AWS names are the https hosts
/// of the conformance data's recorded traffic, which
/// [`ReplayCase`](crate::sandbox::replay::ReplayCase) pins to the fake (never dialled).
pub const TLS_NAMES: &[&str] = &[
    "127.0.0.1",
    "localhost",
    "portal.fake.test",
    "oidc.fake.test",
    "portal.sso.us-east-1.amazonaws.com",
    "portal.sso.us-east-2.amazonaws.com",
    "portal.sso.eu-west-1.amazonaws.com",
    "oidc.us-east-1.amazonaws.com",
    "oidc.eu-west-1.amazonaws.com",
    "portal.sso-fips.us-east-2.api.aws",
    "sts.us-east-1.amazonaws.com",
    "sts.us-east-2.amazonaws.com",
    "sts.eu-west-1.amazonaws.com",
    "sts-fips.us-east-1.api.aws",
];

/// The server's TLS configuration and the CA certificate (PEM) clients must trust.
pub(crate) struct GeneratedTls {
    pub(crate) server_config: Arc<rustls::ServerConfig>,
    pub(crate) ca_pem: String,
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

pub(crate) fn generate() -> io::Result<GeneratedTls> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(other)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "ssokit fake portal CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(other)?)
        .map_err(other)?;

    let mut leaf_params = CertificateParams::new(
        TLS_NAMES
            .iter()
            .map(|n| (*n).to_owned())
            .collect::<Vec<_>>(),
    )
    .map_err(other)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "ssokit fake portal");
    let leaf_key = KeyPair::generate().map_err(other)?;
    let leaf = leaf_params.signed_by(&leaf_key, &ca).map_err(other)?;

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(other)?
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)
        .map_err(other)?;
    Ok(GeneratedTls {
        server_config: Arc::new(server_config),
        ca_pem: ca.pem(),
    })
}
