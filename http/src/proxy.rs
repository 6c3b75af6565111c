//! Proxy settings (SPEC §6): which proxy applies to a target, `NO_PROXY`, and the HTTP
//! CONNECT handshake. Values come from the caller ([`ProxySettings::from_lookup`]); this
//! crate reads no environment.

use std::fmt;
use std::net::IpAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::endpoint::is_loopback_host;

/// A parsed `http://[user:password@]host[:port][/]` proxy URL.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ProxyUrl {
    /// Host to connect to (IPv6 without brackets).
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `Basic` credentials, already base64 encoded.
    basic_auth: Option<String>,
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyUrl")
            .field("host", &self.host)
            .field("port", &self.port)
            .field(
                "basic_auth",
                &self.basic_auth.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// One proxy variable as given: its name and its parsed value or why it is invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ProxyVar {
    var: String,
    parsed: Result<ProxyUrl, String>,
}

/// Proxy configuration: `HTTPS_PROXY` for https targets, `HTTP_PROXY` for http targets,
/// `ALL_PROXY` for both, and the `NO_PROXY` exclusions. Loopback targets never use a proxy.
/// The default uses no proxy.
///
/// An invalid proxy URL is reported (P-PROXY) only when a request would use it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxySettings {
    https: Option<ProxyVar>,
    http: Option<ProxyVar>,
    all: Option<ProxyVar>,
    no_proxy: Vec<String>,
}

/// Which proxy (if any) a request goes through.
pub(crate) enum ProxyChoice {
    Direct,
    Via(ProxyUrl),
}

impl ProxySettings {
    /// No proxy.
    pub fn none() -> Self {
        Self::default()
    }

    /// Reads `https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY`, `all_proxy`/`ALL_PROXY`
    /// and `no_proxy`/`NO_PROXY` (lower case first; empty counts as unset) through `lookup`,
    /// e.g. from the caller's environment snapshot.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let first = |names: [&str; 2]| {
            names.iter().find_map(|name| {
                lookup(name)
                    .filter(|v| !v.is_empty())
                    .map(|v| ((*name).to_owned(), v))
            })
        };
        let var = |names| {
            first(names).map(|(var, value)| ProxyVar {
                var,
                parsed: parse_proxy_url(&value),
            })
        };
        Self {
            https: var(["https_proxy", "HTTPS_PROXY"]),
            http: var(["http_proxy", "HTTP_PROXY"]),
            all: var(["all_proxy", "ALL_PROXY"]),
            no_proxy: first(["no_proxy", "NO_PROXY"])
                .map(|(_, v)| parse_no_proxy(&v))
                .unwrap_or_default(),
        }
    }

    /// Use `url` for https targets (as `HTTPS_PROXY` would).
    #[must_use]
    pub fn https_proxy(mut self, url: &str) -> Self {
        self.https = Some(ProxyVar {
            var: "HTTPS_PROXY".to_owned(),
            parsed: parse_proxy_url(url),
        });
        self
    }

    /// Use `url` for plain http targets (as `HTTP_PROXY` would).
    #[must_use]
    pub fn http_proxy(mut self, url: &str) -> Self {
        self.http = Some(ProxyVar {
            var: "HTTP_PROXY".to_owned(),
            parsed: parse_proxy_url(url),
        });
        self
    }

    /// Hosts that bypass the proxy (as `NO_PROXY` would): a comma list of hosts, domain
    /// suffixes, IPs or `*`.
    #[must_use]
    pub fn no_proxy(mut self, list: &str) -> Self {
        self.no_proxy = parse_no_proxy(list);
        self
    }

    /// The proxy for a request to `host` (lower case, IPv6 in brackets) over `https` or
    /// not; `Err((var, reason))` when the applicable variable is invalid.
    pub(crate) fn choose(&self, host: &str, https: bool) -> Result<ProxyChoice, (String, String)> {
        let scheme_var = if https { &self.https } else { &self.http };
        let Some(var) = scheme_var.as_ref().or(self.all.as_ref()) else {
            return Ok(ProxyChoice::Direct);
        };
        if is_loopback_host(host) || self.bypasses(host) {
            return Ok(ProxyChoice::Direct);
        }
        match &var.parsed {
            Ok(url) => Ok(ProxyChoice::Via(url.clone())),
            Err(reason) => Err((var.var.clone(), reason.clone())),
        }
    }

    fn bypasses(&self, host: &str) -> bool {
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let host_ip = bare.parse::<IpAddr>().ok();
        self.no_proxy.iter().any(|entry| {
            if entry == "*" {
                return true;
            }
            if let (Some(ip), Ok(entry_ip)) = (host_ip, entry.parse::<IpAddr>()) {
                return ip == entry_ip;
            }
            let suffix = entry.trim_start_matches("*.").trim_start_matches('.');
            !suffix.is_empty()
                && (bare == suffix
                    || bare
                        .strip_suffix(suffix)
                        .is_some_and(|rest| rest.ends_with('.')))
        })
    }
}

fn parse_no_proxy(list: &str) -> Vec<String> {
    list.split(',')
        .map(|entry| {
            let entry = entry.trim().to_ascii_lowercase();
            let entry = entry
                .strip_prefix('[')
                .and_then(|e| e.split_once(']'))
                .map_or(entry.clone(), |(ip, _)| ip.to_owned());
            // Drop a `:port` after a host name or IPv4 address.
            match entry.rsplit_once(':') {
                Some((host, port))
                    if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    host.to_owned()
                }
                _ => entry,
            }
        })
        .filter(|entry| !entry.is_empty())
        .collect()
}

/// Parses `http://[user:password@]host[:port][/]`.
fn parse_proxy_url(value: &str) -> Result<ProxyUrl, String> {
    let rest = match value.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some((scheme, _)) => {
            return Err(format!(
                "unsupported scheme \"{scheme}\" (only http:// proxies are supported)"
            ));
        }
        None => return Err("expected http://host:port".to_owned()),
    };
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    if !path.is_empty() && path != "/" {
        return Err("a path is not allowed".to_owned());
    }
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((userinfo, hostport)) => (Some(userinfo), hostport),
        None => (None, authority),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (ip, rest) = v6.split_once(']').ok_or("unterminated IPv6 address")?;
        (ip, rest.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        }
    };
    if host.is_empty() {
        return Err("missing host".to_owned());
    }
    let port = match port {
        None => 80,
        Some(p) => p.parse::<u16>().map_err(|_| "invalid port".to_owned())?,
    };
    let basic_auth = userinfo.map(|u| base64(&percent_decode(u)));
    Ok(ProxyUrl {
        host: host.to_owned(),
        port,
        basic_auth,
    })
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Opens a tunnel through `proxy` to `host:port` with HTTP CONNECT.
pub(crate) async fn connect_tunnel(
    mut stream: TcpStream,
    proxy: &ProxyUrl,
    host: &str,
    port: u16,
) -> std::io::Result<TcpStream> {
    let authority = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut head = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(auth) = &proxy.basic_auth {
        head.push_str("Proxy-Authorization: Basic ");
        head.push_str(auth);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    // Read the response head byte by byte, so nothing after it is consumed.
    let mut response = Vec::with_capacity(128);
    while !response.ends_with(b"\r\n\r\n") {
        if response.len() > 16 * 1024 {
            return Err(std::io::Error::other(format!(
                "proxy {}:{} sent an oversized CONNECT response",
                proxy.host, proxy.port
            )));
        }
        let byte = stream.read_u8().await.map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "proxy {}:{} closed the connection during CONNECT",
                    proxy.host, proxy.port
                ),
            )
        })?;
        response.push(byte);
    }
    let status_line = String::from_utf8_lossy(&response);
    let status_line = status_line.lines().next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version_ok = parts.next().is_some_and(|v| v.starts_with("HTTP/1."));
    let status = parts.next().unwrap_or_default();
    if version_ok && status.len() == 3 && status.starts_with('2') {
        Ok(stream)
    } else {
        Err(std::io::Error::other(format!(
            "proxy {}:{} refused CONNECT to {authority}: {}",
            proxy.host,
            proxy.port,
            status_line.trim()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn chosen(settings: &ProxySettings, host: &str, https: bool) -> String {
        match settings.choose(host, https) {
            Ok(ProxyChoice::Direct) => "direct".to_owned(),
            Ok(ProxyChoice::Via(p)) => format!("{}:{}", p.host, p.port),
            Err((var, reason)) => format!("invalid proxy URL in {var}: {reason}"),
        }
    }

    #[test]
    fn variable_precedence() {
        let s = ProxySettings::from_lookup(lookup(&[
            ("https_proxy", "http://lower:1"),
            ("HTTPS_PROXY", "http://upper:2"),
            ("HTTP_PROXY", "http://plain:3"),
            ("ALL_PROXY", "http://all:4"),
        ]));
        assert_eq!(
            chosen(&s, "portal.sso.us-east-1.amazonaws.com", true),
            "lower:1"
        );
        assert_eq!(chosen(&s, "example.com", false), "plain:3");
        let s = ProxySettings::from_lookup(lookup(&[
            ("https_proxy", ""),
            ("HTTPS_PROXY", "http://upper:2"),
            ("all_proxy", "http://all:4"),
        ]));
        assert_eq!(chosen(&s, "example.com", true), "upper:2");
        assert_eq!(chosen(&s, "example.com", false), "all:4");
        assert_eq!(
            chosen(&ProxySettings::none(), "example.com", true),
            "direct"
        );
    }

    #[test]
    fn no_proxy_and_loopback_bypass() {
        let s = ProxySettings::from_lookup(lookup(&[
            ("HTTPS_PROXY", "http://proxy:3128"),
            (
                "NO_PROXY",
                " internal.example , .corp.example,10.1.2.3, *.wild.example, host.example:8443,[::5]",
            ),
        ]));
        for direct in [
            "127.0.0.1",
            "localhost",
            "[::1]",
            "internal.example",
            "a.internal.example",
            "x.corp.example",
            "corp.example",
            "10.1.2.3",
            "a.wild.example",
            "host.example",
            "[::5]",
        ] {
            assert_eq!(chosen(&s, direct, true), "direct", "{direct}");
        }
        for proxied in [
            "xinternal.example",
            "example",
            "10.1.2.4",
            "portal.sso.us-east-1.amazonaws.com",
            "[::6]",
        ] {
            assert_eq!(chosen(&s, proxied, true), "proxy:3128", "{proxied}");
        }
        let star = ProxySettings::none()
            .https_proxy("http://proxy:1")
            .no_proxy("*");
        assert_eq!(chosen(&star, "example.com", true), "direct");
    }

    #[test]
    fn proxy_urls() {
        let p = parse_proxy_url("http://user:p%40ss@proxy.corp:3128/").unwrap();
        assert_eq!((p.host.as_str(), p.port), ("proxy.corp", 3128));
        assert_eq!(p.basic_auth.as_deref(), Some("dXNlcjpwQHNz"));
        assert!(!format!("{p:?}").contains("dXNlcjpwQHNz"));
        assert_eq!(parse_proxy_url("HTTP://[::1]:8").unwrap().host, "::1");
        assert_eq!(parse_proxy_url("http://proxy").unwrap().port, 80);
        for (bad, reason) in [
            ("proxy:3128", "expected http://host:port"),
            (
                "https://proxy:3128",
                "unsupported scheme \"https\" (only http:// proxies are supported)",
            ),
            (
                "socks5://proxy:1080",
                "unsupported scheme \"socks5\" (only http:// proxies are supported)",
            ),
            ("http://:3128", "missing host"),
            ("http://proxy:x", "invalid port"),
            ("http://proxy:3128/path", "a path is not allowed"),
        ] {
            assert_eq!(parse_proxy_url(bad).unwrap_err(), reason, "{bad}");
        }
        let s = ProxySettings::from_lookup(lookup(&[("HTTPS_PROXY", "socks5://p:1")]));
        assert_eq!(
            chosen(&s, "example.com", true),
            "invalid proxy URL in HTTPS_PROXY: unsupported scheme \"socks5\" (only http:// proxies are supported)"
        );
        // An invalid proxy that does not apply is not an error.
        assert_eq!(chosen(&s, "example.com", false), "direct");
        assert_eq!(chosen(&s, "127.0.0.1", true), "direct");
    }

    #[test]
    fn base64_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("user:pass", "dXNlcjpwYXNz"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
        assert_eq!(percent_decode("a%3Ab%zz%4"), b"a:b%zz%4");
    }
}
