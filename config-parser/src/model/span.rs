//! Spans: 32-bit byte ranges of the owned texts (and of the joined values), and the
//! conversion of an offset or line number to 32 bits.

use std::ops::Range;

/// A byte range of a source text or of the joined values. Sources are at most
/// [`MAX_FILE_SIZE`](crate::error::MAX_FILE_SIZE) bytes and the joined values at most both
/// sources, so 32 bits hold any offset (and any line number); half the size of a
/// `Range<usize>` keeps the tables of a large file small.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) start: u32,
    pub(super) end: u32,
}

impl Span {
    pub(super) fn new(range: Range<usize>) -> Self {
        Self {
            start: small(range.start),
            end: small(range.end),
        }
    }

    pub(super) fn of(self, text: &str) -> &str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

/// An offset or line number of a source, which fits 32 bits (see [`Span`]).
pub(super) fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
