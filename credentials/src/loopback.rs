//! The one-shot loopback HTTP listener that a browser talks to: the login's sign-in callback
//! (SPEC §19.6) and the console's redirector (SPEC §24 step 5). Bound to 127.0.0.1 only, it
//! serves one connection at a time: reads one request head (at most 8 KiB within 10 s),
//! lets the caller judge it, and answers it with `connection: close`. What counts as the
//! request that ends the wait is the caller's business.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest request head read.
const MAX_HEAD: usize = 8 * 1024;
/// How long one connection may take to send its head.
/// The pause after a failed `accept`.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// A listener on `127.0.0.1:<port>`.
#[derive(Debug)]
pub(crate) struct LoopbackListener {
    listener: TcpListener,
    port: u16,
}

impl LoopbackListener {
    /// Binds `127.0.0.1:<port>` (0: a free port).
    pub(crate) async fn bind(port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
        let port = listener.local_addr()?.port();
        Ok(Self { listener, port })
    }

    /// The bound port.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// The bound address.
    #[cfg(test)]
    pub(crate) fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The next request: accepts connections until one sends a head in time (the others are
    /// closed unanswered), and returns it with its connection for the answer.
    pub(crate) async fn next(&self) -> (TcpStream, RequestHead) {
        loop {
            let Ok((mut stream, _)) = self.listener.accept().await else {
                // A failed accept (out of file descriptors, say) would fail again at once:
                // a pause, not a busy loop.
                tokio::time::sleep(ACCEPT_PAUSE).await;
                continue;
            };
            if let Ok(Some(head)) = tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream)).await
            {
                return (stream, RequestHead::parse(&head));
            }
        }
    }
}

/// The parts of a request head the listeners judge: the method, the target and the `Host`
/// header. `Debug` never shows the target: it holds the authorization code or the
/// console's nonce.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct RequestHead {
    method: String,
    target: String,
    host: Option<String>,
}

impl std::fmt::Debug for RequestHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestHead")
            .field("method", &self.method)
            .field("target", &"** redacted **")
            .field("host", &self.host)
            .finish()
    }
}

impl RequestHead {
    /// Reads the request line and the first `Host` header of `head` (missing parts are
    /// empty).
    pub(crate) fn parse(head: &str) -> Self {
        let mut lines = head.split("\r\n");
        let mut request = lines.next().unwrap_or_default().split(' ');
        let method = request.next().unwrap_or_default().to_owned();
        let target = request.next().unwrap_or_default().to_owned();
        let host = lines
            .filter_map(|l| l.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
            .map(|(_, value)| value.trim().to_owned());
        Self {
            method,
            target,
            host,
        }
    }

    /// `GET`, `POST`, ...
    pub(crate) fn method(&self) -> &str {
        &self.method
    }

    /// The path of the target (before any `?`).
    pub(crate) fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The query of the target (after the first `?`; empty without one).
    pub(crate) fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// Whether `Host` is exactly `127.0.0.1:<port>` (a page on another origin that a DNS
    /// rebinding points at the port names its own host).
    pub(crate) fn host_is_loopback_port(&self, port: u16) -> bool {
        self.host.as_deref() == Some(format!("127.0.0.1:{port}").as_str())
    }
}

/// The head (up to the blank line), at most 8 KiB; `None` when it is not there.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 || head.len() + read > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    String::from_utf8(head).ok()
}

/// Answers `status` with `headers`, then `cache-control: no-store`, `referrer-policy:
/// no-referrer`, `connection: close` and `content-length`, and `body`; then closes.
pub(crate) async fn reply(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let mut response = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        let _ = write!(response, "{name}: {value}\r\n");
    }
    let _ = write!(
        response,
        "cache-control: no-store\r\nreferrer-policy: no-referrer\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// For tests: sends `request` to 127.0.0.1:`port` as a browser would and returns the
/// whole answer (the listener closes the connection after it).
#[cfg(test)]
pub(crate) async fn exchange(port: u16, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    stream
        .write_all(request.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    answer
}

/// For tests: whether nothing on `port` answers `request` with `ours` any more: the
/// connection is refused, or (the port taken meanwhile by another test's listener, which
/// bind-to-port-0 reuse makes common) whatever answers within a second is not `ours`.
#[cfg(test)]
pub(crate) async fn no_longer_served(port: u16, request: &str, ours: &str) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
        return true;
    };
    if stream.write_all(request.as_bytes()).await.is_err() {
        return true;
    }
    let mut answer = String::new();
    let read = stream.read_to_string(&mut answer);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), read).await;
    !answer.contains(ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_is_read_leniently() {
        let head = RequestHead::parse(
            "GET /a/b?x=1&y HTTP/1.1\r\nUser-Agent: t\r\nhost:  127.0.0.1:9 \r\n\r\n",
        );
        assert_eq!(head.method(), "GET");
        assert_eq!(head.path(), "/a/b");
        assert_eq!(head.query(), "x=1&y");
        assert!(head.host_is_loopback_port(9));
        assert!(!head.host_is_loopback_port(10));
        let bare = RequestHead::parse("garbage");
        assert_eq!(
            (bare.method(), bare.path(), bare.query()),
            ("garbage", "", "")
        );
        assert!(!bare.host_is_loopback_port(9));
        assert!(
            !RequestHead::parse("GET / HTTP/1.1\r\nHost: localhost:9\r\n\r\n")
                .host_is_loopback_port(9)
        );
    }

    #[tokio::test]
    async fn a_silent_connection_does_not_hide_the_next_request() {
        let listener = LoopbackListener::bind(0)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let port = listener.port();
        let client = tokio::spawn(async move {
            // Closed without a head: skipped.
            drop(TcpStream::connect(("127.0.0.1", port)).await);
            exchange(port, "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await
        });
        let (mut stream, head) = listener.next().await;
        assert_eq!(head.path(), "/x");
        reply(&mut stream, 404, &[], "")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let answer = client.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            answer,
            "HTTP/1.1 404 Not Found\r\ncache-control: no-store\r\nreferrer-policy: no-referrer\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
        );
    }
}
