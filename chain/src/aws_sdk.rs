//! Adapters to the AWS SDK for Rust (feature `aws-sdk`): both chains implement
//! `aws-credential-types`' `ProvideCredentials` and `ProvideToken`, so an `aws-sdk-*`
//! client can take them as its credentials or token provider.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! # runtime.block_on(async {
//! use aws_credential_types::provider::{ProvideCredentials as _, SharedCredentialsProvider};
//! use ssokit_chain::config::Env;
//! use ssokit_chain::{DefaultProviders, ProviderConfig, TestClock};
//!
//! let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "s")]);
//! let config = ProviderConfig::new(env, TestClock::new("2026-03-01T12:00:00Z".parse()?));
//! // What `aws_config::defaults(..).credentials_provider(..)` takes:
//! let shared = SharedCredentialsProvider::new(DefaultProviders::new(config).credentials_chain());
//! assert_eq!(shared.provide_credentials().await?.access_key_id(), "AKID");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```
//!
//! Errors map as the SDK's own chains expect: nothing configured (K-ANY, K-EMPTY) is
//! `CredentialsNotLoaded` / `TokenNotLoaded` (an SDK chain tries its next provider); a
//! provider that failed is `ProviderError`, with the [`ChainError`] as its source.

use std::time::SystemTime;

use aws_credential_types::provider::error::{CredentialsError as SdkCredentialsError, TokenError};
use aws_credential_types::provider::token::ProvideToken;
use aws_credential_types::provider::{ProvideCredentials, future};

use crate::chains::{CredentialsProviderChain, TokenProviderChain};
use crate::error::{ChainError, ChainErrorKind};
use crate::{Credentials, Token};

/// ssokit credentials as the SDK's (expiry, account id and session token carried over).
pub fn sdk_credentials(credentials: &Credentials) -> aws_credential_types::Credentials {
    let mut builder = aws_credential_types::Credentials::builder()
        .access_key_id(credentials.access_key_id())
        .secret_access_key(credentials.secret_access_key())
        .provider_name(credentials.provider_name());
    builder.set_session_token(credentials.session_token().map(str::to_owned));
    builder.set_expiry(credentials.expire_time().map(SystemTime::from));
    builder.set_account_id(credentials.account_id().map(Into::into));
    builder.build()
}

/// An ssokit token as the SDK's.
pub fn sdk_token(token: &Token) -> aws_credential_types::Token {
    aws_credential_types::Token::new(token.token(), token.expire_time().map(SystemTime::from))
}

fn not_loaded(error: &ChainError) -> bool {
    matches!(
        error.kind(),
        ChainErrorKind::NoneConfigured | ChainErrorKind::NoProviders
    )
}

impl ProvideCredentials for CredentialsProviderChain {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            match self.resolve().await {
                Ok(credentials) => Ok(sdk_credentials(&credentials)),
                Err(error) if not_loaded(&error) => Err(SdkCredentialsError::not_loaded(error)),
                Err(error) => Err(SdkCredentialsError::provider_error(error)),
            }
        })
    }
}

impl ProvideToken for TokenProviderChain {
    fn provide_token<'a>(&'a self) -> future::ProvideToken<'a>
    where
        Self: 'a,
    {
        future::ProvideToken::new(async move {
            match self.resolve().await {
                Ok(token) => Ok(sdk_token(&token)),
                Err(error) if not_loaded(&error) => Err(TokenError::not_loaded(error)),
                Err(error) => Err(TokenError::provider_error(error)),
            }
        })
    }
}
