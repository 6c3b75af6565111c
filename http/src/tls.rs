//! TLS configuration: the OS trust store plus an optional extra PEM bundle, rustls with the
//! ring provider passed as a value (no process-wide provider is installed).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::error::{Cause, Error};

/// An extra PEM bundle of trusted CA certificates (`AWS_CA_BUNDLE` or the profile's
/// `ca_bundle`), and where its path came from. Read at the first https request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CaBundle {
    path: PathBuf,
    source: String,
}

impl CaBundle {
    /// The bundle at `path`, configured by `source` (e.g. `AWS_CA_BUNDLE`).
    pub fn new(path: impl Into<PathBuf>, source: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            source: source.into(),
        }
    }

    /// The bundle's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the path came from.
    pub fn source(&self) -> &str {
        &self.source
    }

    fn error(&self, reason: String, cause: Cause) -> Error {
        Error::CaBundle {
            path: self.path.clone(),
            source_name: self.source.clone(),
            reason,
            cause,
        }
    }

    fn add_to(&self, roots: &mut RootCertStore) -> Result<(), Error> {
        let pem =
            std::fs::read(&self.path).map_err(|e| self.error(e.to_string(), Cause::new(e)))?;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<_, _>>()
            .map_err(|e| self.error(format!("invalid PEM: {e}"), Cause::new(e)))?;
        if certs.is_empty() {
            let reason = "no certificates found";
            return Err(self.error(reason.to_owned(), Cause::text(reason)));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| self.error(format!("invalid certificate: {e}"), Cause::new(e)))?;
        }
        Ok(())
    }
}

/// Builds the client TLS configuration: TLS 1.2/1.3 with ring, the OS roots (when
/// `native_roots`) and the extra bundle.
pub(crate) fn client_config(
    ca_bundle: Option<&CaBundle>,
    native_roots: bool,
) -> Result<rustls::ClientConfig, Error> {
    let mut roots = RootCertStore::empty();
    if native_roots {
        // Unreadable OS certificates are skipped, as every rustls-based client does.
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
    }
    if let Some(bundle) = ca_bundle {
        bundle.add_to(&mut roots)?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::TlsSetup(Cause::new(e)))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = CaBundle::new(dir.path().join("missing.pem"), "AWS_CA_BUNDLE");
        let err = client_config(Some(&missing), false)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "could not load CA bundle {} (from AWS_CA_BUNDLE): No such file or directory (os error 2)",
                missing.path().display()
            )
        );
        let empty_path = dir.path().join("empty.pem");
        std::fs::write(&empty_path, "").unwrap();
        let empty = CaBundle::new(&empty_path, "ca_bundle");
        let err = client_config(Some(&empty), false).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "could not load CA bundle {} (from ca_bundle): no certificates found",
                empty_path.display()
            )
        );
        let junk_path = dir.path().join("junk.pem");
        std::fs::write(
            &junk_path,
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let err = client_config(Some(&CaBundle::new(&junk_path, "ca_bundle")), false)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "could not load CA bundle {} (from ca_bundle): invalid PEM: base64 decode error: InvalidCharacter(33)",
                junk_path.display()
            )
        );
    }
}
