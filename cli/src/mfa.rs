//! Where the command's role hops get their MFA codes (SPEC §15.5): `--mfa-code` answers
//! the first request; after that, or without it, a prompt on the terminal when stdin and
//! stderr are one. Without either, no MFA code provider is installed at all, so a role
//! that wants MFA fails with R-MFA before any request.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use ssokit_chain::ProvideMfaCode;

/// The command's MFA code source. `Debug` never shows the code.
pub(crate) struct CommandMfa {
    /// `--mfa-code`, until the first request takes it.
    code: Mutex<Option<String>>,
    /// Whether stdin and stderr are a terminal.
    terminal: bool,
}

impl std::fmt::Debug for CommandMfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandMfa")
            .field("terminal", &self.terminal)
            .finish_non_exhaustive()
    }
}

impl CommandMfa {
    /// The source for `--mfa-code` (if given) and this process's terminal; `None` when
    /// there is neither.
    pub(crate) fn for_process(code: Option<String>) -> Option<Arc<dyn ProvideMfaCode>> {
        let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        if code.is_none() && !terminal {
            return None;
        }
        Some(Arc::new(Self {
            code: Mutex::new(code),
            terminal,
        }))
    }
}

#[async_trait]
impl ProvideMfaCode for CommandMfa {
    async fn mfa_code(&self, serial: &str) -> Result<String, String> {
        let given = self
            .code
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(code) = given {
            return Ok(code);
        }
        if !self.terminal {
            return Err(
                "--mfa-code answered an earlier request and there is no terminal to ask".to_owned(),
            );
        }
        let serial = serial.to_owned();
        tokio::task::spawn_blocking(move || prompt(&serial))
            .await
            .map_err(|e| format!("the prompt did not finish: {e}"))?
    }
}

/// `Enter MFA code for <serial>: ` on stderr, one line from stdin.
fn prompt(serial: &str) -> Result<String, String> {
    let mut stderr = std::io::stderr().lock();
    write!(stderr, "Enter MFA code for {serial}: ")
        .and_then(|()| stderr.flush())
        .map_err(|e| format!("could not write the prompt: {e}"))?;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("could not read the code: {e}"))?;
    Ok(line)
}
