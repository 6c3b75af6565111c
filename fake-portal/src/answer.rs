//! Scripted answers.

use std::time::Duration;

use crate::operation::Operation;
use crate::xml;

/// The default `GetRoleCredentials` body (SPEC §13 "Portal").
pub const DEFAULT_CREDENTIALS_BODY: &str = r#"{"roleCredentials":{"accessKeyId":"ASIAMOCKACCESSKEY","secretAccessKey":"mockSecretKey","sessionToken":"mockSessionToken","expiration":1772370000000}}"#;

/// The default `CreateToken` body of a refresh-token grant (SPEC §13 "Portal"), and of a
/// request without a `grantType`.
pub const DEFAULT_TOKEN_BODY: &str =
    r#"{"accessToken":"at-2","tokenType":"Bearer","expiresIn":3600,"refreshToken":"rt-2"}"#;

/// The default `CreateToken` body of a login: an `authorization_code` or device code grant
/// that the fake accepted (SPEC §26 "OIDC fake": `at-login`, 28800 s, `rt-login`).
pub const DEFAULT_LOGIN_TOKEN_BODY: &str = r#"{"accessToken":"at-login","tokenType":"Bearer","expiresIn":28800,"refreshToken":"rt-login"}"#;

/// The default container credentials body (SPEC §18 "F's container").
pub const DEFAULT_CONTAINER_BODY: &str = r#"{"AccessKeyId":"ASIACONT","SecretAccessKey":"cont-secret","Token":"cont-token","Expiration":"2026-03-01T13:00:00Z","AccountId":"111122223333"}"#;

/// The default `getSigninToken` body (SPEC §26 "Federation fake": `st-1`).
pub const DEFAULT_SIGNIN_TOKEN_BODY: &str = r#"{"SigninToken":"st-1"}"#;

/// The page the fake console login answers a browser with.
pub const CONSOLE_PAGE: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>fake AWS console</title></head><body><p>fake AWS console: signed in</p></body></html>";

/// How the body is delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// With `content-length`.
    Whole,
    /// With `transfer-encoding: chunked` (no length known in advance).
    Chunked,
    /// `content-length` of the whole body, then half of it, then the connection closes.
    Truncated,
    /// No response at all: the connection closes after the request is read.
    Drop,
}

/// The XML namespace of STS's answers.
pub(crate) const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// One scripted answer: status, headers, body, an optional delay and a delivery fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) delay: Duration,
    pub(crate) delivery: Delivery,
    /// The fake STS decides status, headers and body by checking the request (its default
    /// behaviour); this answer adds only its extra headers, delay and delivery.
    pub(crate) checked: bool,
}

impl Answer {
    /// `GetRoleCredentials`' success with the default keys (SPEC §13 "Portal") expiring at
    /// `expiration_ms` (epoch milliseconds): a world on the real clock (the CLI's tests, the
    /// demo) gets credentials that are not already expired.
    pub fn role_credentials(expiration_ms: i64) -> Self {
        Self::json(
            200,
            DEFAULT_CREDENTIALS_BODY.replace("1772370000000", &expiration_ms.to_string()),
        )
    }

    /// `status` with a JSON `body` (`content-type: application/json`).
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::raw(status, body.into()).header("content-type", "application/json")
    }

    /// `status` with `body` as is, no content type.
    pub fn raw(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
            delivery: Delivery::Whole,
            checked: false,
        }
    }

    /// `status` with an empty body.
    pub fn empty(status: u16) -> Self {
        Self::raw(status, Vec::new())
    }

    /// The default answer of `operation`: for `GetRoleCredentials` the fixed SPEC §13
    /// "Portal" body; for `Logout` an empty 200; for `ListAccounts` and `ListAccountRoles`
    /// the page of the fake's [`Organisation`](crate::Organisation) the request asks for; for
    /// the container endpoint [`DEFAULT_CONTAINER_BODY`]; for `getSigninToken`
    /// [`DEFAULT_SIGNIN_TOKEN_BODY`]; for the console login [`CONSOLE_PAGE`] (`text/html`);
    /// for the SSO-OIDC operations the fake SSO-OIDC, which
    /// registers clients, issues authorization and device codes and checks them at the
    /// token exchange (a refresh-token grant gets the fixed [`DEFAULT_TOKEN_BODY`]); for
    /// the STS operations the fake STS itself, which checks the request (the SigV4
    /// signature of `AssumeRole` against the trusted keys, the parameters) and answers with
    /// newly issued keys or STS's error; for the IMDS operations the fake IMDS, which issues
    /// session tokens and checks them (see [`FakePortal`](crate::FakePortal)). Scripted, it
    /// can be combined with [`delay`](Self::delay), [`header`](Self::header) and the
    /// delivery faults like any other answer.
    pub fn default_for(operation: Operation) -> Self {
        match operation {
            Operation::GetRoleCredentials => Self::json(200, DEFAULT_CREDENTIALS_BODY),
            Operation::Logout => Self::empty(200),
            Operation::ContainerCredentials => Self::json(200, DEFAULT_CONTAINER_BODY),
            Operation::GetSigninToken => Self::json(200, DEFAULT_SIGNIN_TOKEN_BODY),
            Operation::ConsoleLogin => {
                Self::raw(200, CONSOLE_PAGE).header("content-type", "text/html; charset=utf-8")
            }
            Operation::CreateToken
            | Operation::RegisterClient
            | Operation::Authorize
            | Operation::StartDeviceAuthorization
            | Operation::ListAccounts
            | Operation::ListAccountRoles
            | Operation::AssumeRole
            | Operation::AssumeRoleWithWebIdentity
            | Operation::ImdsToken
            | Operation::ImdsExtendedRoles
            | Operation::ImdsExtendedCredentials
            | Operation::ImdsRoles
            | Operation::ImdsCredentials => Self {
                checked: true,
                ..Self::empty(200)
            },
        }
    }

    /// `status` with a `text/plain` `body`, as IMDS answers.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::raw(status, body.into()).header("content-type", "text/plain")
    }

    /// An STS error answer as STS sends it: `status`, `content-type: text/xml`, an
    /// `x-amzn-RequestId` header and the query protocol's error document
    /// (`<ErrorResponse xmlns=…><Error><Type>Sender</Type><Code>…</Code><Message>…</Message>
    /// </Error><RequestId>…</RequestId></ErrorResponse>`, `Type` `Receiver` for a 5xx), the
    /// texts escaped. The request id is derived from the arguments.
    pub fn sts_error(status: u16, code: &str, message: &str) -> Self {
        let seed = format!("{status}\n{code}\n{message}");
        Self::sts_error_with_id(status, code, message, &request_id(seed.as_bytes()))
    }

    /// [`sts_error`](Self::sts_error) with the given request id.
    pub(crate) fn sts_error_with_id(
        status: u16,
        code: &str,
        message: &str,
        request_id: &str,
    ) -> Self {
        let kind = if status >= 500 { "Receiver" } else { "Sender" };
        let body = format!(
            "<ErrorResponse xmlns=\"{STS_NAMESPACE}\">\n  <Error>\n    <Type>{kind}</Type>\n    \
             <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  \
             <RequestId>{}</RequestId>\n</ErrorResponse>\n",
            xml::escape(code),
            xml::escape(message),
            xml::escape(request_id),
        );
        Self::sts_xml(status, body, request_id)
    }

    /// `status` with an STS XML `body` (`content-type: text/xml`, `x-amzn-RequestId`).
    pub(crate) fn sts_xml(status: u16, body: String, request_id: &str) -> Self {
        Self::raw(status, body)
            .header("x-amzn-RequestId", request_id)
            .header("content-type", "text/xml")
    }

    /// A modeled error as the real service sends it: its status, and for the SSO services
    /// an `x-amzn-ErrorType` header and the body shape of the service (`{"message":…}` for
    /// the portal, the OAuth `{"error":…,"error_description":…}` for OIDC), for OIDC's
    /// `Authorize` page an HTML error page naming code and message, for STS
    /// [`sts_error`](Self::sts_error)'s XML, for the container endpoint
    /// `{"Code":…,"Message":…}`, for IMDS (which has no error codes) the message as
    /// `text/plain`, for the sign-in federation endpoint (which answers pages) an HTML error
    /// page. Unknown codes get status 400.
    pub fn service_error(operation: Operation, code: &str, message: &str) -> Self {
        let status = modeled_status(operation, code);
        let message_json = serde_json::Value::String(message.to_owned()).to_string();
        match operation {
            Operation::AssumeRole | Operation::AssumeRoleWithWebIdentity => {
                Self::sts_error(status, code, message)
            }
            Operation::ContainerCredentials => {
                let code_json = serde_json::Value::String(code.to_owned()).to_string();
                Self::json(
                    status,
                    format!(r#"{{"Code":{code_json},"Message":{message_json}}}"#),
                )
            }
            Operation::ImdsToken
            | Operation::ImdsExtendedRoles
            | Operation::ImdsExtendedCredentials
            | Operation::ImdsRoles
            | Operation::ImdsCredentials => Self::text(status, message),
            Operation::Authorize | Operation::GetSigninToken | Operation::ConsoleLogin => {
                Self::error_page(status, &format!("{code}: {message}"))
            }
            Operation::GetRoleCredentials
            | Operation::Logout
            | Operation::ListAccounts
            | Operation::ListAccountRoles => {
                Self::json(status, format!(r#"{{"message":{message_json}}}"#)).header(
                    "x-amzn-ErrorType",
                    &format!(
                        "{code}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"
                    ),
                )
            }
            Operation::CreateToken
            | Operation::RegisterClient
            | Operation::StartDeviceAuthorization => {
                let error = snake_case(code.strip_suffix("Exception").unwrap_or(code));
                Self::json(
                    status,
                    format!(r#"{{"error":"{error}","error_description":{message_json}}}"#),
                )
                .header(
                    "x-amzn-ErrorType",
                    &format!("{code}:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"),
                )
            }
        }
    }

    /// `status` with an HTML page whose one paragraph is `text` (escaped), as a browser sees
    /// the fake `Authorize` page refuse a request.
    pub(crate) fn error_page(status: u16, text: &str) -> Self {
        let body = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>fake portal: sign-in \
             refused</title></head><body><p>{}</p></body></html>",
            xml::escape(text)
        );
        Self::raw(status, body).header("content-type", "text/html; charset=utf-8")
    }

    /// A `200` whose body is `size` bytes of JSON-looking filler (for the 1 MiB cap).
    pub fn oversized(size: usize) -> Self {
        let mut body = vec![b' '; size];
        if let Some(first) = body.first_mut() {
            *first = b'[';
        }
        Self::raw(200, body)
    }

    /// No response: the connection is closed once the request has been read.
    pub fn drop_connection() -> Self {
        Self {
            delivery: Delivery::Drop,
            ..Self::empty(200)
        }
    }

    /// Adds a response header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Waits this long before answering.
    #[must_use]
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Declares the whole body's length, sends half of it, then closes the connection.
    #[must_use]
    pub fn truncated(mut self) -> Self {
        self.delivery = Delivery::Truncated;
        self
    }

    /// Sends the body chunked, without `content-length`.
    #[must_use]
    pub fn chunked(mut self) -> Self {
        self.delivery = Delivery::Chunked;
        self
    }

    /// This answer (computed by the fake STS) with the extra headers, the delay and the
    /// delivery of the scripted `marker` it stands for.
    pub(crate) fn dressed_as(mut self, marker: &Self) -> Self {
        self.headers.extend(marker.headers.iter().cloned());
        self.delay = marker.delay;
        self.delivery = marker.delivery;
        self
    }
}

/// A request id in the form of STS's (a UUID), derived from `seed`.
pub(crate) fn request_id(seed: &[u8]) -> String {
    let high = fnv1a(0xcbf2_9ce4_8422_2325, seed);
    let low = fnv1a(high ^ 0x9e37_79b9_7f4a_7c15, seed);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xfff,
        0x8000 | ((low >> 48) & 0x3fff),
        low & 0xffff_ffff_ffff,
    )
}

/// FNV-1a, 64 bits, from `basis`.
fn fnv1a(basis: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(basis, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn modeled_status(operation: Operation, code: &str) -> u16 {
    if matches!(
        operation,
        Operation::AssumeRole | Operation::AssumeRoleWithWebIdentity
    ) {
        return match code {
            "AccessDenied"
            | "InvalidClientTokenId"
            | "SignatureDoesNotMatch"
            | "MissingAuthenticationToken"
            | "RegionDisabledException"
            | "IDPRejectedClaim" => 403,
            "InternalFailure" => 500,
            "ServiceUnavailable" => 503,
            _ => 400,
        };
    }
    let portal = matches!(
        operation,
        Operation::GetRoleCredentials
            | Operation::Logout
            | Operation::ListAccounts
            | Operation::ListAccountRoles
    );
    match code {
        "UnauthorizedException" if portal => 401,
        "InvalidClientException" if operation.is_oidc() => 401,
        "ForbiddenException" if portal => 403,
        "ResourceNotFoundException" if portal => 404,
        "TooManyRequestsException" if portal => 429,
        "InternalServerException" if operation.is_oidc() => 500,
        _ => 400,
    }
}

/// `InvalidGrant` → `invalid_grant`.
fn snake_case(pascal: &str) -> String {
    let mut out = String::with_capacity(pascal.len() + 4);
    for (i, c) in pascal.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modeled_errors_look_like_the_service() {
        let a = Answer::service_error(
            Operation::CreateToken,
            "InvalidGrantException",
            "Invalid refresh token provided",
        );
        assert_eq!(a.status, 400);
        assert_eq!(
            a.body,
            br#"{"error":"invalid_grant","error_description":"Invalid refresh token provided"}"#
        );
        assert_eq!(
            a.headers,
            [
                ("content-type".to_owned(), "application/json".to_owned()),
                ("x-amzn-ErrorType".to_owned(), "InvalidGrantException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/".to_owned())
            ]
        );
        let a = Answer::service_error(
            Operation::GetRoleCredentials,
            "TooManyRequestsException",
            "slow down",
        );
        assert_eq!(
            (a.status, a.body.as_slice()),
            (429, br#"{"message":"slow down"}"#.as_slice())
        );
        assert_eq!(
            Answer::service_error(Operation::CreateToken, "InvalidClientException", "x").status,
            401
        );
        assert_eq!(
            Answer::service_error(Operation::CreateToken, "InternalServerException", "x").status,
            500
        );
        assert_eq!(snake_case("AuthorizationPending"), "authorization_pending");
    }

    #[test]
    fn login_errors_look_like_their_service() {
        for op in [
            Operation::RegisterClient,
            Operation::StartDeviceAuthorization,
        ] {
            let a = Answer::service_error(op, "SlowDownException", "Slow down");
            assert_eq!(
                (a.status, a.body.as_slice()),
                (
                    400,
                    br#"{"error":"slow_down","error_description":"Slow down"}"#.as_slice()
                )
            );
            assert_eq!(
                Answer::service_error(op, "InvalidClientException", "x").status,
                401
            );
            assert_eq!(
                Answer::service_error(op, "InternalServerException", "x").status,
                500
            );
        }
        let a = Answer::service_error(Operation::Logout, "UnauthorizedException", "gone");
        assert_eq!(
            (a.status, a.body.as_slice()),
            (401, br#"{"message":"gone"}"#.as_slice())
        );
        assert_eq!(
            Answer::service_error(Operation::Logout, "TooManyRequestsException", "x").status,
            429
        );
        let a = Answer::service_error(Operation::Authorize, "access_denied", "<no>");
        assert_eq!(a.status, 400);
        assert_eq!(
            String::from_utf8_lossy(&a.body),
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>fake portal: sign-in refused</title></head><body><p>access_denied: &lt;no&gt;</p></body></html>"
        );
        assert_eq!(Answer::default_for(Operation::Logout), Answer::empty(200));
        assert!(Answer::default_for(Operation::CreateToken).checked);
    }
}
