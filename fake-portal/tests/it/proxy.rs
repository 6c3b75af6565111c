//! The CONNECT proxy: tunnels to loopback only, counts tunnels, records heads.

use std::io::{Read, Write};
use std::net::TcpStream;

use ssokit_fake_portal::{FakePortal, FakeProxy, Operation};

fn connect_then_get(proxy: &FakeProxy, target: &str) -> String {
    let addr = proxy.url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .write_all(format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n").as_bytes())
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    if !head.starts_with("HTTP/1.1 200") {
        return head;
    }
    stream
        .write_all(b"GET /federation/credentials HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    head + &String::from_utf8_lossy(&rest)
}

#[test]
fn tunnels_to_loopback_and_counts() {
    let fake = FakePortal::start().unwrap();
    let proxy = FakeProxy::start().unwrap();
    let text = connect_then_get(&proxy, &format!("127.0.0.1:{}", fake.port()));
    assert!(
        text.starts_with("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK\r\n"),
        "{text}"
    );
    assert_eq!(proxy.tunnels(), 1);
    assert_eq!(fake.count(Operation::GetRoleCredentials), 1);
}

#[test]
fn refuses_other_targets() {
    let proxy = FakeProxy::start().unwrap();
    let text = connect_then_get(&proxy, "portal.sso.us-east-1.amazonaws.com:443");
    assert_eq!(text, "HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
    assert_eq!(proxy.tunnels(), 0);
    assert_eq!(
        proxy.request_heads(),
        [
            "CONNECT portal.sso.us-east-1.amazonaws.com:443 HTTP/1.1\r\nHost: portal.sso.us-east-1.amazonaws.com:443\r\n\r\n"
        ]
    );
}

#[test]
fn an_upstream_proxy_sends_every_tunnel_to_it() {
    let fake = FakePortal::start().unwrap();
    let proxy = FakeProxy::start_with_upstream(fake.addr()).unwrap();
    let text = connect_then_get(&proxy, "portal.fake.test:443");
    assert!(text.contains("HTTP/1.1 200 OK\r\n"), "{text}");
    assert_eq!(proxy.tunnels(), 1);
    let err = FakeProxy::start_with_upstream("192.0.2.1:443".parse().unwrap()).unwrap_err();
    assert_eq!(err.to_string(), "the upstream must be a loopback address");
}
