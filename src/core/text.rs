//! String scanning by bytes, for the few splits and counts the core needs: one small loop each
//! instead of core's generic pattern searchers and its unrolled character counter in the module.

/// The Unicode scalar values in `text`, what `text.chars().count()` returns.
pub fn char_count(text: &str) -> usize {
    // Every character has exactly one byte that is not a UTF-8 continuation byte (0b10xx_xxxx).
    text.bytes().filter(|&byte| (byte as i8) >= -0x40).count()
}

/// `text` before and after the first `separator` byte, like `text.split_once(separator as char)`;
/// `separator` must be ASCII (never part of a multi-byte character).
pub fn split_once_ascii(text: &str, separator: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|byte| byte == separator)?;
    let (before, after) = text.split_at_checked(at)?;
    Some((before, after.get(1..)?))
}

/// `text` without leading and trailing whitespace, what `text.trim()` returns (Unicode
/// `White_Space`), found with one forward and one backward walk over its characters.
pub fn trim(text: &str) -> &str {
    let start = text
        .char_indices()
        .find(|&(_, c)| !c.is_whitespace())
        .map_or(text.len(), |(at, _)| at);
    let rest = text.get(start..).unwrap_or_default();
    let end = rest
        .char_indices()
        .rev()
        .find(|&(_, c)| !c.is_whitespace())
        .map_or(0, |(at, c)| at + c.len_utf8());
    rest.get(..end).unwrap_or_default()
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
