//! Loopback addresses that never answer: a listener that accepts and stays silent, and a
//! port nothing listens on (SPEC §18.16, the absence rule of IMDS).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::AsyncReadExt;

use crate::background::Background;

/// A listener on `127.0.0.1` that accepts every connection, reads what is sent and never
/// answers; it counts the connections it accepted. Stops (closing the connections) when
/// dropped. Made by [`silent_listener`].
pub struct SilentListener {
    url: String,
    port: u16,
    accepted: Arc<AtomicUsize>,
    _background: Background,
}

impl std::fmt::Debug for SilentListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SilentListener")
            .field("url", &self.url)
            .field("connections", &self.connections())
            .finish_non_exhaustive()
    }
}

impl SilentListener {
    /// Its URL, `http://127.0.0.1:<port>` (no trailing `/`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its socket address.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// Starts a [`SilentListener`] on an ephemeral port of `127.0.0.1`.
///
/// # Panics
///
/// When no loopback port can be bound.
pub fn silent_listener() -> SilentListener {
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    let background = Background::start("silent-listener", move |mut stream| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            // Read and discard until the client gives up; never write.
            let mut buffer = [0u8; 1024];
            while stream.read(&mut buffer).await.is_ok_and(|n| n > 0) {}
        }
    })
    .unwrap_or_else(|e| panic!("could not start a silent listener: {e}"));
    let port = background.port();
    SilentListener {
        url: format!("http://127.0.0.1:{port}"),
        port,
        accepted,
        _background: background,
    }
}

/// A loopback address nothing listens on (a port bound, then released): a connection
/// there is refused. Another process could take the port in between, as with any such
/// helper; the tests of the workspace only bind ephemeral ports.
///
/// # Panics
///
/// When no loopback port can be bound.
pub fn closed_port() -> SocketAddr {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .unwrap_or_else(|e| panic!("could not bind a loopback port: {e}"))
}
