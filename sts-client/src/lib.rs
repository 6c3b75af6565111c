//! The client of AWS STS for ssokit: `AssumeRole` (signed with SigV4) and
//! `AssumeRoleWithWebIdentity` (unsigned), on ssokit's one HTTP stack (`ssokit-http`).
//!
//! What it does:
//! - sends both operations as the AWS SDKs do: query protocol, `2011-06-15`, the form
//!   parameters in the order of SPEC §14.1 ([`StsClient`]);
//! - signs `AssumeRole` with `ssokit-sigv4` over `content-length`, `content-type`, `host`,
//!   `x-amz-date` and the session token of temporary keys;
//! - reads the XML answers with a maintained parser (`roxmltree`; no DTD): credentials, the
//!   assumed role's ARN and account ([`StsCredentials`]), or R-SHAPE ([`Error`]);
//! - reads STS's error XML into the stack's service error (R-STS); `IDPCommunicationError`
//!   is retried besides the standard throttling codes;
//! - the STS endpoint rule set ([`Sts`]: regional, FIPS, dual-stack, `aws-global` and the
//!   legacy global endpoint) and the signing region ([`StsEndpoint`]).
//!
//! What it does not do: read files, the environment or the clock (the caller passes the
//! endpoint configuration, the keys and the signing time); decide role chains, session
//! names or MFA prompts (the credentials crate does); log.
//!
//! No key, session token, web identity token, MFA code or signature appears in any
//! `Debug`, `Display` or error.
//!
//! # Example
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! # runtime.block_on(async {
//! use ssokit_http::EndpointConfig;
//! use ssokit_sts_client::{Sts, StsEndpoint};
//!
//! let endpoint = StsEndpoint::resolve(&EndpointConfig::new().region("eu-west-1"), Sts::regional())?;
//! assert_eq!(endpoint.endpoint().url(), "https://sts.eu-west-1.amazonaws.com");
//! assert_eq!(endpoint.signing_region(), "eu-west-1");
//!
//! let legacy = StsEndpoint::resolve(&EndpointConfig::new().region("eu-west-1"), Sts::legacy_global())?;
//! assert_eq!(legacy.endpoint().url(), "https://sts.amazonaws.com");
//! assert_eq!(legacy.signing_region(), "us-east-1");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod error;
mod model;
mod service;
mod wire;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;

pub use client::StsClient;
pub use error::{Error, Operation, ShapeDetail};
pub use model::{AssumeRoleRequest, Mfa, StsCredentials, WebIdentityRequest};
pub use service::{Sts, StsEndpoint};
pub use ssokit_sigv4::SigningKeys;
