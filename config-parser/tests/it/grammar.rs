//! The line grammar: every error with its whole message and line, comments, continuations
//! and sub-properties.

use crate::{parse_both, parse_config};
use ssokit_config_parser::ParseErrorKind;

fn error(config: &str) -> (String, usize, ParseErrorKind) {
    let e = parse_config(config).unwrap_err();
    (e.to_string(), e.location().line(), e.kind())
}

#[test]
fn every_error_names_file_line_and_what_was_expected() {
    let cases = [
        (
            "name = value",
            1,
            ParseErrorKind::ExpectedProfile,
            "Expected a profile definition",
        ),
        (
            "# c\n\n  -continued",
            3,
            ParseErrorKind::ExpectedProfile,
            "Expected a profile definition",
        ),
        (
            "[profile a]\n -continued",
            2,
            ParseErrorKind::ContinuationWithoutProperty,
            "Expected a property definition, found continuation",
        ),
        (
            "[profile a]\nx = 1\n[profile a]\n -continued",
            4,
            ParseErrorKind::ContinuationWithoutProperty,
            "Expected a property definition, found continuation",
        ),
        (
            "[profile a\nx = 1",
            1,
            ParseErrorKind::UnterminatedHeader,
            "Profile definition must end with ']'",
        ),
        (
            "[profile b]\nx = 1\n[profile a]junk",
            3,
            ParseErrorKind::UnterminatedHeader,
            "Profile definition must end with ']'",
        ),
        (
            "[profile a]\nsso_region: us-east-1",
            2,
            ParseErrorKind::PropertyWithoutEquals,
            "Expected an '=' sign defining a property",
        ),
        (
            "[profile a]\n = value",
            2,
            ParseErrorKind::ContinuationWithoutProperty,
            "Expected a property definition, found continuation",
        ),
        (
            "[profile a]\n= value",
            2,
            ParseErrorKind::PropertyWithoutName,
            "Property did not have a name",
        ),
        (
            "[profile a]\ns3 =\n  max_concurrent_requests",
            3,
            ParseErrorKind::SubPropertyWithoutEquals,
            "Expected an '=' sign defining a sub-property",
        ),
        (
            "[profile a]\ns3 =\n  = 20",
            3,
            ParseErrorKind::SubPropertyWithoutName,
            "Sub-property did not have a name",
        ),
    ];
    for (config, line, kind, message) in cases {
        let expected = format!("error parsing /h/.aws/config on line {line}: {message}");
        assert_eq!(error(config), (expected, line, kind), "{config:?}");
    }
}

#[test]
fn errors_in_the_credentials_file_name_it() {
    let e = parse_both("[profile a]\n", "[a]\naws_access_key_id AKID").unwrap_err();
    assert_eq!(
        e.to_string(),
        "error parsing /h/.aws/credentials on line 2: Expected an '=' sign defining a property"
    );
    assert_eq!(
        e.location().path(),
        std::path::Path::new("/h/.aws/credentials")
    );
}

#[test]
fn line_numbers_count_crlf_blank_and_comment_lines() {
    let (message, line, _) = error("# top\r\n\r\n[profile a]\r\n; note\r\nbad line\r\n");
    assert_eq!(line, 5);
    assert_eq!(
        message,
        "error parsing /h/.aws/config on line 5: Expected an '=' sign defining a property"
    );
}

#[test]
fn a_leading_bom_is_skipped_and_does_not_shift_lines() {
    let set = parse_config("\u{feff}[profile a]\nregion = eu-west-1\n").unwrap();
    let region = set.profile("a").unwrap().property("region").unwrap();
    assert_eq!(region.value(), "eu-west-1");
    assert_eq!(region.location().line(), 2);
}

#[test]
fn property_comments_need_a_blank_before_them() {
    let set = parse_config("[profile a]\nsso_role_name = Role#1;x ; note\nb = c\t# tab comment\n")
        .unwrap();
    let a = set.profile("a").unwrap();
    assert_eq!(a.get("sso_role_name"), Some("Role#1;x"));
    assert_eq!(a.get("b"), Some("c"));
}

#[test]
fn header_comments_need_no_blank() {
    let set = parse_config("[profile a]#x\n[profile b];y ]\n").unwrap();
    assert!(set.profile("a").is_some());
    assert!(set.profile("b").is_some());
}

#[test]
fn an_indented_comment_is_a_continuation() {
    let set = parse_config("[profile a]\nx = 1\n  # kept\n").unwrap();
    assert_eq!(set.profile("a").unwrap().get("x"), Some("1\n# kept"));
}

#[test]
fn continuations_join_trimmed_lines_and_keep_the_first_line_number() {
    let set = parse_config("[profile a]\n\nx = one\n\t two  \n\n  three\n").unwrap();
    let x = set.profile("a").unwrap().property("x").unwrap();
    assert_eq!(x.value(), "one\ntwo\nthree");
    assert_eq!(x.location().line(), 3);
}

#[test]
fn sub_properties_are_stored_raw_and_readable_by_key() {
    let set = parse_config("[profile a]\ns3 =\n  max_concurrent_requests = 20\n  Addressing_Style = path\n  in valid = x\n").unwrap();
    let s3 = set.profile("a").unwrap().property("s3").unwrap();
    assert_eq!(
        s3.value(),
        "\nmax_concurrent_requests = 20\nAddressing_Style = path\nin valid = x"
    );
    assert_eq!(s3.sub_property("addressing_style"), Some("path"));
    assert_eq!(s3.sub_property("max_concurrent_requests"), Some("20"));
    assert_eq!(s3.sub_property("missing"), None);
}

#[test]
fn values_keep_quotes_equals_and_unicode() {
    let set = parse_config("[profile a]\nq = \"quoted\" 'x'\ne = a=b=c\nu = 日本 😂\n").unwrap();
    let a = set.profile("a").unwrap();
    assert_eq!(a.get("q"), Some("\"quoted\" 'x'"));
    assert_eq!(a.get("e"), Some("a=b=c"));
    assert_eq!(a.get("u"), Some("日本 😂"));
}

#[test]
fn no_input_panics_on_odd_lines() {
    for text in [
        "[",
        "]",
        "[]",
        "[ ]",
        "=",
        " =",
        "[profile a]\n=",
        "\r",
        "\r\r\n",
        "[\u{feff}]",
        "[profile a]\n\u{a0}x = 1",
    ] {
        let _ = parse_config(text);
        let _ = parse_both("", text);
    }
}

#[test]
fn a_text_over_the_size_limit_is_refused_at_the_line_that_crosses_it() {
    let limit = usize::try_from(ssokit_config_parser::MAX_FILE_SIZE).unwrap();
    let line = "k = 0123456789\n"; // 15 bytes
    let mut text = String::from("[a]\n");
    while text.len() <= limit {
        text.push_str(line);
    }
    // The first byte past the limit: after the 4-byte header line, 15 bytes a line.
    let crossing = 2 + (limit - 4) / line.len();
    let e = parse_both("", &text).unwrap_err();
    assert_eq!(e.kind(), ParseErrorKind::TooLarge);
    assert_eq!(e.location().line(), crossing);
    assert_eq!(
        e.to_string(),
        format!(
            "error parsing /h/.aws/credentials on line {crossing}: The file is larger than 16 MiB, \
             the limit for AWS config files; split it or remove unused profiles"
        )
    );
    text.truncate(limit);
    assert!(parse_both("", &text).is_ok(), "a text at the limit parses");
}
