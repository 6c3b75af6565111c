//! The environment as a value: a snapshot of variables, taken once by the caller.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::error::{BoolError, parse_bool};

/// A snapshot of environment variables. An empty value counts as unset.
///
/// Libraries in ssokit never read the process environment; they take an `Env`. Only the
/// chain's default constructors and the CLI build one from the real process.
///
/// ```
/// use ssokit_config_parser::Env;
///
/// let env = Env::from_pairs([("AWS_PROFILE", "dev"), ("AWS_REGION", "")]);
/// assert_eq!(env.get("AWS_PROFILE"), Some("dev"));
/// assert_eq!(env.get("AWS_REGION"), None);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: Arc<BTreeMap<String, String>>,
}

impl Env {
    /// An empty environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// An environment holding these variables (later pairs win).
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        pairs.into_iter().collect()
    }

    /// This environment plus one variable (replacing any earlier value).
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.vars).insert(name.into(), value.into());
        self
    }

    /// This environment without one variable.
    #[must_use]
    pub fn without(mut self, name: &str) -> Self {
        Arc::make_mut(&mut self.vars).remove(name);
        self
    }

    /// A variable's value; `None` when unset or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A boolean variable: `true`/`false` in any case; unset or empty is `None`.
    pub fn get_bool(&self, name: &str) -> Result<Option<bool>, BoolError> {
        self.get(name)
            .map(|value| parse_bool(name, value, || None))
            .transpose()
    }

    /// The names of the variables set (including empty ones), sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Env {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self {
            vars: Arc::new(
                iter.into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            ),
        }
    }
}

/// Shows variable names only: values may be secret keys.
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.names()).finish()
    }
}
