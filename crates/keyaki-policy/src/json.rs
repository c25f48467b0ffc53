//! A JSON reader that remembers where every value came from.
//!
//! Why not `serde_json`? It answers "is this valid JSON, and what does it hold", but it forgets
//! *where* each value was written, and keyaki's error messages, warnings and FAIL reasons all
//! point into the policy file by line and column. This reader builds a small tree
//! ([`Json`]) in which every value and every object key carries its [`Span`]. It also enforces
//! what the policy grammar needs and `serde_json` would accept silently: an object may not repeat
//! a key (IAM rejects such documents), and documents have a size and nesting bound so that
//! hostile input is rejected in linear time without exhausting the stack.
//!
//! The grammar is RFC 8259 exactly: no comments, no trailing commas, no `NaN`; strings must be
//! valid Unicode (an unpaired surrogate escape is an error). Numbers are kept as their source
//! text, so that the policy layer can read them as exact decimals rather than lossy floats.

use crate::span::{Span, Spanned};

/// A JSON value with the spans of everything inside it.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written (for example `-1.50e3`).
    Number(String),
    /// A string, with its escapes resolved.
    String(String),
    /// An array of values.
    Array(Vec<Spanned<Json>>),
    /// An object: its members in source order; keys are unique.
    Object(Vec<Member>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, spanning its quotes.
    pub key: Spanned<String>,
    /// The value.
    pub value: Spanned<Json>,
}

impl Json {
    /// The name of this value's JSON type, as used in error messages (`a string`, `an array`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

/// Why a document could not be read as JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// What is wrong, lowercase, user text in backticks.
    pub message: String,
    /// Where it went wrong.
    pub span: Span,
    /// A hint on how to fix it, when there is one.
    pub help: Option<String>,
    /// Another place that explains the error (the first definition of a repeated key).
    pub related: Option<(Span, String)>,
}

/// Bounds that keep reading linear and the stack shallow.
#[derive(Debug, Clone, Copy)]
pub struct JsonLimits {
    /// Deepest nesting of arrays and objects accepted.
    pub max_depth: usize,
}

impl Default for JsonLimits {
    fn default() -> Self {
        // Real policies nest at most five levels (Condition → operator → key → list).
        JsonLimits { max_depth: 32 }
    }
}

/// Reads one JSON document (surrounded by optional whitespace) from `text`.
pub fn parse(text: &str, limits: JsonLimits) -> Result<Spanned<Json>, JsonError> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        limits,
    };
    reader.skip_whitespace();
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.at < reader.bytes.len() {
        return Err(reader.error_here("unexpected text after the end of the JSON document"));
    }
    Ok(value)
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    limits: JsonLimits,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// An error covering the character at the current position (or the end of input).
    fn error_here(&self, message: &str) -> JsonError {
        let width = self
            .text
            .get(self.at..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
        JsonError {
            message: message.to_string(),
            span: Span::new(self.at, self.at + width),
            help: None,
            related: None,
        }
    }

    fn found_description(&self) -> String {
        match self
            .text
            .get(self.at..)
            .and_then(|rest| rest.chars().next())
        {
            None => "the end of the document".to_string(),
            Some(c) if c.is_control() => format!("control character U+{:04X}", u32::from(c)),
            Some(c) => format!("`{c}`"),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Spanned<Json>, JsonError> {
        let start = self.at;
        let value = match self.peek() {
            Some(b'{') => self.object(depth + 1)?,
            Some(b'[') => self.array(depth + 1)?,
            Some(b'"') => Json::String(self.string()?),
            Some(b't') => self.keyword("true", Json::Bool(true))?,
            Some(b'f') => self.keyword("false", Json::Bool(false))?,
            Some(b'n') => self.keyword("null", Json::Null)?,
            Some(b'-' | b'0'..=b'9') => Json::Number(self.number()?),
            _ => {
                return Err(self.error_here(&format!(
                    "expected a JSON value, found {}",
                    self.found_description()
                )));
            }
        };
        Ok(Spanned::new(value, Span::new(start, self.at)))
    }

    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth > self.limits.max_depth {
            let mut error = self.error_here(&format!(
                "the document nests arrays and objects deeper than {} levels",
                self.limits.max_depth
            ));
            error.help = Some("IAM policies nest at most a few levels deep".to_string());
            return Err(error);
        }
        Ok(())
    }

    fn keyword(&mut self, word: &str, value: Json) -> Result<Json, JsonError> {
        if self.bytes.get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            let end = self
                .bytes
                .get(self.at..)
                .unwrap_or_default()
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(self.bytes.len(), |n| self.at + n);
            let token = self.text.get(self.at..end).unwrap_or("");
            Err(JsonError {
                message: format!("expected a JSON value, found `{token}`"),
                span: Span::new(self.at, end.max(self.at + 1)),
                help: Some("strings must be in double quotes".to_string()),
                related: None,
            })
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.enter(depth)?;
        self.at += 1; // `{`
        let mut members: Vec<Member> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                let mut error = self.error_here(&format!(
                    "expected an object key in double quotes, found {}",
                    self.found_description()
                ));
                if self.peek() == Some(b'}') {
                    error.help = Some("JSON does not allow a comma before `}`".to_string());
                }
                return Err(error);
            }
            let key_start = self.at;
            let key = Spanned::new(self.string()?, Span::new(key_start, self.at));
            if let Some(first) = members.iter().find(|m| m.key.value == key.value) {
                return Err(JsonError {
                    message: format!("duplicate key `{}`", key.value),
                    span: key.span,
                    help: Some("IAM rejects documents that repeat a key".to_string()),
                    related: Some((first.key.span, "first defined".to_string())),
                });
            }
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error_here(&format!(
                    "expected `:` after the object key, found {}",
                    self.found_description()
                )));
            }
            self.at += 1;
            self.skip_whitespace();
            let value = self.value(depth)?;
            members.push(Member { key, value });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(members));
                }
                _ => {
                    return Err(self.error_here(&format!(
                        "expected `,` or `}}` in the object, found {}",
                        self.found_description()
                    )));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.enter(depth)?;
        self.at += 1; // `[`
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.skip_whitespace();
            if self.peek() == Some(b']') {
                let mut error = self.error_here("expected a JSON value, found `]`");
                error.help = Some("JSON does not allow a comma before `]`".to_string());
                return Err(error);
            }
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => {
                    return Err(self.error_here(&format!(
                        "expected `,` or `]` in the array, found {}",
                        self.found_description()
                    )));
                }
            }
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        let start = self.at;
        self.at += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.push_str(self.text.get(run_start..self.at).unwrap_or(""));
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => out.push(self.escape()?),
                Some(b'\n' | b'\r') => {
                    return Err(JsonError {
                        message: "unterminated string: the line ends before the closing `\"`"
                            .to_string(),
                        span: Span::new(start, self.at),
                        help: Some(
                            "add the closing `\"`; write a line break inside a string as `\\n`"
                                .to_string(),
                        ),
                        related: None,
                    });
                }
                Some(_) => {
                    let mut error =
                        self.error_here(&format!("{} inside a string", self.found_description()));
                    error.help =
                        Some("write control characters as escapes, such as `\\n`".to_string());
                    return Err(error);
                }
                None => {
                    return Err(JsonError {
                        message: "unterminated string".to_string(),
                        span: Span::new(start, start + 1),
                        help: Some("add the closing `\"`".to_string()),
                        related: None,
                    });
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let start = self.at;
        self.at += 1; // backslash
        let Some(kind) = self
            .text
            .get(self.at..)
            .and_then(|rest| rest.chars().next())
        else {
            return Err(self.error_here("unterminated escape at the end of the document"));
        };
        self.at += kind.len_utf8();
        let c = match kind {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => return self.unicode_escape(start),
            _ => {
                return Err(JsonError {
                    message: format!("unknown escape `\\{kind}` in a string"),
                    span: Span::new(start, self.at),
                    help: Some(
                        "JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX"
                            .to_string(),
                    ),
                    related: None,
                });
            }
        };
        Ok(c)
    }

    fn hex4(&mut self, escape_start: usize) -> Result<u32, JsonError> {
        let digits = self.text.get(self.at..self.at + 4).unwrap_or("");
        match u32::from_str_radix(digits, 16) {
            Ok(code) if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_hexdigit()) => {
                self.at += 4;
                Ok(code)
            }
            _ => Err(JsonError {
                message: "a `\\u` escape needs four hexadecimal digits".to_string(),
                span: Span::new(escape_start, self.at.min(self.bytes.len())),
                help: None,
                related: None,
            }),
        }
    }

    fn unicode_escape(&mut self, escape_start: usize) -> Result<char, JsonError> {
        let high = self.hex4(escape_start)?;
        let code = if (0xD800..0xDC00).contains(&high) {
            let low_start = self.at;
            if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                return Err(unpaired_surrogate(escape_start, self.at));
            }
            self.at += 2;
            let low = self.hex4(low_start)?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(unpaired_surrogate(escape_start, self.at));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| unpaired_surrogate(escape_start, self.at))
    }

    fn number(&mut self) -> Result<String, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.malformed_number(start)),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.malformed_number(start));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.malformed_number(start));
            }
            self.digits();
        }
        if matches!(
            self.peek(),
            Some(b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'.')
        ) {
            return Err(self.malformed_number(start));
        }
        Ok(self.text.get(start..self.at).unwrap_or("").to_string())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }

    fn malformed_number(&mut self, start: usize) -> JsonError {
        let end = self
            .bytes
            .get(start..)
            .unwrap_or_default()
            .iter()
            .position(
                |b| !matches!(b, b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'.' | b'+' | b'-'),
            )
            .map_or(self.bytes.len(), |n| start + n);
        JsonError {
            message: format!(
                "malformed number `{}`",
                self.text.get(start..end).unwrap_or("")
            ),
            span: Span::new(start, end.max(start + 1)),
            help: Some(
                "JSON numbers look like `12`, `-0.5` or `1e3`; no leading zeros, `+` or `.5`"
                    .to_string(),
            ),
            related: None,
        }
    }
}

fn unpaired_surrogate(start: usize, end: usize) -> JsonError {
    JsonError {
        message: "a `\\u` escape names an unpaired UTF-16 surrogate".to_string(),
        span: Span::new(start, end),
        help: Some(
            "a high surrogate `\\uD800`–`\\uDBFF` must be followed by a low one".to_string(),
        ),
        related: None,
    }
}

#[cfg(test)]
mod tests;
