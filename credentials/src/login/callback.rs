//! The one-shot sign-in callback listener of the authorization code flow (SPEC §19.6 steps
//! 1 and 6): a [`LoopbackListener`] that ends the wait only on a callback that carries this
//! login's `state`.

use crate::error::{CredentialsError, ErrorCode};
use crate::loopback::{LoopbackListener, RequestHead, reply};

/// The callback path.
const PATH: &str = "/oauth/callback";

const SUCCESS: &str =
    "ssokit received the sign-in. You can close this tab and return to the terminal.";
const FAILURE: &str = "ssokit: the sign-in failed. Return to the terminal for details.";

/// The listener, bound before any request is sent.
#[derive(Debug)]
pub struct CallbackListener {
    listener: LoopbackListener,
}

/// What a callback request meant for the login. `Debug` never shows the code.
#[derive(PartialEq, Eq)]
enum Verdict {
    /// Not for us, or malformed: answered and ignored.
    Ignored,
    /// A callback for another login (`state` differs): ignored, with the warning once.
    Stray,
    /// The authorization server refused: L-AUTHZ.
    Refused(String),
    /// The code.
    Code(String),
}

impl std::fmt::Debug for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Ignored => f.write_str("Ignored"),
            Verdict::Stray => f.write_str("Stray"),
            Verdict::Refused(why) => f.debug_tuple("Refused").field(why).finish(),
            Verdict::Code(_) => f.write_str("Code(** redacted **)"),
        }
    }
}

impl CallbackListener {
    /// Binds `127.0.0.1:<port>` (0: a free port); L-LISTEN.
    pub async fn bind(port: Option<u16>) -> Result<Self, CredentialsError> {
        let wanted = port.unwrap_or(0);
        let listener = LoopbackListener::bind(wanted)
            .await
            .map_err(|e| listen_error(wanted, &e))?;
        Ok(Self { listener })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.listener.port()
    }

    /// `http://127.0.0.1:<port>/oauth/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{PATH}", self.port())
    }

    /// Serves callbacks until one carries `state` (SPEC §19.6's table): the code, or
    /// L-AUTHZ. `on_stray` is called once, at the first callback for another state
    /// (the L-STATE warning). The caller bounds the wait (L-TIMEOUT); the listener closes
    /// when this returns.
    pub async fn wait(
        self,
        state: &str,
        mut on_stray: impl FnMut(),
    ) -> Result<String, CredentialsError> {
        let mut warned = false;
        loop {
            let (mut stream, head) = self.listener.next().await;
            let (status, page, verdict) = judge(&head, self.port(), state);
            let _ = answer(&mut stream, status, page).await;
            match verdict {
                Verdict::Code(code) => return Ok(code),
                Verdict::Refused(message) => {
                    return Err(CredentialsError::failed(ErrorCode::Login, message));
                }
                Verdict::Stray if !warned => {
                    warned = true;
                    on_stray();
                }
                Verdict::Stray | Verdict::Ignored => {}
            }
        }
    }
}

fn listen_error(port: u16, e: &std::io::Error) -> CredentialsError {
    CredentialsError::failed(
        ErrorCode::Login,
        format!("could not listen on 127.0.0.1:{port} for the sign-in callback: {e}"),
    )
}

/// SPEC §19.6's table: the status, the page (success or failure, or none) and the verdict.
fn judge(head: &RequestHead, port: u16, state: &str) -> (u16, Option<&'static str>, Verdict) {
    if head.method() != "GET" {
        return (405, None, Verdict::Ignored);
    }
    if !head.host_is_loopback_port(port) {
        return (400, None, Verdict::Ignored);
    }
    if head.path() != PATH {
        return (404, None, Verdict::Ignored);
    }
    let params = form_decode(head.query());
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let ours = get("state") == Some(state);
    match (get("error"), get("code"), ours) {
        (Some(error), _, true) => {
            let mut message = format!(
                "sign-in failed: the authorization server returned error \"{}\"",
                clean(error)
            );
            if let Some(description) = get("error_description").filter(|d| !d.is_empty()) {
                message.push_str(": ");
                message.push_str(&clean(description));
            }
            (200, Some(FAILURE), Verdict::Refused(message))
        }
        (Some(_), _, false) | (None, Some(_), false) => (400, Some(FAILURE), Verdict::Stray),
        (None, Some(code), true) if !code.is_empty() => {
            (200, Some(SUCCESS), Verdict::Code(code.to_owned()))
        }
        _ => (400, Some(FAILURE), Verdict::Ignored),
    }
}

/// Control characters dropped, at most 200 characters (L-AUTHZ).
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// `application/x-www-form-urlencoded` pairs: `+` is a space, `%XX` a byte.
fn form_decode(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&high), Some(&low)) => hex(high).zip(hex(low)),
            _ => None,
        };
        match (bytes[i], escaped) {
            (_, Some((high, low))) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (b, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The answer: the page (SPEC §19.6's headers) or an empty body.
async fn answer(
    stream: &mut tokio::net::TcpStream,
    status: u16,
    page: Option<&str>,
) -> std::io::Result<()> {
    let body = page.map_or_else(String::new, |text| {
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>ssokit login</title></head><body><p>{text}</p></body></html>"
        )
    });
    let headers = [
        ("content-type", "text/html; charset=utf-8"),
        ("content-security-policy", "default-src 'none'"),
    ];
    reply(stream, status, &headers, &body).await
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn head(target: &str, host: &str) -> String {
        format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n")
    }

    #[test]
    fn the_table() {
        let host = "127.0.0.1:8400";
        let j = |h: &str| judge(&RequestHead::parse(h), 8400, "s1");
        assert_eq!(
            j("POST /oauth/callback HTTP/1.1\r\nHost: 127.0.0.1:8400\r\n\r\n").0,
            405
        );
        assert_eq!(
            j(&head("/oauth/callback?code=c&state=s1", "localhost:8400")).0,
            400
        );
        assert_eq!(j(&head("/other?code=c&state=s1", host)).0, 404);
        assert_eq!(
            j(&head("/oauth/callback?code=c%2B1&state=s1", host)),
            (200, Some(SUCCESS), Verdict::Code("c+1".to_owned()))
        );
        assert_eq!(
            j(&head("/oauth/callback?code=c&state=s2", host)).2,
            Verdict::Stray
        );
        assert_eq!(
            j(&head("/oauth/callback?error=x&state=s2", host)).2,
            Verdict::Stray
        );
        assert_eq!(
            j(&head("/oauth/callback?state=s1", host)).2,
            Verdict::Ignored
        );
        assert_eq!(
            j(&head(
                "/oauth/callback?error=access_denied&error_description=no+way%0A&state=s1",
                host
            ))
            .2,
            Verdict::Refused(
                "sign-in failed: the authorization server returned error \"access_denied\": no way"
                    .to_owned()
            )
        );
    }

    #[test]
    fn debug_never_shows_the_code() {
        let request = RequestHead::parse(&head(
            "/oauth/callback?code=code-secret&state=s1",
            "127.0.0.1:8400",
        ));
        let (_, _, verdict) = judge(&request, 8400, "s1");
        for text in [format!("{request:?}"), format!("{verdict:?}")] {
            assert!(!text.contains("code-secret"), "{text}");
            assert!(text.contains("redacted"), "{text}");
        }
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("é%C3%A9%"), "éé%");
    }

    #[tokio::test]
    async fn a_stray_callback_does_not_end_the_wait() {
        let listener = CallbackListener::bind(None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let port = listener.port();
        let mut strays = 0;
        let client = tokio::spawn(async move {
            for state in ["other", "ours"] {
                let request = head(
                    &format!("/oauth/callback?code=code-{state}&state={state}"),
                    &format!("127.0.0.1:{port}"),
                );
                let answer = crate::loopback::exchange(port, &request).await;
                assert!(answer.contains("content-security-policy: default-src 'none'"));
            }
        });
        let code = listener
            .wait("ours", || strays += 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(code, "code-ours");
        assert_eq!(strays, 1);
        client.await.unwrap_or_else(|e| panic!("{e}"));
        // The listener closed with the valid callback.
        let again = head(
            "/oauth/callback?code=code-ours&state=ours",
            &format!("127.0.0.1:{port}"),
        );
        assert!(
            crate::loopback::no_longer_served(port, &again, "ssokit received the sign-in").await
        );
    }

    #[tokio::test]
    async fn it_listens_on_ipv4_loopback_only() {
        let listener = CallbackListener::bind(None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let address = listener
            .listener
            .local_addr()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(address.ip(), std::net::IpAddr::from(Ipv4Addr::LOCALHOST));
        assert_eq!(
            listener.redirect_uri(),
            format!("http://127.0.0.1:{}/oauth/callback", address.port())
        );
        let taken = CallbackListener::bind(Some(address.port()))
            .await
            .unwrap_err();
        assert!(
            taken.to_string().starts_with(&format!(
                "could not listen on 127.0.0.1:{} for the sign-in callback: ",
                address.port()
            )),
            "{taken}"
        );
    }
}
