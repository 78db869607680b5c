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
