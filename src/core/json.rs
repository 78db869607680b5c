//! A small strict JSON reader (RFC 8259) for the few response bodies the producer reads: PutRecords
//! responses, AWS JSON error bodies and Cognito Identity answers.
//!
//! It replaces serde_json in the shipped `.wasm` to keep it small. It accepts exactly the JSON grammar
//! (no comments, no trailing commas, no leading zeros, no raw control characters in strings, no lone
//! surrogate escapes) and nests at most [`MAX_DEPTH`] arrays and objects. Numbers are kept as their
//! source text, validated by the grammar, so nothing converts floats. Strings borrow from the input
//! unless they hold escapes.

use std::borrow::Cow;
use std::fmt;

use super::text::PushText;

/// How deep arrays and objects may nest (serde_json's default limit too).
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON value, borrowing from the text it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonValue<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its source text (grammar-checked).
    Number(&'a str),
    /// A string, unescaped.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<JsonValue<'a>>),
    /// An object's members in source order; duplicate keys are kept (lookups take the last one).
    Object(Vec<(Cow<'a, str>, JsonValue<'a>)>),
}

/// Why a text is not JSON: what was wrong and the byte offset where the reader noticed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// What was expected or found.
    pub reason: &'static str,
    /// Byte offset into the input.
    pub offset: usize,
}

impl PushText for JsonError {
    #[inline(never)]
    fn push_to(&self, out: &mut String) {
        out.push_str(self.reason);
        out.push_str(" at byte ");
        self.offset.push_to(out);
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason)?;
        f.write_str(" at byte ")?;
        fmt::Display::fmt(&self.offset, f)
    }
}

impl<'a> JsonValue<'a> {
    /// The member `key` of an object (the last one when the key repeats); `None` for a missing key or
    /// a value that is not an object.
    pub fn get(&self, key: &str) -> Option<&JsonValue<'a>> {
        let JsonValue::Object(members) = self else {
            return None;
        };
        let mut at = members.len();
        while at > 0 {
            at -= 1;
            let (name, value) = &members[at];
            if name == key {
                return Some(value);
            }
        }
        None
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::String(text) => Some(text),
            _ => None,
        }
    }

    /// The elements of an array value.
    pub fn as_array(&self) -> Option<&[JsonValue<'a>]> {
        match self {
            JsonValue::Array(items) => Some(items),
            _ => None,
        }
    }

    /// A number written as a non-negative integer (no sign, fraction or exponent) that fits a `u64`,
    /// as serde_json reads an integer into a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        let JsonValue::Number(text) = self else {
            return None;
        };
        let mut total = 0u64;
        for &byte in text.as_bytes() {
            if !byte.is_ascii_digit() {
                return None;
            }
            total = total.checked_mul(10)?.checked_add(u64::from(byte - b'0'))?;
        }
        Some(total)
    }
}

/// Parses `text` as one JSON value with optional surrounding whitespace.
pub fn parse(text: &str) -> Result<JsonValue<'_>, JsonError> {
    let mut reader = Reader {
        text,
        at: 0,
        reason: "",
    };
    if let Some(value) = reader.value(0) {
        reader.skip_whitespace();
        if reader.at == text.len() {
            return Ok(value);
        }
        reader.reason = "trailing characters";
    }
    Err(JsonError {
        reason: reader.reason,
        offset: reader.at,
    })
}

/// Parses `bytes` as UTF-8 JSON text (see [`parse`]).
pub fn parse_bytes(bytes: &[u8]) -> Result<JsonValue<'_>, JsonError> {
    let text = std::str::from_utf8(bytes).map_err(|e| JsonError {
        reason: "invalid UTF-8",
        offset: e.valid_up_to(),
    })?;
    parse(text)
}

/// Parsing state. Readers answer `None` after setting `reason`; `at` is then where they noticed.
struct Reader<'a> {
    text: &'a str,
    at: usize,
    reason: &'static str,
}

impl<'a> Reader<'a> {
    /// Records why the text is not JSON, for the reader to answer `None`.
    fn failed<T>(&mut self, reason: &'static str) -> Option<T> {
        self.reason = reason;
        None
    }

    /// The text from `from` to `to`, both on ASCII bytes the reader has seen (so always char
    /// boundaries); `get` keeps the panicking slice path out of the build.
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or_default()
    }

    /// The bytes not read yet.
    fn rest(&self) -> &'a [u8] {
        self.text.as_bytes().get(self.at..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Consumes `byte` after optional whitespace.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn value(&mut self, depth: usize) -> Option<JsonValue<'a>> {
        self.skip_whitespace();
        let Some(first) = self.peek() else {
            return self.failed("unexpected end of input");
        };
        match first {
            b'{' | b'[' => {
                if depth == MAX_DEPTH {
                    return self.failed("nesting too deep");
                }
                self.at += 1;
                if first == b'{' {
                    self.object(depth + 1)
                } else {
                    self.array(depth + 1)
                }
            }
            b'"' => Some(JsonValue::String(self.string()?)),
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                let (word, value): (&[u8], _) = match first {
                    b'n' => (b"null", JsonValue::Null),
                    b't' => (b"true", JsonValue::Bool(true)),
                    b'f' => (b"false", JsonValue::Bool(false)),
                    _ => return self.failed("expected a value"),
                };
                if !self.rest().starts_with(word) {
                    return self.failed("expected a value");
                }
                self.at += word.len();
                Some(value)
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<JsonValue<'a>> {
        let mut items = Vec::new();
        if self.eat(b']') {
            return Some(JsonValue::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            if self.eat(b']') {
                return Some(JsonValue::Array(items));
            }
            if !self.eat(b',') {
                return self.failed("expected ',' or ']'");
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<JsonValue<'a>> {
        let mut members = Vec::new();
        if self.eat(b'}') {
            return Some(JsonValue::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return self.failed("expected a string key");
            }
            let key = self.string()?;
            if !self.eat(b':') {
                return self.failed("expected ':'");
            }
            members.push((key, self.value(depth)?));
            if self.eat(b'}') {
                return Some(JsonValue::Object(members));
            }
            if !self.eat(b',') {
                return self.failed("expected ',' or '}'");
            }
        }
    }

    /// Consumes ASCII digits and returns how many there were.
    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Option<JsonValue<'a>> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let integer_start = self.at;
        let integer_digits = self.digits();
        if integer_digits == 0 {
            return self.failed("expected a digit");
        }
        if integer_digits > 1 && self.text.as_bytes().get(integer_start) == Some(&b'0') {
            self.at = integer_start;
            return self.failed("leading zero in a number");
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return self.failed("expected a digit after '.'");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return self.failed("expected a digit in the exponent");
            }
        }
        Some(JsonValue::Number(self.slice(start, self.at)))
    }

    /// Reads a string starting at its opening quote.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.at += 1;
        let bytes = self.text.as_bytes();
        let mut owned: Option<String> = None;
        let mut clean_from = self.at;
        loop {
            // Not `peek`: the size-optimised build keeps that a call, and this loop reads every byte.
            let Some(&byte) = bytes.get(self.at) else {
                return self.failed("unterminated string");
            };
            match byte {
                b'"' => {
                    let tail = self.slice(clean_from, self.at);
                    self.at += 1;
                    return Some(match owned {
                        Some(mut text) => {
                            text.push_str(tail);
                            Cow::Owned(text)
                        }
                        None => Cow::Borrowed(tail),
                    });
                }
                b'\\' => {
                    let text = owned.get_or_insert_with(String::new);
                    text.push_str(self.slice(clean_from, self.at));
                    // The escape letters, `u` last, and what each stands for.
                    const LETTERS: &[u8; 9] = b"\"\\/bfnrtu";
                    const MEANINGS: &[u8; 8] = b"\"\\/\x08\x0c\n\r\t";
                    let letter = bytes
                        .get(self.at + 1)
                        .and_then(|byte| LETTERS.iter().position(|letter| letter == byte));
                    let Some(letter) = letter else {
                        return self.failed("invalid escape");
                    };
                    self.at += 2;
                    text.push(match MEANINGS.get(letter) {
                        Some(&meaning) => char::from(meaning),
                        None => self.unicode_escape()?,
                    });
                    clean_from = self.at;
                }
                0x00..=0x1f => return self.failed("control character in a string"),
                _ => self.at += 1,
            }
        }
    }

    /// Reads the four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Option<u32> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|byte| char::from(byte).to_digit(16))
                .or_else(|| self.failed("expected four hex digits"))?;
            code = code * 16 + digit;
            self.at += 1;
        }
        Some(code)
    }

    /// Decodes a `\u` escape whose hex digits start at `at`, with the low surrogate escape that must
    /// follow a high one.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        let code = match first {
            0xd800..=0xdbff => {
                if !self.rest().starts_with(b"\\u") {
                    return self.failed("lone leading surrogate");
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xdc00..=0xdfff).contains(&second) {
                    return self.failed("lone leading surrogate");
                }
                0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
            }
            0xdc00..=0xdfff => return self.failed("lone trailing surrogate"),
            _ => first,
        };
        char::from_u32(code).or_else(|| self.failed("invalid escape"))
    }
}
