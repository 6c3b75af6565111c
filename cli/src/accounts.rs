//! `ssokit accounts` and `ssokit roles` (SPEC-commands §23): the library's listings of the
//! §19.2 target, printed as a table or JSON. Output is built whole; on failure stdout stays
//! empty.

use clap::ValueEnum;
use serde_json::{Map, Value};
use ssokit_chain::ProviderConfig;
use ssokit_chain::config::selected_profile;
use ssokit_chain::credentials::{AssignedRole, LoginTargetRequest, list_accounts, list_roles};
use ssokit_chain::sso_client::AccountInfo;

use crate::failure::Failure;

/// `ssokit accounts --format`, `ssokit roles --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListingFormat {
    /// Aligned columns with an upper-case header.
    Table,
    /// A JSON array.
    Json,
}

/// What `ssokit accounts` / `ssokit roles` was asked.
pub(crate) struct ListingArgs<'a> {
    pub(crate) profile: Option<&'a str>,
    pub(crate) sso_session: Option<&'a str>,
    pub(crate) format: ListingFormat,
}

impl ListingArgs<'_> {
    /// The §19.2 target: `--sso-session`, else the settings profile's (`--profile`, else
    /// `AWS_PROFILE`, else `default`).
    fn target(&self, config: &ProviderConfig) -> LoginTargetRequest {
        LoginTargetRequest {
            sso_session: self.sso_session.map(str::to_owned),
            profile: selected_profile(self.profile, config.env()).to_owned(),
        }
    }
}

/// `--account`: 12 ASCII digits, else a usage error (exit 2).
pub(crate) fn check_account(account: &str) -> Result<(), Failure> {
    if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "invalid account id \"{account}\": expected 12 digits"
        )))
    }
}

/// `ssokit accounts`.
pub(crate) async fn run_accounts(
    config: &ProviderConfig,
    args: &ListingArgs<'_>,
) -> Result<String, Failure> {
    let accounts = list_accounts(config, &args.target(config)).await?;
    Ok(match args.format {
        ListingFormat::Table => table(
            &["ACCOUNT ID", "NAME", "EMAIL"],
            accounts.iter().map(|a| {
                vec![
                    a.account_id().to_owned(),
                    cell(a.account_name()),
                    cell(a.email_address()),
                ]
            }),
        ),
        ListingFormat::Json => json(accounts.iter().map(account_json)),
    })
}

/// `ssokit roles`; `account` already checked.
pub(crate) async fn run_roles(
    config: &ProviderConfig,
    args: &ListingArgs<'_>,
    account: Option<&str>,
) -> Result<String, Failure> {
    let roles = list_roles(config, &args.target(config), account).await?;
    Ok(match args.format {
        ListingFormat::Table => table(
            &["ACCOUNT ID", "ACCOUNT NAME", "ROLE", "PROFILES"],
            roles.iter().map(|r| {
                vec![
                    r.account_id().to_owned(),
                    cell(r.account_name()),
                    r.role_name().to_owned(),
                    if r.profiles().is_empty() {
                        "-".to_owned()
                    } else {
                        r.profiles().join(",")
                    },
                ]
            }),
        ),
        ListingFormat::Json => json(roles.iter().map(role_json)),
    })
}

fn cell(value: Option<&str>) -> String {
    value.unwrap_or("-").to_owned()
}

/// The header and rows, each column padded to its widest cell plus two spaces, the last
/// column unpadded; one line each, with a trailing newline.
fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut lines: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    lines.extend(rows.map(|row| row.iter().map(|cell| printable(cell)).collect()));
    let widths: Vec<usize> = (0..header.len())
        .map(|column| {
            lines
                .iter()
                .map(|line| line.get(column).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in &lines {
        let last = line.len().saturating_sub(1);
        for (column, value) in line.iter().enumerate() {
            out.push_str(value);
            if column < last {
                let width = widths.get(column).copied().unwrap_or(0);
                let pad = width.saturating_sub(value.chars().count()) + 2;
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

/// A value from the service as terminal text: control characters (an escape sequence in an
/// account name, a newline) are shown escaped (`\u{1b}`), never sent to the terminal.
fn printable(value: &str) -> String {
    if !value.chars().any(char::is_control) {
        return value.to_owned();
    }
    value
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn optional(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |v| Value::String(v.to_owned()))
}

fn account_json(account: &AccountInfo) -> Value {
    let mut object = Map::new();
    object.insert("accountId".into(), account.account_id().into());
    object.insert("accountName".into(), optional(account.account_name()));
    object.insert("emailAddress".into(), optional(account.email_address()));
    Value::Object(object)
}

fn role_json(role: &AssignedRole) -> Value {
    let mut object = Map::new();
    object.insert("accountId".into(), role.account_id().into());
    object.insert("accountName".into(), optional(role.account_name()));
    object.insert("roleName".into(), role.role_name().into());
    object.insert(
        "profiles".into(),
        Value::Array(role.profiles().iter().cloned().map(Value::String).collect()),
    );
    Value::Object(object)
}

/// A JSON array, 2-space indent, trailing newline.
fn json(items: impl Iterator<Item = Value>) -> String {
    let array = Value::Array(items.collect());
    let mut text = serde_json::to_string_pretty(&array).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_pad_to_the_widest_cell_plus_two() {
        let text = table(
            &["ACCOUNT ID", "NAME", "EMAIL"],
            [
                vec!["777788889999".into(), "Audit".into(), "-".into()],
                vec!["1".into(), "A much longer name".into(), "x@y".into()],
            ]
            .into_iter(),
        );
        assert_eq!(
            text,
            "ACCOUNT ID    NAME                EMAIL\n\
             777788889999  Audit               -\n\
             1             A much longer name  x@y\n"
        );
        assert_eq!(
            table(&["ACCOUNT ID", "NAME", "EMAIL"], std::iter::empty()),
            "ACCOUNT ID  NAME  EMAIL\n"
        );
        assert_eq!(json(std::iter::empty()), "[]\n");
        assert_eq!(
            table(
                &["ID", "NAME"],
                [vec!["1".into(), "Prod\u{1b}[2J\nX".into()]].into_iter()
            ),
            "ID  NAME\n1   Prod\\u{1b}[2J\\u{a}X\n"
        );
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(check_account("444455556666").is_ok());
        for bad in [
            "44445555666",
            "4444555566667",
            "44445555666x",
            "４44455556666",
        ] {
            let failure = check_account(bad).unwrap_err();
            assert_eq!(failure.code(), 2);
            assert_eq!(
                failure.message(),
                format!("invalid account id \"{bad}\": expected 12 digits")
            );
        }
    }
}
