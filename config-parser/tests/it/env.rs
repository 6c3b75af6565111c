//! The environment snapshot.

use ssokit_config_parser::Env;

#[test]
fn empty_values_are_unset_and_later_pairs_win() {
    let env = Env::from_pairs([("A", "1"), ("B", ""), ("A", "2")]);
    assert_eq!(env.get("A"), Some("2"));
    assert_eq!(env.get("B"), None);
    assert_eq!(env.get("C"), None);
    assert_eq!(env.names().collect::<Vec<_>>(), ["A", "B"]);
    let env = env.with("C", "3").without("A");
    assert_eq!((env.get("A"), env.get("C")), (None, Some("3")));
}

#[test]
fn booleans_name_the_variable() {
    let env = Env::from_pairs([("T", "True"), ("F", "FALSE"), ("X", "1")]);
    assert_eq!(env.get_bool("T"), Ok(Some(true)));
    assert_eq!(env.get_bool("F"), Ok(Some(false)));
    assert_eq!(env.get_bool("unset"), Ok(None));
    let error = env.get_bool("X").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid value \"1\" for X: expected true or false"
    );
    assert!(error.location().is_none());
}

#[test]
fn debug_shows_names_not_values() {
    let env = Env::from_pairs([("AWS_SECRET_ACCESS_KEY", "TOPSECRET")]);
    assert_eq!(format!("{env:?}"), "{\"AWS_SECRET_ACCESS_KEY\"}");
}
