//! The AWS shared config file grammar: `~/.aws/config` and `~/.aws/credentials`, read
//! exactly as the AWS SDKs read them.
//!
//! What it does:
//! - finds the files ([`Home`], [`FileLocations`]: `HOME`, `USERPROFILE`,
//!   `HOMEDRIVE`+`HOMEPATH`, `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `~`) and the
//!   selected profile ([`selected_profile`]) from an environment snapshot ([`Env`]);
//! - parses them with the cross-SDK grammar (headers, `profile` prefixes per file kind,
//!   `[sso-session x]`, `[services x]`, comments, continuation lines, sub-properties, CRLF,
//!   invalid names, duplicates) into one merged [`ProfileSet`] in which every section and
//!   property knows its file and 1-based line ([`Location`]);
//! - reports every bad line as a [`ParseError`] naming the file and line, and every
//!   dropped name as a [`Warning`].
//!
//! What it does not do: read the process environment, the clock or the network; interpret
//! settings (which profile is SSO, which endpoint to call: that is the `credentials`
//! crate's job); write config files. Parsing ([`ProfileSet::parse`]) does no I/O;
//! [`ProfileSet::load`] and [`read_source`] are the only functions that read files.
//!
//! ```
//! use ssokit_config_parser::{Env, FileLocations, Home, ProfileSet, selected_profile};
//!
//! let home = tempfile::tempdir()?;
//! std::fs::create_dir(home.path().join(".aws"))?;
//! std::fs::write(
//!     home.path().join(".aws/config"),
//!     "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\n\n\
//!      [sso-session corp]\nsso_region = eu-west-1\n",
//! )?;
//!
//! let env = Env::from_pairs([("AWS_PROFILE", "dev")]);
//! let files = FileLocations::resolve(&env, &Home::new(home.path()), None, None);
//! let set = ProfileSet::load(&files)?;
//! let profile = set.profile(selected_profile(None, &env)).expect("dev exists");
//! let session = profile.get("sso_session").expect("dev names a session");
//! assert_eq!(set.sso_session(session).and_then(|s| s.get("sso_region")), Some("eu-west-1"));
//! assert_eq!(profile.property("sso_account_id").map(|p| p.location().line()), Some(3));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Differences from the AWS SDKs
//! - The JavaScript SDK v2 gates the config file behind `AWS_SDK_LOAD_CONFIG`, treats a
//!   missing credentials file as an error, does not expand `~`, keeps keys case-sensitive
//!   and skips lines it cannot parse. This crate follows the cross-SDK conformance suite
//!   instead: no gate, a missing file is empty, `~` is expanded, keys are lower-cased and
//!   a bad line fails the parse.
//! - botocore and Go differ from the suite in places (`[sso-session my dev]`, `[a]` in the
//!   config file); this crate follows the suite.
//!
//! # Features
//! None. Dependencies: `nom` (the header and sub-property forms), `wide` (the vector
//! compares that index a text), `hashbrown` (section and key tables) and `thiserror`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod env;
mod error;
mod files;
mod grammar;
mod load;
mod location;
mod model;
mod scan;

pub use env::Env;
pub use error::{BoolError, HomeError, LoadError, MAX_FILE_SIZE, ParseError, ParseErrorKind};
pub use files::{FileLocations, Home, Platform, selected_profile};
pub use load::read_source;
pub use location::Location;
pub use model::kind::{FileKind, SectionKind};
pub use model::names::Warning;
pub use model::section::{Property, Section};
pub use model::set::{ProfileSet, Source};
