//! Text without `core::fmt`: string scanning by bytes, for the few splits and counts the core needs
//! (one small loop each instead of core's generic pattern searchers and its unrolled character
//! counter), and [`text!`], which joins message pieces the way `format!` would, so the
//! `.wasm` carries no formatting machinery.

use std::borrow::Cow;

use super::decimal::push_padded;

/// A piece of text [`text!`] can append: what `{}` of the value writes, without `core::fmt`.
pub trait PushText {
    /// Appends the text of `self` to `out`.
    fn push_to(&self, out: &mut String);
}

impl PushText for str {
    #[inline(never)]
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl PushText for String {
    fn push_to(&self, out: &mut String) {
        self.as_str().push_to(out);
    }
}

impl PushText for Cow<'_, str> {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

impl PushText for char {
    #[inline(never)]
    fn push_to(&self, out: &mut String) {
        out.push(*self);
    }
}

impl<T: PushText + ?Sized> PushText for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

macro_rules! push_unsigned {
    ($($unsigned:ty),*) => {$(
        impl PushText for $unsigned {
            fn push_to(&self, out: &mut String) {
                (*self as u64).push_to(out);
            }
        }
    )*};
}

push_unsigned!(u8, u16, u32, usize);

impl PushText for u64 {
    #[inline(never)]
    fn push_to(&self, out: &mut String) {
        push_padded(out, *self, 1);
    }
}

macro_rules! push_signed {
    ($($signed:ty),*) => {$(
        impl PushText for $signed {
            fn push_to(&self, out: &mut String) {
                if *self < 0 {
                    out.push('-');
                }
                (self.unsigned_abs() as u64).push_to(out);
            }
        }
    )*};
}

push_signed!(i32, i64);

impl PushText for u128 {
    fn push_to(&self, out: &mut String) {
        const TEN_POW_19: u128 = 10_000_000_000_000_000_000;
        match u64::try_from(*self) {
            Ok(small) => push_padded(out, small, 1),
            Err(_) => {
                (*self / TEN_POW_19).push_to(out);
                push_padded(out, (*self % TEN_POW_19) as u64, 19);
            }
        }
    }
}

/// Zero-padded decimal text of an integer, what `{:0width$}` writes (a longer value is not cut).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Padded {
    /// The integer.
    pub value: u64,
    /// The least number of digits.
    pub width: usize,
}

impl PushText for Padded {
    #[inline(never)]
    fn push_to(&self, out: &mut String) {
        push_padded(out, self.value, self.width);
    }
}

/// A `String` as `format!` would write it, for templates whose only braces are `{}` placeholders:
/// `text!("a {} b", n)` equals `format!("a {n} b")`. The values become one array of [`PushText`]
/// references for one call of [`join`]; the template stays one static string.
macro_rules! text {
    ($template:literal $(, $value:expr)* $(,)?) => {
        $crate::core::text::join(
            $template,
            &[$(&$value as &dyn $crate::core::text::PushText),*],
        )
    };
}

pub(crate) use text;

/// `template` with each `{}` replaced by the next of `values` (a `{}` beyond the last value, or a
/// `{` without `}`, is kept as it is): the one body behind every [`text!`].
#[inline(never)]
pub fn join(template: &str, values: &[&dyn PushText]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut values = values.iter();
    let mut rest = template;
    while let Some((before, after)) = split_once_ascii(rest, b'{') {
        out.push_str(before);
        match after
            .strip_prefix('}')
            .and_then(|after| Some((after, values.next()?)))
        {
            Some((after, value)) => {
                value.push_to(&mut out);
                rest = after;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    debug_assert!(
        values.next().is_none(),
        "more values than {{}} in {template:?}"
    );
    out
}

/// The Unicode scalar values in `text`, what `text.chars().count()` returns.
pub fn char_count(text: &str) -> usize {
    // Every character has exactly one byte that is not a UTF-8 continuation byte (0b10xx_xxxx).
    let mut count = 0;
    for &byte in text.as_bytes() {
        count += usize::from((byte as i8) >= -0x40);
    }
    count
}

/// `text` before and after the first `separator` byte, like `text.split_once(separator as char)`;
/// `separator` must be ASCII (never part of a multi-byte character).
pub fn split_once_ascii(text: &str, separator: u8) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == separator {
            return Some((text.get(..at)?, text.get(at + 1..)?));
        }
        at += 1;
    }
    None
}

/// `text` without leading and trailing whitespace, what `text.trim()` returns (Unicode
/// `White_Space`), found with one forward walk over its characters.
pub fn trim(text: &str) -> &str {
    let mut start = None;
    let mut end = 0;
    for (at, c) in text.char_indices() {
        if !c.is_whitespace() {
            start.get_or_insert(at);
            end = at + c.len_utf8();
        }
    }
    text.get(start.unwrap_or(0)..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: [&str; 8] = [
        "",
        "a",
        "a:b",
        ":",
        "éé:ü::",
        "日本:語 x",
        "\u{1F600}:\u{10FFFF}:",
        "no separator here",
    ];

    #[test]
    fn text_writes_each_piece_as_format_does() {
        let owned = String::from("owned");
        let borrowed: Cow<str> = Cow::Borrowed("cow");
        let shown = "shown";
        assert_eq!(
            text!("str {} {}{}{}{}", owned, &owned, borrowed, 'é', shown),
            format!("str {owned} {owned}{borrowed}é{shown}")
        );
        assert_eq!(text!(""), "");
        assert_eq!(text!("only text"), "only text");
        assert_eq!(text!("{ {x} }{"), "{ {x} }{");
        assert_eq!(text!("{}{}", 1u8, 2u8), "12");
        assert_eq!(text!("a{}bc", 1u8), "a1bc");
        assert_eq!(
            text!("{}{}{}", 'x'),
            "x{}{}",
            "placeholders without a value stay"
        );
        assert_eq!(
            text!(
                "{} {} {} {} {} {}",
                0u8,
                u8::MAX,
                0u16,
                u16::MAX,
                u32::MAX,
                u64::MAX
            ),
            format!("0 {} 0 {} {} {}", u8::MAX, u16::MAX, u32::MAX, u64::MAX)
        );
        assert_eq!(
            text!("{}/{}", 0usize, usize::MAX),
            format!("0/{}", usize::MAX)
        );
        for value in [
            0,
            1,
            u128::from(u64::MAX),
            u128::from(u64::MAX) + 1,
            10u128.pow(19),
            10u128.pow(38),
            u128::MAX,
        ] {
            assert_eq!(text!("{}", value), value.to_string());
        }
        for value in [0i64, -1, 9, -10, i64::MIN, i64::MAX] {
            assert_eq!(text!("{}", value), value.to_string());
        }
        for value in [0i32, -7, i32::MIN, i32::MAX] {
            assert_eq!(text!("{}", value), value.to_string());
        }
    }

    #[test]
    fn padded_equals_zero_padded_format() {
        for (value, width) in [
            (0, 3),
            (7, 3),
            (42, 3),
            (999, 3),
            (1234, 3),
            (5, 12),
            (0, 1),
        ] {
            assert_eq!(
                text!("{}", Padded { value, width }),
                format!("{value:0width$}"),
                "{value} {width}"
            );
        }
        let widest = Padded {
            value: u64::MAX,
            width: 12,
        };
        assert_eq!(text!("{}", widest), u64::MAX.to_string());
    }

    #[test]
    fn char_count_equals_chars_count() {
        for text in SAMPLES {
            assert_eq!(char_count(text), text.chars().count(), "{text}");
        }
    }

    #[test]
    fn trim_equals_str_trim() {
        let spaced = [
            " \t\n\r x y \u{a0}",
            "\u{2028}\u{3000}é\u{85}",
            "\u{feff}x\u{feff}",
            " \u{2000} ",
            "\u{1F600}",
        ];
        for text in SAMPLES.iter().chain(&spaced) {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn split_once_ascii_equals_split_once() {
        for text in SAMPLES {
            for separator in [b':', b' ', b'x'] {
                assert_eq!(
                    split_once_ascii(text, separator),
                    text.split_once(char::from(separator)),
                    "{text}"
                );
            }
        }
    }
}
