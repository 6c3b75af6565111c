//! Opening a browser (SPEC §19.5): `BROWSER`'s commands, else the platform's opener;
//! spawned directly (no shell, the URL one argument), watched for 5 s.

use std::fmt;
use std::process::{Command, Stdio};
use std::time::Duration;

use ssokit_config_parser::Env;
use ssokit_http::is_loopback_host;

use crate::login::flow::OsKind;

/// How long a started opener is watched: still running, or exit 0, means opened.
const WATCH: Duration = Duration::from_secs(5);

/// Opens a URL in a browser. The CLI uses [`SystemBrowser`]; a program or a test brings
/// its own (a test's calls the URL with an HTTP client).
pub trait OpenBrowser: Send + Sync + fmt::Debug {
    /// Opens `url`; `Err` is the warning's `<program>: <io error>` or `<program> exited
    /// with <status>` detail.
    fn open(&self, url: &str) -> Result<(), String>;
}

/// The system's browser: `BROWSER` (entries split on `:`, `;` on Windows; `%s` is the URL,
/// else the URL is appended), else `open` (macOS), `rundll32.exe
/// url.dll,FileProtocolHandler` (Windows), `wslview` then the Windows command (WSL),
/// `xdg-open` (other Unix).
#[derive(Debug, Clone)]
pub struct SystemBrowser {
    browser: Option<String>,
    os: OsKind,
    wsl: bool,
}

impl SystemBrowser {
    /// The browser of the environment snapshot `env` on `os`.
    pub fn new(env: &Env, os: OsKind) -> Self {
        Self {
            browser: env.get("BROWSER").map(str::to_owned),
            os,
            wsl: env.get("WSL_DISTRO_NAME").is_some() || env.get("WSL_INTEROP").is_some(),
        }
    }

    /// The commands tried for `url`, in order (program, then arguments).
    fn commands(&self, url: &str) -> Vec<Vec<String>> {
        if let Some(browser) = &self.browser {
            let separator = if self.os == OsKind::Windows { ';' } else { ':' };
            return browser
                .split(separator)
                .filter_map(|entry| browser_command(entry, url))
                .collect();
        }
        let windows = || {
            vec![
                "rundll32.exe".to_owned(),
                "url.dll,FileProtocolHandler".to_owned(),
                url.to_owned(),
            ]
        };
        match self.os {
            OsKind::MacOs => vec![vec!["open".to_owned(), url.to_owned()]],
            OsKind::Windows => vec![windows()],
            OsKind::UnixDesktop if self.wsl => {
                vec![vec!["wslview".to_owned(), url.to_owned()], windows()]
            }
            OsKind::UnixDesktop => vec![vec!["xdg-open".to_owned(), url.to_owned()]],
        }
    }
}

/// One `BROWSER` entry: split on ASCII whitespace; `%s` in an argument is the URL (`%%` is
/// `%`), else the URL is appended.
fn browser_command(entry: &str, url: &str) -> Option<Vec<String>> {
    let mut words: Vec<String> = entry.split_ascii_whitespace().map(str::to_owned).collect();
    if words.is_empty() {
        return None;
    }
    let mut placed = false;
    for word in words.iter_mut().skip(1) {
        let (text, has_url) = substitute(word, url);
        placed |= has_url;
        *word = text;
    }
    if !placed {
        words.push(url.to_owned());
    }
    Some(words)
}

/// `%s` → the URL, `%%` → `%`, in one pass; whether the URL went in.
fn substitute(word: &str, url: &str) -> (String, bool) {
    let mut placed = false;
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('%', Some('s')) => {
                chars.next();
                out.push_str(url);
                placed = true;
            }
            ('%', Some('%')) => {
                chars.next();
                out.push('%');
            }
            _ => out.push(c),
        }
    }
    (out, placed)
}

/// Whether a URL may be opened at all: `https://`, or `http://` to loopback.
pub fn may_open(url: &str) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    is_loopback_host(host)
}

impl OpenBrowser for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        if !may_open(url) {
            return Err(format!("{url} is neither https nor loopback http"));
        }
        let mut failures = Vec::new();
        for command in self.commands(url) {
            let Some((program, args)) = command.split_first() else {
                continue;
            };
            match run(program, args) {
                Ok(()) => return Ok(()),
                Err(failure) => failures.push(failure),
            }
        }
        Err(failures.join("; "))
    }
}

/// Starts `program` with `args` (no shell, stdio null) and watches it for 5 s.
fn run(program: &str, args: &[String]) -> Result<(), String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    let step = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    while waited < WATCH {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("{program} exited with {status}")),
            Ok(None) => {}
            Err(e) => return Err(format!("{program}: {e}")),
        }
        std::thread::sleep(step);
        waited += step;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn system(browser: Option<&str>, os: OsKind) -> SystemBrowser {
        SystemBrowser {
            browser: browser.map(str::to_owned),
            os,
            wsl: false,
        }
    }

    #[test]
    fn browser_entries_and_the_url() {
        let url = "https://x/authorize?a=1&b=2";
        assert_eq!(
            system(
                Some("firefox --new-tab:chromium --app=%s:lynx %%s"),
                OsKind::UnixDesktop
            )
            .commands(url),
            vec![
                vec!["firefox".to_owned(), "--new-tab".to_owned(), url.to_owned()],
                vec!["chromium".to_owned(), format!("--app={url}")],
                vec!["lynx".to_owned(), "%s".to_owned(), url.to_owned()],
            ]
        );
        assert_eq!(
            system(None, OsKind::Windows).commands(url),
            vec![vec![
                "rundll32.exe".to_owned(),
                "url.dll,FileProtocolHandler".to_owned(),
                url.to_owned()
            ]]
        );
        assert_eq!(system(None, OsKind::MacOs).commands(url)[0][0], "open");
        assert_eq!(
            system(None, OsKind::UnixDesktop).commands(url)[0][0],
            "xdg-open"
        );
    }

    #[test]
    fn only_https_and_loopback_http_are_opened() {
        assert!(may_open("https://device.sso.us-east-1.amazonaws.com/"));
        assert!(may_open("http://127.0.0.1:8400/authorize?x"));
        assert!(may_open("http://[::1]:9/a"));
        assert!(!may_open("http://example.com/"));
        assert!(!may_open("file:///etc/passwd"));
        assert!(!may_open("javascript:alert(1)"));
    }

    #[test]
    fn a_missing_program_and_a_failing_one_are_reported() {
        let browser = system(
            Some("/nonexistent/ssokit-browser:false"),
            OsKind::UnixDesktop,
        );
        let error = browser.open("https://x/").unwrap_err();
        assert!(
            error.starts_with("/nonexistent/ssokit-browser: "),
            "{error}"
        );
        assert!(error.contains("false exited with"), "{error}");
        assert!(
            system(Some("true"), OsKind::UnixDesktop)
                .open("https://x/")
                .is_ok()
        );
    }
}
