//! The `expiresAt` grammar (SPEC §3.3) and the one format ssokit writes.
//!
//! Accepted strings are `DATE SEP TIME ZONE`:
//!
//! - `DATE` is `YYYY-MM-DD`;
//! - `SEP` is `T`, `t` or one space;
//! - `TIME` is `HH:MM:SS`, optionally followed by `.` and one or more digits (digits beyond
//!   the ninth are truncated);
//! - `ZONE` is `Z`, `z`, `±HH:MM`, `UTC`, ` UTC` (one space, then `UTC`) or nothing, which
//!   means UTC whatever the machine's time zone is.
//!
//! Every field must be in range (month 01-12, a day that exists in that month, hour 00-23,
//! minute and second 00-59; offsets ±00:00 to ±23:59). A JSON integer ≥ 0 in the cache file
//! is milliseconds since the Unix epoch. Everything else is rejected: no input is ever read
//! as "valid forever" or silently as "expired".
//!
//! Written times are always `YYYY-MM-DDTHH:MM:SSZ`, truncated to whole seconds, and never
//! before year 0 (the grammar's four-digit years), so every written time reads back.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;

/// Parses a time string of the `expiresAt` grammar into an instant.
///
/// Returns `None` for anything outside the grammar; the module documentation lists it.
///
/// ```
/// use ssokit_token_cache::parse_time;
///
/// let utc = parse_time("2026-03-01T14:00:00Z").unwrap();
/// assert_eq!(parse_time("2026-03-01T23:00:00+09:00"), Some(utc));
/// assert_eq!(parse_time("2026-03-01 14:00:00 UTC"), Some(utc));
/// assert_eq!(parse_time("2026-03-01T14:00:00"), Some(utc));
/// assert_eq!(parse_time("2026-03-01"), None);
/// ```
pub fn parse_time(text: &str) -> Option<Timestamp> {
    let b = text.as_bytes();
    // DATE: YYYY-MM-DD
    let year = digits(b, 0, 4)?;
    expect(b, 4, b'-')?;
    let month = digits(b, 5, 2)?;
    expect(b, 7, b'-')?;
    let day = digits(b, 8, 2)?;
    // SEP
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    // TIME: HH:MM:SS[.fraction]
    let hour = digits(b, 11, 2)?;
    expect(b, 13, b':')?;
    let minute = digits(b, 14, 2)?;
    expect(b, 16, b':')?;
    let second = digits(b, 17, 2)?;
    let mut pos = 19;
    let mut nanos: i32 = 0;
    if b.get(pos) == Some(&b'.') {
        pos += 1;
        let start = pos;
        while b.get(pos).is_some_and(u8::is_ascii_digit) {
            if pos - start < 9 {
                nanos = nanos * 10 + i32::from(b[pos] - b'0');
            }
            pos += 1;
        }
        let count = pos - start;
        if count == 0 {
            return None;
        }
        for _ in count..9 {
            nanos *= 10;
        }
    }
    // ZONE
    let offset = zone(&b[pos..])?;
    if !(1..=12).contains(&month) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let datetime = DateTime::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        nanos,
    )
    .ok()?;
    offset.to_timestamp(datetime).ok()
}

/// Parses the text of a JSON number as epoch milliseconds: only a JSON integer ≥ 0 (no
/// sign, fraction or exponent) that fits jiff's range is accepted.
pub(crate) fn parse_epoch_millis(json_number: &str) -> Option<Timestamp> {
    if json_number.is_empty() || !json_number.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let millis: i64 = json_number.parse().ok()?;
    Timestamp::from_millisecond(millis).ok()
}

/// Formats an instant as ssokit writes it: RFC 3339 UTC, whole seconds (truncated), `Z`.
///
/// ```
/// use ssokit_token_cache::{format_time, parse_time};
///
/// let t = parse_time("2026-03-01T14:00:00.999Z").unwrap();
/// assert_eq!(format_time(t), "2026-03-01T14:00:00Z");
/// ```
///
/// The grammar has four-digit years and jiff's range reaches back to year -9999, so an
/// instant before `0000-01-01T00:00:00Z` is written as that instant: what ssokit writes
/// always reads back (as a time long expired, as before).
///
/// ```
/// use ssokit_token_cache::{format_time, parse_time};
///
/// let before_year_zero = parse_time("0000-01-01T00:00:00+00:01").unwrap();
/// assert_eq!(format_time(before_year_zero), "0000-01-01T00:00:00Z");
/// ```
pub fn format_time(instant: Timestamp) -> String {
    let earliest = Timestamp::from_second(YEAR_ZERO).unwrap_or(Timestamp::MIN);
    instant
        .max(earliest)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `0000-01-01T00:00:00Z` in seconds since the Unix epoch: the earliest written time.
const YEAR_ZERO: i64 = -62_167_219_200;

/// `len` ASCII digits at `at`, as a number.
fn digits(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let field = b.get(at..at + len)?;
    field.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn expect(b: &[u8], at: usize, want: u8) -> Option<()> {
    (b.get(at) == Some(&want)).then_some(())
}

/// The zone suffix: empty, `Z`, `z`, `UTC`, ` UTC` or `±HH:MM`.
fn zone(rest: &[u8]) -> Option<Offset> {
    match rest {
        b"" | b"Z" | b"z" | b"UTC" | b" UTC" => Some(Offset::UTC),
        [sign @ (b'+' | b'-'), ..] if rest.len() == 6 => {
            let hours = digits(rest, 1, 2)?;
            expect(rest, 3, b':')?;
            let minutes = digits(rest, 4, 2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
            let seconds = if *sign == b'-' { -seconds } else { seconds };
            Offset::from_seconds(seconds).ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn year_zero_is_the_earliest_written_time() {
        assert_eq!(
            Timestamp::from_second(YEAR_ZERO).ok(),
            parse_time("0000-01-01T00:00:00Z")
        );
        assert_eq!(format_time(Timestamp::MIN), "0000-01-01T00:00:00Z");
        assert_eq!(format_time(Timestamp::MAX), "9999-12-30T22:00:00Z");
    }

    #[test]
    fn accepts_every_spec_example() {
        let two_pm = at("2026-03-01T14:00:00Z");
        for text in [
            "2026-03-01T14:00:00Z",
            "2026-03-01t14:00:00z",
            "2026-03-01T23:00:00+09:00",
            "2026-03-01T14:00:00UTC",
            "2026-03-01T14:00:00 UTC",
            "2026-03-01 14:00:00",
            "2026-03-01T14:00:00",
        ] {
            assert_eq!(parse_time(text), Some(two_pm), "{text}");
        }
        assert_eq!(
            parse_time("2026-03-01T14:00:00.123456Z"),
            Some(at("2026-03-01T14:00:00.123456Z"))
        );
        assert_eq!(parse_epoch_millis("1772373600000"), Some(two_pm));
    }

    #[test]
    fn rejects_every_spec_example() {
        for text in [
            "1772373600000",
            "2026-03-01",
            "Sun, 01 Mar 2026 14:00:00 GMT",
            " 2026-03-01T14:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01T14:00Z",
            "2026-03-01T14:00:00+0900",
            "not a date",
        ] {
            assert_eq!(parse_time(text), None, "{text}");
        }
        for number in ["1.5", "-1", "1e3", "-0", ""] {
            assert_eq!(parse_epoch_millis(number), None, "{number}");
        }
    }

    #[test]
    fn fractions_beyond_nine_digits_are_truncated() {
        assert_eq!(
            parse_time("2026-03-01T14:00:00.1234567899Z"),
            Some(at("2026-03-01T14:00:00.123456789Z"))
        );
        assert_eq!(parse_time("2026-03-01T14:00:00.Z"), None);
    }

    #[test]
    fn fields_must_be_in_range() {
        assert_eq!(parse_time("2026-02-29T00:00:00Z"), None);
        assert!(parse_time("2028-02-29T00:00:00Z").is_some());
        assert_eq!(parse_time("2026-04-31T00:00:00Z"), None);
        assert_eq!(parse_time("2026-00-01T00:00:00Z"), None);
        assert_eq!(parse_time("2026-03-00T00:00:00Z"), None);
        assert_eq!(parse_time("2026-03-01T14:60:00Z"), None);
        assert_eq!(parse_time("2026-03-01T14:00:60Z"), None);
        assert_eq!(parse_time("2026-03-01T14:00:00+24:00"), None);
        assert_eq!(parse_time("2026-03-01T14:00:00+09:60"), None);
        assert_eq!(parse_time("2026-03-01T14:00:00utc"), None);
        assert_eq!(parse_time("2026-03-01T14:00:00  UTC"), None);
        assert_eq!(parse_time("2026-03-01T14:00:00Z "), None);
        assert_eq!(parse_time("+026-03-01T14:00:00Z"), None);
    }

    #[test]
    fn negative_offsets_move_later() {
        assert_eq!(
            parse_time("2026-03-01T09:30:00-04:30"),
            Some(at("2026-03-01T14:00:00Z"))
        );
    }

    #[test]
    fn non_ascii_input_is_rejected_without_panicking() {
        assert_eq!(parse_time("２０２６-03-01T14:00:00Z"), None);
        assert_eq!(parse_time("2026-03-01T14:00:00é"), None);
        assert_eq!(parse_time(""), None);
    }

    #[test]
    fn epoch_millis_out_of_range_is_rejected() {
        assert_eq!(parse_epoch_millis("99999999999999999999999"), None);
        assert_eq!(parse_epoch_millis("9223372036854775807"), None);
        assert_eq!(parse_epoch_millis("0"), Some(Timestamp::UNIX_EPOCH));
    }

    #[test]
    fn format_truncates_to_whole_seconds() {
        assert_eq!(
            format_time(at("2026-03-01T14:00:00.999999Z")),
            "2026-03-01T14:00:00Z"
        );
        assert_eq!(
            format_time(at("2026-03-01T23:00:00+09:00")),
            "2026-03-01T14:00:00Z"
        );
    }
}
