//! AWS Signature Version 4 for ssokit: the canonical request, the string to sign, the
//! signing key and the signature, in the `Authorization`-header form and the presigned
//! (query) form, on ring's HMAC-SHA256 and SHA-256 (already in the tree through rustls).
//!
//! What it does: [`sign`] a [`SignableRequest`] with [`SigningParams`] and get a
//! [`Signed`] that holds the three intermediate texts and what to add to the request
//! (headers, or query parameters). Session tokens are signed or, when asked, added after
//! signing; the path is normalised and double-encoded (every service but S3), or not.
//!
//! What it does not do: read a clock (the signing time is a parameter), hold credentials
//! beyond a call, send anything, sign SigV4a, S3's chunked uploads or event streams. It is
//! a leaf: no runtime, no HTTP, no other ssokit crate, so that both the STS client (which
//! signs) and the dev-only fake STS (which checks signatures) can use it; neither exists
//! yet (issue #12).
//!
//! Secrets: `SigningKeys`' `Debug` shows the key id only, `Signed`'s the signature and the
//! names of what it adds; the canonical request and the added values can hold the session
//! token and are never logged by this crate (it logs nothing).
//!
//! # Example
//!
//! The `get-vanilla` case of the AWS signing test suite:
//!
//! ```
//! use ssokit_sigv4::{SignableRequest, SigningKeys, SigningParams, sign};
//!
//! let keys = SigningKeys {
//!     access_key_id: "AKIDEXAMPLE",
//!     secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
//!     session_token: None,
//! };
//! let time = "2015-08-30T12:36:00Z".parse()?;
//! let params = SigningParams::new(keys, "us-east-1", "service", time);
//! let request = SignableRequest {
//!     method: "GET",
//!     path: "/",
//!     query: "",
//!     headers: &[("Host", "example.amazonaws.com")],
//!     body: b"",
//! };
//! let signed = sign(&request, &params);
//! assert_eq!(
//!     signed.signature(),
//!     "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
//! );
//! assert_eq!(signed.headers()[0], ("X-Amz-Date", "20150830T123600Z".to_owned()));
//! # Ok::<(), jiff::Error>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod canonical;
mod sign;

pub use sign::{
    ALGORITHM, Form, PathEncoding, SignableRequest, Signed, SigningKeys, SigningParams, sign,
};
