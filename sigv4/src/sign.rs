//! [`sign`]: the canonical request, the string to sign, the signing key and the signature,
//! and what to add to the request (headers, or presigned query parameters).

use std::fmt;
use std::time::Duration;

use jiff::Timestamp;
use ring::{digest, hmac};

use crate::canonical::{self, Param};

/// The algorithm name, first line of every string to sign.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The keys a request is signed with. `Debug` shows the key id only.
#[derive(Clone, Copy)]
pub struct SigningKeys<'a> {
    /// The access key id (not secret: it names the key).
    pub access_key_id: &'a str,
    /// The secret access key.
    pub secret_access_key: &'a str,
    /// The session token of temporary credentials.
    pub session_token: Option<&'a str>,
}

impl fmt::Debug for SigningKeys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeys")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// Where the signature goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Form {
    /// An `Authorization` header (with `X-Amz-Date`, `X-Amz-Security-Token` and, when asked,
    /// `x-amz-content-sha256`).
    Header,
    /// A presigned URL: `X-Amz-*` query parameters, valid for
    /// [`expires`](SigningParams::expires).
    Query,
}

/// Everything a signature is made of besides the request.
#[derive(Clone, Copy, Debug)]
pub struct SigningParams<'a> {
    /// The keys.
    pub keys: SigningKeys<'a>,
    /// The region of the endpoint (`us-east-1`).
    pub region: &'a str,
    /// The signing name of the service (`sts`).
    pub service: &'a str,
    /// The signing time (`X-Amz-Date`).
    pub time: Timestamp,
    /// Where the signature goes.
    pub form: Form,
    /// How the path is made canonical.
    pub path: PathEncoding,
    /// Add and sign an `x-amz-content-sha256` header with the payload hash (header form).
    pub payload_hash_header: bool,
    /// Leave the session token out of the signature and add it afterwards (as some
    /// services want); `false` signs it, the default.
    pub omit_session_token: bool,
    /// How long a presigned URL is valid (`X-Amz-Expires`, query form only).
    pub expires: Duration,
}

impl<'a> SigningParams<'a> {
    /// The defaults of every service but S3: header form, normalised and double-encoded
    /// path, session token signed, no payload-hash header, 15 minutes for a presigned URL.
    pub fn new(keys: SigningKeys<'a>, region: &'a str, service: &'a str, time: Timestamp) -> Self {
        Self {
            keys,
            region,
            service,
            time,
            form: Form::Header,
            path: PathEncoding {
                normalize: true,
                double_encode: true,
            },
            payload_hash_header: false,
            omit_session_token: false,
            expires: Duration::from_secs(900),
        }
    }
}

/// How the path becomes canonical: every service but S3 normalises it and encodes the
/// already-encoded path once more; S3 does neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathEncoding {
    /// Remove dot segments and repeated slashes first.
    pub normalize: bool,
    /// Encode the already-encoded path once more (else decode it and encode it once).
    pub double_encode: bool,
}

/// The request to sign: method, the path and query as they will be sent (percent-encoded),
/// the headers (a `host` header among them), and the body.
#[derive(Clone, Copy, Debug)]
pub struct SignableRequest<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The path, percent-encoded as sent (`/`, `/a%3Ab`).
    pub path: &'a str,
    /// The query string as sent, without `?` (may be empty).
    pub query: &'a str,
    /// The headers as sent, `host` included.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub body: &'a [u8],
}

/// A signature and what to add to the request for it.
///
/// `Debug` shows the signature and the names of what is added; the canonical request and
/// the additions may hold the session token and are left out.
#[derive(Clone)]
pub struct Signed {
    canonical_request: String,
    string_to_sign: String,
    signature: String,
    headers: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |pairs: &[(&'static str, String)]| -> Vec<&'static str> {
            pairs.iter().map(|(name, _)| *name).collect()
        };
        f.debug_struct("Signed")
            .field("signature", &self.signature)
            .field("headers", &names(&self.headers))
            .field("query", &names(&self.query))
            .finish_non_exhaustive()
    }
}

impl Signed {
    /// The canonical request (SigV4 task 1). Holds the session token when it is signed:
    /// never log it.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The string to sign (task 2).
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature, lower-case hex (task 3).
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// Header form: the headers to set on the request, in order (`X-Amz-Date`,
    /// `X-Amz-Security-Token`?, `x-amz-content-sha256`?, `Authorization`). Empty for the
    /// query form.
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// Query form: the parameters to append to the query, encoded (`X-Amz-Algorithm`, ...,
    /// `X-Amz-Signature`). Empty for the header form.
    pub fn query(&self) -> &[(&'static str, String)] {
        &self.query
    }
}

/// Headers the signer sets itself: any such header of the request is replaced.
const OWN_HEADERS: &[&str] = &["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];

/// Signs `request` with `params`. Pure: no clock, no I/O.
pub fn sign(request: &SignableRequest<'_>, params: &SigningParams<'_>) -> Signed {
    let date_time = params.time.strftime("%Y%m%dT%H%M%SZ").to_string();
    let date = &date_time[..8];
    let scope = format!("{date}/{}/{}/aws4_request", params.region, params.service);
    let payload_hash = hex(digest::digest(&digest::SHA256, request.body).as_ref());
    let mut parts = Parts::before_signing(request, params, &date_time, &scope, &payload_hash);
    let (header_block, signed_names) = canonical::headers(&parts.headers);
    let uri = canonical::uri(
        request.path,
        params.path.normalize,
        params.path.double_encode,
    );
    let canonical_request = format!(
        "{}\n{uri}\n{}\n{header_block}\n{signed_names}\n{payload_hash}",
        request.method,
        canonical::query_string(std::mem::take(&mut parts.query)),
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{date_time}\n{scope}\n{}",
        hex(digest::digest(&digest::SHA256, canonical_request.as_bytes()).as_ref())
    );
    let key = hmac::Key::new(
        hmac::HMAC_SHA256,
        &signing_key(
            params.keys.secret_access_key,
            date,
            params.region,
            params.service,
        ),
    );
    let signature = hex(hmac::sign(&key, string_to_sign.as_bytes()).as_ref());
    parts.after_signing(params, &scope, &signed_names, &signature);
    Signed {
        canonical_request,
        string_to_sign,
        signature,
        headers: parts.added_headers,
        query: parts
            .added_query
            .into_iter()
            .map(|(name, value)| (name, canonical::encode(value.as_bytes(), false)))
            .collect(),
    }
}

/// The request's headers and query as they are signed, and what the signature adds.
struct Parts {
    headers: Vec<(String, String)>,
    query: Vec<Param>,
    added_headers: Vec<(&'static str, String)>,
    added_query: Vec<(&'static str, String)>,
}

impl Parts {
    /// The headers (the signer's own replaced) and query, with what is signed added: the
    /// date, the session token unless omitted, the payload hash when asked (header form),
    /// or the `X-Amz-*` parameters (query form).
    fn before_signing(
        request: &SignableRequest<'_>,
        params: &SigningParams<'_>,
        date_time: &str,
        scope: &str,
        payload_hash: &str,
    ) -> Self {
        let headers: Vec<(String, String)> = request
            .headers
            .iter()
            .filter(|(name, _)| !OWN_HEADERS.contains(&name.to_ascii_lowercase().as_str()))
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        let mut parts = Self {
            headers,
            query: canonical::query_params(request.query),
            added_headers: Vec::new(),
            added_query: Vec::new(),
        };
        let token = params
            .keys
            .session_token
            .filter(|_| !params.omit_session_token);
        match params.form {
            Form::Header => {
                parts.add_header("X-Amz-Date", date_time);
                if let Some(token) = token {
                    parts.add_header("X-Amz-Security-Token", token);
                }
                if params.payload_hash_header {
                    parts.add_header("x-amz-content-sha256", payload_hash);
                }
            }
            Form::Query => {
                let (_, signed_names) = canonical::headers(&parts.headers);
                let credential = format!("{}/{scope}", params.keys.access_key_id);
                let expires = params.expires.as_secs().to_string();
                parts.add_param("X-Amz-Algorithm", ALGORITHM);
                parts.add_param("X-Amz-Credential", &credential);
                parts.add_param("X-Amz-Date", date_time);
                parts.add_param("X-Amz-SignedHeaders", &signed_names);
                parts.add_param("X-Amz-Expires", &expires);
                if let Some(token) = token {
                    parts.add_param("X-Amz-Security-Token", token);
                }
            }
        }
        parts
    }

    /// Adds the signature, and an omitted session token after it.
    fn after_signing(
        &mut self,
        params: &SigningParams<'_>,
        scope: &str,
        signed_names: &str,
        signature: &str,
    ) {
        let late_token = params
            .keys
            .session_token
            .filter(|_| params.omit_session_token);
        match params.form {
            Form::Header => {
                if let Some(token) = late_token {
                    self.added_headers
                        .push(("X-Amz-Security-Token", token.to_owned()));
                }
                let authorization = format!(
                    "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_names}, Signature={signature}",
                    params.keys.access_key_id
                );
                self.added_headers.push(("Authorization", authorization));
            }
            Form::Query => {
                if let Some(token) = late_token {
                    self.added_query
                        .push(("X-Amz-Security-Token", token.to_owned()));
                }
                self.added_query
                    .push(("X-Amz-Signature", signature.to_owned()));
            }
        }
    }

    /// A header that is signed and added to the request.
    fn add_header(&mut self, name: &'static str, value: &str) {
        self.headers.push((name.to_owned(), value.to_owned()));
        self.added_headers.push((name, value.to_owned()));
    }

    /// A query parameter that is signed and added to the request.
    fn add_param(&mut self, name: &'static str, value: &str) {
        self.query.push(encoded(name, value));
        self.added_query.push((name, value.to_owned()));
    }
}

fn encoded(name: &str, value: &str) -> Param {
    (
        canonical::encode(name.as_bytes(), false),
        canonical::encode(value.as_bytes(), false),
    )
}

/// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in [date, region, service, "aws4_request"] {
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &key), part.as_bytes());
        key = tag.as_ref().to_vec();
    }
    key
}

/// Lower-case hex.
fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xF)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signing key of the AWS documentation's example (`wJalr…`, 2015-08-30,
    /// us-east-1, iam).
    #[test]
    fn the_documented_signing_key() {
        let key = signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20150830",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex(&key),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }

    #[test]
    fn debug_shows_no_secret() {
        let keys = SigningKeys {
            access_key_id: "AKID",
            secret_access_key: "SECRETKEY",
            session_token: Some("TOKENVALUE"),
        };
        let params = SigningParams::new(keys, "us-east-1", "sts", Timestamp::UNIX_EPOCH);
        let request = SignableRequest {
            method: "GET",
            path: "/",
            query: "",
            headers: &[("host", "sts.amazonaws.com")],
            body: b"",
        };
        let signed = sign(&request, &params);
        let shown = format!("{params:?} {signed:?}");
        assert!(
            !shown.contains("SECRETKEY") && !shown.contains("TOKENVALUE"),
            "{shown}"
        );
        assert!(shown.contains("AKID"));
    }
}
