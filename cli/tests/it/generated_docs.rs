//! Shell completions and the man page, generated from the command's definition: every
//! subcommand is in them.

use crate::Sandbox;

const SUBCOMMANDS: [&str; 12] = [
    "credentials",
    "token",
    "profiles",
    "exec",
    "doctor",
    "login",
    "logout",
    "accounts",
    "roles",
    "console",
    "completions",
    "man",
];

#[test]
fn completions_for_every_shell_name_every_subcommand() {
    let sandbox = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = sandbox.run(&["completions", shell]).success();
        for name in SUBCOMMANDS {
            assert!(script.contains(name), "{shell}: {name} missing");
        }
    }
    assert_eq!(sandbox.run(&["completions", "tcsh"]).code(), 2);
}

#[test]
fn the_man_page_is_roff_with_every_subcommand() {
    let sandbox = Sandbox::new();
    let page = sandbox.run(&["man"]).success();
    assert!(page.contains(".TH ssokit 1"), "{page}");
    for name in SUBCOMMANDS {
        assert!(page.contains(name), "{name} missing");
    }
}
