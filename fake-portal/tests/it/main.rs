//! Integration tests of ssokit-fake-portal over real loopback sockets, with a raw HTTP/1.1
//! client so the fake is checked independently of sso-client. Modules mirror `src/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod answer;
mod imds;
mod oidc;
mod organisation;
mod proxy;
mod replay;
mod sandbox;
mod server;
mod sts;
mod tls;

use std::io::{Read, Write};
use std::net::TcpStream;

/// A parsed raw response.
#[derive(Debug)]
pub(crate) struct Raw {
    pub(crate) status_line: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Raw {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Parses everything a server sent on a `Connection: close` exchange.
pub(crate) fn parse(bytes: &[u8]) -> Raw {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap().to_owned();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_ascii_lowercase(), v.trim().to_owned())
        })
        .collect();
    Raw {
        status_line,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

/// Sends `request` (a full HTTP/1.1 request with `Connection: close`) and returns all bytes
/// received until the server closes.
pub(crate) fn exchange(addr: std::net::SocketAddr, request: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    out
}

pub(crate) fn get(addr: std::net::SocketAddr, target: &str) -> Vec<u8> {
    exchange(
        addr,
        &format!(
            "GET {target} HTTP/1.1\r\nHost: fake\r\nx-amz-sso_bearer_token: t\r\nConnection: close\r\n\r\n"
        ),
    )
}

pub(crate) fn post(addr: std::net::SocketAddr, target: &str, body: &str) -> Vec<u8> {
    exchange(
        addr,
        &format!(
            "POST {target} HTTP/1.1\r\nHost: fake\r\ncontent-type: application/json\r\ncontent-length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}
