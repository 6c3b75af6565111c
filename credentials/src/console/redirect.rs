//! The one-shot loopback redirector (SPEC §24 step 5): it keeps the sign-in token out of
//! every process's arguments. The browser is given `http://127.0.0.1:<port>/<nonce>` (32
//! CSPRNG bytes, base64url), and the first `GET` of that path with `Host:
//! 127.0.0.1:<port>` is answered 302 to the login URL (`cache-control: no-store`,
//! `referrer-policy: no-referrer`); everything else is 404. The listener closes after that
//! one redirect.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ring::rand::{SecureRandom, SystemRandom};

use crate::config::ProviderConfig;
use crate::error::{CredentialsError, ErrorCode};
use crate::login::browser::OpenBrowser;
use crate::login::pkce::base64url;
use crate::loopback::{LoopbackListener, RequestHead, reply};

/// How long the browser has to load the redirect.
pub(crate) const REDIRECT_LIMIT: Duration = Duration::from_secs(60);

/// The redirector, bound and waiting. `Debug` shows the port, not the nonce.
pub(crate) struct ConsoleRedirector {
    listener: LoopbackListener,
    nonce: String,
}

impl fmt::Debug for ConsoleRedirector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleRedirector")
            .field("port", &self.listener.port())
            .finish_non_exhaustive()
    }
}

impl ConsoleRedirector {
    /// Binds `127.0.0.1:0` and draws the nonce.
    pub(crate) async fn bind() -> Result<Self, CredentialsError> {
        let mut bytes = [0u8; 32];
        SystemRandom::new().fill(&mut bytes).map_err(|_| {
            CredentialsError::failed(
                ErrorCode::Console,
                "the operating system's random number generator failed",
            )
        })?;
        let listener = LoopbackListener::bind(0).await.map_err(|e| {
            CredentialsError::failed(
                ErrorCode::Console,
                format!("could not listen on 127.0.0.1 for the console sign-in redirect: {e}"),
            )
        })?;
        Ok(Self {
            listener,
            nonce: base64url(&bytes),
        })
    }

    /// `http://127.0.0.1:<port>/<nonce>`: what the browser is given.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}/{}", self.listener.port(), self.nonce)
    }

    /// Answers requests until the first valid one, which gets the 302 to `location`; then
    /// the listener closes.
    pub(crate) async fn serve(self, location: &str) {
        loop {
            let (mut stream, head) = self.listener.next().await;
            if self.is_the_redirect(&head) {
                let _ = reply(&mut stream, 302, &[("location", location)], "").await;
                return;
            }
            let _ = reply(&mut stream, 404, &[], "").await;
        }
    }

    /// `GET /<nonce>` (no query) with `Host: 127.0.0.1:<port>`.
    fn is_the_redirect(&self, head: &RequestHead) -> bool {
        head.method() == "GET"
            && head.host_is_loopback_port(self.listener.port())
            && head.path().strip_prefix('/') == Some(self.nonce.as_str())
            && head.query().is_empty()
    }
}

/// C-BROWSER.
fn not_opened(reason: &str) -> CredentialsError {
    CredentialsError::failed(
        ErrorCode::Console,
        format!(
            "could not open the sign-in link in a browser ({reason}); run ssokit console --print to get it"
        ),
    )
}

/// Opens the console through the redirector: `browser` is given only the redirector's URL,
/// the login URL travels in the 302. `Ok` once the browser fetched the redirect; C-BROWSER
/// when the browser could not be opened (§19.5's reason) or did not fetch it within 60 s
/// (on the configuration's sleep, so a test can end the wait at once).
pub(crate) async fn redirect_browser(
    config: &ProviderConfig,
    login_url: &str,
    browser: Arc<dyn OpenBrowser>,
) -> Result<(), CredentialsError> {
    let redirector = ConsoleRedirector::bind().await?;
    let url = redirector.url();
    tracing::debug!(
        port = redirector.listener.port(),
        "console redirector listening"
    );
    let opening = tokio::task::spawn_blocking(move || browser.open(&url));
    let failed_to_open = async {
        match opening.await {
            Ok(Ok(())) => std::future::pending().await,
            Ok(Err(reason)) => reason,
            Err(e) => e.to_string(),
        }
    };
    let limit = config.sleep(REDIRECT_LIMIT);
    tokio::select! {
        biased;
        () = redirector.serve(login_url) => Ok(()),
        reason = failed_to_open => Err(not_opened(&reason)),
        () = limit => Err(not_opened(&format!(
            "the browser did not load it within {} s",
            REDIRECT_LIMIT.as_secs()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_redirect_for_the_nonce_with_our_host_then_closed() {
        let redirector = ConsoleRedirector::bind()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let url = redirector.url();
        let port = redirector.listener.port();
        let path = url
            .strip_prefix(&format!("http://127.0.0.1:{port}"))
            .unwrap_or_else(|| panic!("{url}"))
            .to_owned();
        assert_eq!(path.len(), 1 + 43, "32 bytes, base64url unpadded: {path}");
        assert!(!format!("{redirector:?}").contains(&path[1..]));
        let server = tokio::spawn(redirector.serve("https://signin.example/federation?x=1&y"));
        let host = format!("127.0.0.1:{port}");
        let get =
            |target: &str, host: &str| format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n");
        let not_found = "HTTP/1.1 404 Not Found\r\n";
        // Another host (DNS rebinding), another path, another method, a query: 404.
        for request in [
            get(&path, &format!("localhost:{port}")),
            get(&path, "127.0.0.1"),
            format!("GET {path} HTTP/1.1\r\n\r\n"),
            get("/", &host),
            get("/favicon.ico", &host),
            get(&format!("{path}x"), &host),
            get(&format!("{path}?a=1"), &host),
            format!("POST {path} HTTP/1.1\r\nHost: {host}\r\n\r\n"),
            format!("HEAD {path} HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        ] {
            let answer = crate::loopback::exchange(port, &request).await;
            assert!(answer.starts_with(not_found), "{request:?}: {answer}");
            assert!(!answer.contains("signin.example"), "{answer}");
        }
        let answer = crate::loopback::exchange(port, &get(&path, &host)).await;
        assert_eq!(
            answer,
            "HTTP/1.1 302 Found\r\nlocation: https://signin.example/federation?x=1&y\r\ncache-control: no-store\r\nreferrer-policy: no-referrer\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
        );
        server.await.unwrap_or_else(|e| panic!("{e}"));
        // Closed after the one redirect.
        let again = get(&path, &host);
        assert!(crate::loopback::no_longer_served(port, &again, "signin.example").await);
    }

    #[tokio::test]
    async fn nonces_differ() {
        let a = ConsoleRedirector::bind()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let b = ConsoleRedirector::bind()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(a.nonce, b.nonce);
    }
}
