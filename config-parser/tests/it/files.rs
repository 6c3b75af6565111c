//! Home directory, `~` expansion, file paths and profile selection.

use std::path::{Path, PathBuf};

use ssokit_config_parser::{Env, FileLocations, Home, HomeError, Platform, selected_profile};

#[test]
fn home_falls_back_through_the_variables_then_the_os() {
    let os = Path::new("/os/home");
    let resolve = |pairs: &[(&str, &str)]| {
        Home::resolve(
            &Env::from_pairs(pairs.iter().copied()),
            Some(os),
            Platform::Unix,
        )
        .map(|h| h.path().to_path_buf())
    };
    assert_eq!(
        resolve(&[("HOME", "/h"), ("USERPROFILE", "/u")]),
        Ok(PathBuf::from("/h"))
    );
    assert_eq!(
        resolve(&[("HOME", ""), ("USERPROFILE", "/u")]),
        Ok(PathBuf::from("/u"))
    );
    assert_eq!(
        resolve(&[("HOMEDRIVE", "D:"), ("HOMEPATH", "\\me")]),
        Ok(PathBuf::from("D:\\me"))
    );
    assert_eq!(
        resolve(&[("HOMEPATH", "\\me")]),
        Ok(PathBuf::from("/os/home"))
    );
    assert_eq!(resolve(&[]), Ok(PathBuf::from("/os/home")));
}

#[test]
fn no_home_anywhere_is_e_home() {
    let error = Home::resolve(&Env::new(), None, Platform::Unix).unwrap_err();
    assert_eq!(error, HomeError);
    assert_eq!(
        error.to_string(),
        "Cannot load credentials, HOME path not set"
    );
}

#[test]
fn tilde_expands_alone_or_before_a_separator_only() {
    let home = Home::new("/home/me");
    assert_eq!(home.expand(Path::new("~")), Path::new("/home/me"));
    assert_eq!(
        home.expand(Path::new("~/alt/config")),
        Path::new("/home/me/alt/config")
    );
    assert_eq!(
        home.expand(Path::new("~other/config")),
        Path::new("~other/config")
    );
    assert_eq!(home.expand(Path::new("/abs/~/x")), Path::new("/abs/~/x"));
    assert_eq!(home.expand(Path::new("~\\x")), Path::new("~\\x"));
    let windows = Home::resolve(
        &Env::from_pairs([("USERPROFILE", "C:\\Users\\me")]),
        None,
        Platform::Windows,
    )
    .unwrap();
    assert_eq!(
        windows.expand(Path::new("~\\alt\\config")),
        Path::new("C:\\Users\\me\\alt\\config")
    );
}

#[test]
fn explicit_paths_beat_the_environment() {
    let home = Home::new("/home/me");
    let env = Env::from_pairs([
        ("AWS_CONFIG_FILE", "/env/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "~/env-creds"),
    ]);
    let files = FileLocations::resolve(&env, &home, Some(Path::new("~/explicit")), None);
    assert_eq!(files.config(), Path::new("/home/me/explicit"));
    assert_eq!(files.credentials(), Path::new("/home/me/env-creds"));
    let files = FileLocations::resolve(&Env::new(), &Home::new("/home/me/"), None, None);
    assert_eq!(files.config(), Path::new("/home/me/.aws/config"));
}

#[test]
fn profile_selection_is_explicit_then_aws_profile_then_default() {
    let env = Env::from_pairs([("AWS_PROFILE", "Dev")]);
    assert_eq!(selected_profile(Some("ops"), &env), "ops");
    assert_eq!(selected_profile(Some(""), &env), "Dev");
    assert_eq!(
        selected_profile(None, &Env::from_pairs([("AWS_PROFILE", "")])),
        "default"
    );
}
