//! [`ProvideMfaCode`]: where a role hop with `mfa_serial` gets its code (SPEC §15.5).

use std::fmt;

use async_trait::async_trait;

use crate::error::{CredentialsError, ErrorCode};

/// Answers the MFA code of a device (v2 `tokenCodeFn`): the CLI prompts on a terminal or
/// takes `--mfa-code`; a program asks its user however it likes.
///
/// It is asked before each `AssumeRole` of a hop whose profile sets `mfa_serial`, never
/// while the hop's credentials are valid. The answer, trimmed, must be 6 ASCII digits.
///
/// ```
/// use async_trait::async_trait;
/// use ssokit_credentials::ProvideMfaCode;
///
/// #[derive(Debug)]
/// struct Fixed;
///
/// #[async_trait]
/// impl ProvideMfaCode for Fixed {
///     async fn mfa_code(&self, _serial: &str) -> Result<String, String> {
///         Ok("123456".to_owned())
///     }
/// }
/// ```
#[async_trait]
pub trait ProvideMfaCode: Send + Sync + fmt::Debug {
    /// The current code of the MFA device `serial`, or why there is none.
    async fn mfa_code(&self, serial: &str) -> Result<String, String>;
}

/// An MFA code that passed R-MFACODE's check. `Debug` never shows it.
pub(crate) struct MfaCode(String);

impl MfaCode {
    pub(crate) fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for MfaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MfaCode(** redacted **)")
    }
}

/// Asks `provider` for the code of `serial` and checks it (R-MFACODE); no provider is
/// R-MFA, naming `setter` (`Profile r1`, or the provider built in code).
pub(crate) async fn mfa_code(
    provider: Option<&dyn ProvideMfaCode>,
    setter: &str,
    serial: &str,
) -> Result<MfaCode, CredentialsError> {
    let Some(provider) = provider else {
        return Err(CredentialsError::failed(
            ErrorCode::Mfa,
            format!(
                "{setter} sets mfa_serial = {serial}, but no MFA code source is configured (give the provider an MFA code provider; the CLI prompts on a terminal or takes --mfa-code)"
            ),
        ));
    };
    let answer = provider.mfa_code(serial).await.map_err(|error| {
        CredentialsError::failed(
            ErrorCode::Mfa,
            format!("could not get an MFA code for {serial}: {error}"),
        )
    })?;
    let code = answer.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CredentialsError::failed(
            ErrorCode::Mfa,
            format!("MFA code for {serial} must be 6 digits"),
        ));
    }
    Ok(MfaCode(code.to_owned()))
}
