//! Date formats on the wire, converted to and from milliseconds since the Unix epoch.
//!
//! No date crate: calendar arithmetic uses the proleptic Gregorian civil-from-days algorithm, exact
//! for every date this crate can meet (1970 onwards; `u64` milliseconds cannot hold earlier ones).
//!
//! - HTTP `Date` headers in IMF-fixdate form (`Thu, 26 Nov 2026 13:44:37 GMT`, RFC 9110 §5.6.7). The
//!   obsolete RFC 850 and asctime forms are not accepted: AWS endpoints and the local stand-ins send
//!   IMF-fixdate only.
//! - SigV4 `X-Amz-Date` (`20261126T134437Z`) and its date stamp (`20261126`).
//! - ISO-8601 / RFC 3339 timestamps (`2026-11-26T13:44:37.123Z`), as STS and JS `Date.toISOString`
//!   write credential expirations.

use crate::core::decimal::push_padded;
use crate::core::error::{char_prefix, quoted, Error, ErrorCode, Result};
use crate::core::text::trim;

const MS_PER_SECOND: u64 = 1_000;
const SECONDS_PER_DAY: u64 = 86_400;
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A UTC calendar date and time of day, to the millisecond.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtcDateTime {
    /// Year, 1970 or later.
    pub year: u32,
    /// Month, 1..=12.
    pub month: u32,
    /// Day of the month, 1..=31.
    pub day: u32,
    /// Hour, 0..=23.
    pub hour: u32,
    /// Minute, 0..=59.
    pub minute: u32,
    /// Second, 0..=59.
    pub second: u32,
    /// Millisecond, 0..=999.
    pub millisecond: u32,
}

impl UtcDateTime {
    /// The calendar date and time of `ms` milliseconds after the Unix epoch.
    pub fn from_epoch_ms(ms: u64) -> Self {
        let seconds = ms / MS_PER_SECOND;
        let days = seconds / SECONDS_PER_DAY;
        let second_of_day = (seconds % SECONDS_PER_DAY) as u32;
        let (year, month, day) = civil_from_days(days as i64);
        UtcDateTime {
            year: year as u32,
            month,
            day,
            hour: second_of_day / 3_600,
            minute: second_of_day / 60 % 60,
            second: second_of_day % 60,
            millisecond: (ms % MS_PER_SECOND) as u32,
        }
    }

    /// Milliseconds since the Unix epoch; `None` when a field is out of range (including a day
    /// beyond the month's length) or the year is before 1970.
    pub fn to_epoch_ms(&self) -> Option<u64> {
        if self.year < 1970
            || !(1..=12).contains(&self.month)
            || self.day < 1
            || self.day > days_in_month(self.year, self.month)
            || self.hour > 23
            || self.minute > 59
            || self.second > 59
            || self.millisecond > 999
        {
            return None;
        }
        let days = days_from_civil(i64::from(self.year), self.month, self.day) as u64;
        let seconds = days * SECONDS_PER_DAY
            + u64::from(self.hour) * 3_600
            + u64::from(self.minute) * 60
            + u64::from(self.second);
        Some(seconds * MS_PER_SECOND + u64::from(self.millisecond))
    }
}

/// Whether `year` has a 29 February in the Gregorian calendar.
pub fn is_leap_year(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month, day) of the day `days` after 1970-01-01 (H. Hinnant's civil_from_days).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to the given civil date (inverse of [`civil_from_days`]).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = i64::from((month + 9) % 12);
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `ms` as written by `layout`: each digit `n` stands for the next of year, month, day, hour,
/// minute, second and millisecond, zero-padded to `n` digits; any other byte for itself.
fn format_utc(ms: u64, layout: &[u8]) -> String {
    let t = UtcDateTime::from_epoch_ms(ms);
    let fields = [
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        t.millisecond,
    ];
    let mut out = String::with_capacity(24);
    let mut field = 0;
    for &byte in layout {
        if byte.is_ascii_digit() {
            push_padded(
                &mut out,
                u64::from(fields.get(field).copied().unwrap_or_default()),
                usize::from(byte - b'0'),
            );
            field += 1;
        } else {
            out.push(char::from(byte));
        }
    }
    out
}

/// `X-Amz-Date` for SigV4: `YYYYMMDDTHHMMSSZ`, sub-second part dropped.
pub fn format_amz_date(ms: u64) -> String {
    format_utc(ms, b"422T222Z")
}

/// The SigV4 credential-scope date stamp: `YYYYMMDD`.
pub fn format_date_stamp(ms: u64) -> String {
    format_utc(ms, b"422")
}

/// ISO-8601 / RFC 3339 in UTC with milliseconds, as JS `Date.prototype.toISOString` writes it:
/// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_iso8601(ms: u64) -> String {
    format_utc(ms, b"4-2-2T2:2:2.3Z")
}

/// An HTTP IMF-fixdate (`Thu, 26 Nov 2026 13:44:37 GMT`) for `ms`, sub-second part dropped.
pub fn format_http_date(ms: u64) -> String {
    let t = UtcDateTime::from_epoch_ms(ms);
    // 1970-01-01 was a Thursday, index 3 in DAY_NAMES.
    let weekday = ((ms / MS_PER_SECOND / SECONDS_PER_DAY + 3) % 7) as usize;
    let mut out = String::with_capacity(29);
    out.push_str(DAY_NAMES[weekday]);
    out.push_str(", ");
    push_padded(&mut out, u64::from(t.day), 2);
    out.push(' ');
    out.push_str(MONTH_NAMES[t.month as usize - 1]);
    out.push(' ');
    push_padded(&mut out, u64::from(t.year), 4);
    for (separator, value) in [(' ', t.hour), (':', t.minute), (':', t.second)] {
        out.push(separator);
        push_padded(&mut out, u64::from(value), 2);
    }
    out.push_str(" GMT");
    out
}

fn date_error(field: &str, value: &str, expected: &str) -> Error {
    let shown = char_prefix(value, 64);
    let mut message = String::with_capacity(field.len() + shown.len() + expected.len() + 12);
    message.push_str(field);
    message.push(' ');
    message.push_str(&quoted(shown));
    message.push_str(" is not ");
    message.push_str(expected);
    Error::new(ErrorCode::ProtocolError, message)
}

fn digits(text: &[u8]) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    text.iter().try_fold(0u32, |total, &byte| {
        let digit = byte.wrapping_sub(b'0');
        (digit < 10).then_some(())?;
        total.checked_mul(10)?.checked_add(u32::from(digit))
    })
}

/// The shape of an IMF-fixdate: `#` stands for a digit, `a` for a letter of the day or month name,
/// any other byte for itself.
const IMF_FIXDATE_SHAPE: &[u8; 29] = b"aaa, ## aaa #### ##:##:## GMT";

/// Milliseconds since the epoch of an HTTP `Date` header in IMF-fixdate form. Leading and trailing
/// whitespace is ignored; the weekday name must be a valid one but is not cross-checked. A leap second
/// (`:60`) counts as the last second of its minute.
pub fn parse_http_date(value: &str) -> Result<u64> {
    let fail = || {
        date_error(
            "Date header",
            value,
            "an IMF-fixdate like \"Thu, 26 Nov 2026 13:44:37 GMT\"",
        )
    };
    let bytes = trim(value).as_bytes();
    // Day, year, hour, minute, second: the digit runs of the shape, in order.
    let mut fields = [0u32; 5];
    let mut field = 0;
    let mut shape_ok = bytes.len() == IMF_FIXDATE_SHAPE.len();
    for (at, &expected) in IMF_FIXDATE_SHAPE.iter().enumerate() {
        let byte = bytes.get(at).copied().unwrap_or_default();
        match expected {
            b'#' => {
                shape_ok &= byte.is_ascii_digit();
                fields[field] = fields[field] * 10 + u32::from(byte.wrapping_sub(b'0'));
                if IMF_FIXDATE_SHAPE.get(at + 1) != Some(&b'#') {
                    field += 1;
                }
            }
            b'a' => {}
            _ => shape_ok &= byte == expected,
        }
    }
    let name_at = |names: &[&str], from: usize| {
        let mut index = 0;
        while index < names.len() {
            if bytes.get(from..from + 3) == Some(names[index].as_bytes()) {
                return Some(index);
            }
            index += 1;
        }
        None
    };
    let (Some(_), Some(month), true, [day, year, hour, minute, second]) = (
        name_at(&DAY_NAMES, 0),
        name_at(&MONTH_NAMES, 8),
        shape_ok && field == fields.len(),
        fields,
    ) else {
        return Err(fail());
    };
    UtcDateTime {
        year,
        month: month as u32 + 1,
        day,
        hour,
        minute,
        second: if second == 60 { 59 } else { second },
        millisecond: 0,
    }
    .to_epoch_ms()
    .ok_or_else(fail)
}

/// Milliseconds since the epoch of an RFC 3339 timestamp: `YYYY-MM-DDTHH:MM:SS`, optional fraction
/// (truncated to milliseconds), then `Z` or a `±HH:MM` offset. `t`/`z` and a space for `T` are accepted.
pub fn parse_iso8601(value: &str) -> Result<u64> {
    let expected = "an ISO-8601 timestamp like \"2026-11-26T13:44:37Z\"";
    let fail = || date_error("timestamp", value, expected);
    let text = trim(value);
    if !text.is_ascii() || text.len() < 20 {
        return Err(fail());
    }
    let bytes = text.as_bytes();
    if bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return Err(fail());
    }
    let field = |range: std::ops::Range<usize>| digits(&bytes[range]).ok_or_else(fail);
    let mut rest = &bytes[19..];
    let mut millisecond = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let len = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 {
            return Err(fail());
        }
        let first3 = &fraction[..len.min(3)];
        millisecond = digits(first3).ok_or_else(fail)? * 10u32.pow(3 - first3.len() as u32);
        rest = &fraction[len..];
    }
    let offset_minutes: i64 = match rest {
        b"Z" | b"z" => 0,
        _ if rest.len() == 6 && rest[3] == b':' => {
            let sign = match rest[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return Err(fail()),
            };
            let hours = digits(&rest[1..3]).ok_or_else(fail)?;
            let minutes = digits(&rest[4..6]).ok_or_else(fail)?;
            if hours > 23 || minutes > 59 {
                return Err(fail());
            }
            sign * i64::from(hours * 60 + minutes)
        }
        _ => return Err(fail()),
    };
    let second = field(17..19)?;
    let local_ms = UtcDateTime {
        year: field(0..4)?,
        month: field(5..7)?,
        day: field(8..10)?,
        hour: field(11..13)?,
        minute: field(14..16)?,
        second: if second == 60 { 59 } else { second },
        millisecond,
    }
    .to_epoch_ms()
    .ok_or_else(fail)?;
    let utc_ms = local_ms as i64 - offset_minutes * 60_000;
    u64::try_from(utc_ms).map_err(|_| fail())
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-26T13:44:37Z, checked with `date -u -d @1795700677`.
    const NOV_26_2026: u64 = 1_795_700_677_000;

    #[test]
    fn epoch_is_1970_01_01_thursday() {
        assert_eq!(format_iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(format_amz_date(0), "19700101T000000Z");
    }

    #[test]
    fn known_dates_format_and_parse_back() {
        let cases: [(u64, &str, &str, &str); 6] = [
            (
                NOV_26_2026,
                "Thu, 26 Nov 2026 13:44:37 GMT",
                "20261126T134437Z",
                "2026-11-26T13:44:37.000Z",
            ),
            // Leap day in a year divisible by 4.
            (
                1_709_208_000_000,
                "Thu, 29 Feb 2024 12:00:00 GMT",
                "20240229T120000Z",
                "2024-02-29T12:00:00.000Z",
            ),
            // Leap day in a year divisible by 400.
            (
                951_782_400_000,
                "Tue, 29 Feb 2000 00:00:00 GMT",
                "20000229T000000Z",
                "2000-02-29T00:00:00.000Z",
            ),
            // The day after 28 Feb in a year divisible by 100 but not 400.
            (
                4_107_542_400_000,
                "Mon, 01 Mar 2100 00:00:00 GMT",
                "21000301T000000Z",
                "2100-03-01T00:00:00.000Z",
            ),
            // Last second of a leap year.
            (
                1_735_689_599_000,
                "Tue, 31 Dec 2024 23:59:59 GMT",
                "20241231T235959Z",
                "2024-12-31T23:59:59.000Z",
            ),
            // AWS SigV4 documentation example time.
            (
                1_440_938_160_000,
                "Sun, 30 Aug 2015 12:36:00 GMT",
                "20150830T123600Z",
                "2015-08-30T12:36:00.000Z",
            ),
        ];
        for (ms, http, amz, iso) in cases {
            assert_eq!(format_http_date(ms), http, "{ms}");
            assert_eq!(format_amz_date(ms), amz, "{ms}");
            assert_eq!(format_iso8601(ms), iso, "{ms}");
            assert_eq!(parse_http_date(http).unwrap(), ms, "{http}");
            assert_eq!(parse_iso8601(iso).unwrap(), ms, "{iso}");
        }
    }

    #[test]
    fn sub_seconds_are_dropped_from_amz_date_and_kept_in_iso() {
        assert_eq!(format_amz_date(NOV_26_2026 + 999), "20261126T134437Z");
        assert_eq!(format_date_stamp(NOV_26_2026 + 999), "20261126");
        assert_eq!(format_iso8601(NOV_26_2026 + 7), "2026-11-26T13:44:37.007Z");
    }

    #[test]
    fn every_day_for_six_centuries_round_trips() {
        let mut expected_day = (1970u32, 1u32, 1u32);
        for days in 0..(600 * 366) {
            let ms = days * SECONDS_PER_DAY * MS_PER_SECOND;
            let t = UtcDateTime::from_epoch_ms(ms);
            assert_eq!((t.year, t.month, t.day), expected_day);
            assert_eq!(t.to_epoch_ms(), Some(ms));
            let (y, m, d) = expected_day;
            expected_day = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(2100));
        assert!(!is_leap_year(2026));
        assert!(parse_http_date("Fri, 29 Feb 2025 00:00:00 GMT").is_err());
        assert!(parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT").is_ok());
    }

    #[test]
    fn malformed_http_dates_are_rejected_with_protocol_error() {
        for bad in [
            "",
            "Thu, 26 Nov 2026 13:44:37 UTC",
            "Thu, 26 Nov 2026 13:44:37",
            "Thursday, 26-Nov-26 13:44:37 GMT",
            "Thu Nov 26 13:44:37 2026",
            "Xyz, 26 Nov 2026 13:44:37 GMT",
            "Thu, 26 Foo 2026 13:44:37 GMT",
            "Thu, 31 Nov 2026 13:44:37 GMT",
            "Thu, 26 Nov 2026 24:00:00 GMT",
            "Thu, 26 Nov 1969 13:44:37 GMT",
            "Thu, +6 Nov 2026 13:44:37 GMT",
        ] {
            let error = parse_http_date(bad).unwrap_err();
            assert_eq!(error.code(), ErrorCode::ProtocolError, "{bad}");
            assert!(error.message().contains("Date header"), "{bad}");
        }
    }

    #[test]
    fn http_date_with_any_byte_out_of_shape_is_rejected() {
        let good = "Thu, 26 Nov 2026 13:44:37 GMT";
        for at in 0..good.len() {
            for replacement in ["#", "a", "é", "/", ":", " "] {
                let mut bad = good.to_owned();
                bad.replace_range(at..at + 1, replacement);
                if good.as_bytes()[at] == replacement.as_bytes()[0] || bad.trim() != bad {
                    continue;
                }
                assert!(parse_http_date(&bad).is_err(), "{bad}");
            }
        }
    }

    #[test]
    fn http_date_accepts_surrounding_whitespace_and_leap_second() {
        assert_eq!(
            parse_http_date("  Thu, 26 Nov 2026 13:44:37 GMT\r\n").unwrap(),
            NOV_26_2026
        );
        assert_eq!(
            parse_http_date("Thu, 26 Nov 2026 13:44:60 GMT").unwrap(),
            NOV_26_2026 + 22_000
        );
    }

    #[test]
    fn iso8601_offsets_and_fractions() {
        assert_eq!(parse_iso8601("2026-11-26T13:44:37Z").unwrap(), NOV_26_2026);
        assert_eq!(
            parse_iso8601("2026-11-26T14:44:37+01:00").unwrap(),
            NOV_26_2026
        );
        assert_eq!(
            parse_iso8601("2026-11-26T08:14:37-05:30").unwrap(),
            NOV_26_2026
        );
        assert_eq!(
            parse_iso8601("2026-11-26T13:44:37.5Z").unwrap(),
            NOV_26_2026 + 500
        );
        assert_eq!(
            parse_iso8601("2026-11-26T13:44:37.123456789Z").unwrap(),
            NOV_26_2026 + 123
        );
        assert_eq!(parse_iso8601("2026-11-26 13:44:37z").unwrap(), NOV_26_2026);
        for bad in [
            "2026-11-26",
            "2026-11-26T13:44:37",
            "2026-11-26T13:44:37.Z",
            "2026-13-26T13:44:37Z",
            "2026-11-26T13:44:37+0100",
            "1970-01-01T00:30:00+01:00",
        ] {
            assert!(parse_iso8601(bad).is_err(), "{bad}");
        }
    }
}
