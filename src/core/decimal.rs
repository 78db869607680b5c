//! Decimal text for 64-bit integers without core's `Display` for `u64`/`i64`: the `.wasm` keeps only
//! the 32-bit one, which the panic messages of core and std need anyway.

use std::fmt;

use super::text::PushText;

/// Appends `value` in decimal with leading zeros up to `width` digits (at most 20).
pub fn push_padded(out: &mut String, value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    let mut rest = value;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in &digits[start.min(digits.len() - width.min(digits.len()))..] {
        out.push(char::from(digit));
    }
}

/// A 64-bit integer that `format!` writes in decimal, exactly as `{}` of the integer would, through
/// [`push_padded`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    magnitude: u64,
}

impl Decimal {
    /// The decimal text, as `to_string()` of the integer gives it.
    pub fn to_text(self) -> String {
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        push_padded(&mut out, self.magnitude, 1);
        out
    }
}

impl From<u64> for Decimal {
    fn from(value: u64) -> Self {
        Self {
            negative: false,
            magnitude: value,
        }
    }
}

impl From<i64> for Decimal {
    fn from(value: i64) -> Self {
        Self {
            negative: value < 0,
            magnitude: value.unsigned_abs(),
        }
    }
}

impl PushText for Decimal {
    #[inline(never)]
    fn push_to(&self, out: &mut String) {
        if self.negative {
            out.push('-');
        }
        push_padded(out, self.magnitude, 1);
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_display_of_the_integer() {
        for value in [0u64, 7, 10, 99, 1_000_003, u64::MAX] {
            assert_eq!(Decimal::from(value).to_text(), value.to_string());
            assert_eq!(format!("<{}>", Decimal::from(value)), format!("<{value}>"));
        }
        for value in [0i64, -1, 42, -1_000_003, i64::MIN, i64::MAX] {
            assert_eq!(Decimal::from(value).to_text(), value.to_string());
        }
    }

    #[test]
    fn pads_to_width() {
        let mut out = String::new();
        push_padded(&mut out, 7, 3);
        push_padded(&mut out, 1234, 2);
        push_padded(&mut out, 5, 20);
        assert_eq!(out, "007123400000000000000000005");
    }
}
