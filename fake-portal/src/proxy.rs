//! A minimal HTTP CONNECT proxy that only tunnels to loopback and counts its tunnels.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::background::Background;

#[derive(Default)]
struct Stats {
    upstream: Option<SocketAddr>,
    tunnels: AtomicUsize,
    heads: Mutex<Vec<String>>,
}

/// A running CONNECT proxy on `127.0.0.1`. Stops when dropped.
pub struct FakeProxy {
    url: String,
    stats: Arc<Stats>,
    _background: Background,
}

impl std::fmt::Debug for FakeProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeProxy")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl FakeProxy {
    /// Starts the proxy on an ephemeral port of `127.0.0.1`. It tunnels to loopback targets
    /// only and answers `403` to any other.
    pub fn start() -> io::Result<Self> {
        Self::launch(None)
    }

    /// Starts a proxy that tunnels every CONNECT, whatever host it names, to `upstream`
    /// (which must be a loopback address), e.g. a [`FakePortal`](crate::FakePortal) reached
    /// as `portal.fake.test`.
    pub fn start_with_upstream(upstream: SocketAddr) -> io::Result<Self> {
        if !upstream.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the upstream must be a loopback address",
            ));
        }
        Self::launch(Some(upstream))
    }

    fn launch(upstream: Option<SocketAddr>) -> io::Result<Self> {
        let stats = Arc::new(Stats {
            upstream,
            ..Stats::default()
        });
        let thread_stats = Arc::clone(&stats);
        let background = Background::start("fake-proxy", move |stream| {
            tunnel(stream, Arc::clone(&thread_stats))
        })?;
        Ok(Self {
            url: format!("http://127.0.0.1:{}", background.port()),
            stats,
            _background: background,
        })
    }

    /// The proxy URL, e.g. `http://127.0.0.1:40124`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Tunnels established so far.
    pub fn tunnels(&self) -> usize {
        self.stats.tunnels.load(Ordering::SeqCst)
    }

    /// The request heads received (CONNECT line and headers), in order.
    pub fn request_heads(&self) -> Vec<String> {
        self.stats
            .heads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

async fn tunnel(mut client: TcpStream, stats: Arc<Stats>) {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 16 * 1024 {
            return;
        }
        match client.read_u8().await {
            Ok(b) => head.push(b),
            Err(_) => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    stats
        .heads
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(head.clone());
    let mut words = head.lines().next().unwrap_or_default().split(' ');
    let (method, target) = (
        words.next().unwrap_or_default(),
        words.next().unwrap_or_default(),
    );
    let (host, port) = target.rsplit_once(':').unwrap_or((target, "443"));
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if method != "CONNECT" || (stats.upstream.is_none() && !is_loopback(host)) {
        let _ = client
            .write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    }
    let connected = match (stats.upstream, port.parse::<u16>()) {
        (Some(addr), _) => TcpStream::connect(addr).await,
        (None, Ok(port)) => TcpStream::connect((host, port)).await,
        (None, Err(_)) => Err(io::Error::other("bad port")),
    };
    let Ok(mut upstream) = connected else {
        let _ = client
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await
        .is_err()
    {
        return;
    }
    stats.tunnels.fetch_add(1, Ordering::SeqCst);
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}
