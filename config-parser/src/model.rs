//! Stage 2: normalisation and merge. Raw sections in, a `ProfileSet` out.
//!
//! Section headers are classified by file kind (`[profile x]`, `[default]`,
//! `[sso-session x]`, `[services x]` in the config file; `[x]` in the credentials file),
//! invalid names are dropped with a `Warning`, repeated sections merge, and within a
//! section the last definition of a key wins, the credentials file after the config file.
//!
//! The parse keeps one record per section, pointing at its lines in the owned texts;
//! `Section::property` reads those lines again (see ARCHITECTURE.md).
//!
//! One concern a file; each file imports only files above it in this list:
//! - [`kind`]: `FileKind` and `SectionKind`;
//! - [`span`]: 32-bit byte ranges of the owned texts;
//! - [`names`]: valid names, what a header names per file kind, `Warning`;
//! - [`intern`]: the key interner;
//! - [`table`]: the section records and the rest of the index a parse builds;
//! - [`builder`]: the grammar sink that fills the index;
//! - [`set`]: `ProfileSet` and `Source`, and the parse;
//! - [`section`]: `Section` and `Property`, and the lookups that hand them out.
//!
//! This file declares the modules and nothing else; `lib.rs` re-exports the public types.

mod builder;
mod intern;
pub(crate) mod kind;
pub(crate) mod names;
pub(crate) mod section;
pub(crate) mod set;
mod span;
mod table;
