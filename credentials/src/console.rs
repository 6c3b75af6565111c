//! `ssokit console` as a library (SPEC §24): the AWS console sign-in link for resolved
//! credentials, through the AWS sign-in federation endpoint's `getSigninToken`, and the
//! one-shot loopback redirector that hands it to a browser without putting the sign-in
//! token in any process's arguments. The federation endpoint is one small call on the one
//! HTTP stack (`ssokit-http`), so it lives here beside the login flow rather than in a
//! service client crate of its own.

pub(crate) mod federation;
pub(crate) mod origin;
pub(crate) mod redirect;
pub(crate) mod run;
pub(crate) mod signin;
