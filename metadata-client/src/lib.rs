//! The two credential endpoints of AWS compute for ssokit, on its one HTTP stack
//! (`ssokit-http`): the container credentials endpoint (ECS task roles, ECS Anywhere, EKS
//! Pod Identity) and the EC2 instance metadata service (IMDSv2), SPEC §16.
//!
//! What it does:
//! - [`ContainerEndpoint`]: the URL `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on
//!   169.254.170.2) or `AWS_CONTAINER_CREDENTIALS_FULL_URI` names, checked (C-URL; plain
//!   http only to loopback, 169.254.170.2, 169.254.170.23 and `fd00:ec2::23`, else C-HOST; no
//!   DNS lookup), and [`check_authorization`] for the token (C-TOKEN: empty, CR or LF);
//! - [`ContainerClient`]: `GET` with `accept: application/json` and the authorization token
//!   as a secret header; connect 2 s, 5 s per attempt, 3 attempts; plain http never
//!   through a proxy;
//! - [`ImdsEndpoint`] (the endpoint, or the IPv4 / IPv6 address of the endpoint mode) and
//!   [`ImdsClient`]: the session token (`PUT`, TTL 21,600 s, reused until 120 s before it
//!   ends, a 401 renews it), the IMDSv1 fallback on 403/404/405 unless disabled, the
//!   extended credentials path then the legacy one (remembered), connect 1 s, 1 s per
//!   attempt, 3 attempts, and the absence rule: the first request of a load is sent once,
//!   and no connection or no answer is I-UNREACH;
//! - the credentials document of both, read strictly ([`MetadataCredentials`],
//!   [`ShapeDetail`]), and the errors with SPEC §16.6's texts ([`ContainerError`],
//!   [`ImdsError`]).
//!
//! What it does not do: read the environment, files, token files or the clock (the caller
//! passes the variables' values, the token and the time); cache credentials or extend them
//! when a refresh fails (the providers in `ssokit-credentials` do); log. No key, session
//! token, IMDS token or authorization token appears in any `Debug`, `Display` or error.
//!
//! # Example
//!
//! ```
//! use ssokit_metadata_client::{ContainerEndpoint, ImdsEndpoint};
//!
//! let ecs = ContainerEndpoint::from_variables(Some("/v2/credentials/abc"), None)?.expect("set");
//! assert_eq!(ecs.url_without_query(), "http://169.254.170.2/v2/credentials/abc");
//! assert_eq!(ContainerEndpoint::from_variables(None, None)?, None);
//!
//! let imds = ImdsEndpoint::resolve(None, Some(("IPv6", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")))?;
//! assert_eq!(imds.token_url(), "http://[fd00:ec2::254]/latest/api/token");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod container;
mod credentials;
mod error;
mod imds;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;

pub use container::{ContainerClient, ContainerEndpoint, ECS_HOST, check_authorization};
pub use credentials::{MetadataCredentials, ShapeDetail};
pub use error::{ContainerError, ImdsError};
pub use imds::{IPV4_ENDPOINT, IPV6_ENDPOINT, ImdsClient, ImdsEndpoint};
