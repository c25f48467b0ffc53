//! Patterns: the strings of a policy, read into structured segments.
//!
//! An action such as `s3:Get*`, a resource such as `arn:aws:s3:::b/${aws:username}/*`, and a
//! `StringLike` value are all *patterns*: literal text interleaved with the wildcards `*` (any
//! run of characters, possibly empty) and `?` (exactly one character), and, in policies of
//! version `2012-10-17`, policy variables `${key}` that stand for the value of a request key.
//!
//! Reading them once into [`Segment`]s means no later stage ever re-parses a string, and every
//! stage agrees on what is literal: the escapes `${*}`, `${?}` and `${$}` are literal `*`, `?`
//! and `$`; `*` and `?` are literal text where the operator has no wildcards (`StringEquals`);
//! `${…}` is literal text where variables are off (older versions, `Action`, `Principal`).
//!
//! A variable may carry a default, used when the request lacks the key:
//! `${aws:username, 'guest'}`. The substituted value is always literal text: a `*` inside a
//! user name is a star, not a wildcard.

use crate::issue_code::IssueCode;
use std::fmt;

/// A pattern: the source text and its segments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pattern {
    /// The text as written in the policy.
    pub text: String,
    /// The text read into literal runs, wildcards and variables.
    pub segments: Vec<Segment>,
}

/// One piece of a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// Literal text, matched character by character.
    Literal(String),
    /// `*`: any sequence of characters, possibly empty.
    AnyRun,
    /// `?`: exactly one character (one Unicode scalar value).
    AnyChar,
    /// `${key}` or `${key, 'default'}`: the request's value of `key`, as literal text.
    Variable(PolicyVariable),
}

/// A policy variable: a single-valued request key and an optional default.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PolicyVariable {
    /// The request key, as written (keys compare case-insensitively).
    pub key: String,
    /// The text used when the request has no value for the key.
    pub default: Option<String>,
}

/// What the special characters of a pattern mean where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternSyntax {
    /// `*` and `?` are wildcards (otherwise literal).
    pub wildcards: bool,
    /// `${…}` is a policy variable (otherwise literal).
    pub variables: bool,
}

/// Why a pattern could not be read; `offset` is a byte offset into the pattern's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// What is wrong.
    pub message: String,
    /// Where in the pattern text, in bytes.
    pub offset: usize,
    /// How long the offending part is, in bytes.
    pub len: usize,
    /// Access Analyzer's issue code for the problem, when it has one.
    pub code: Option<IssueCode>,
}

impl Pattern {
    /// Whether a policy variable (`${…}`) is among the segments.
    pub fn has_variables(&self) -> bool {
        self.segments
            .iter()
            .any(|segment| matches!(segment, Segment::Variable(_)))
    }

    /// Reads `text` under `syntax`.
    pub fn parse(text: &str, syntax: PatternSyntax) -> Result<Pattern, PatternError> {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let offset = text.len() - rest.len();
            if syntax.variables && rest.starts_with("${") {
                let (piece, len) = read_variable(rest, offset)?;
                match piece {
                    Segment::Literal(escaped) => literal.push_str(&escaped),
                    variable => {
                        flush(&mut literal, &mut segments);
                        segments.push(variable);
                    }
                }
                rest = rest.get(len..).unwrap_or("");
                continue;
            }
            match c {
                '*' if syntax.wildcards => {
                    flush(&mut literal, &mut segments);
                    if segments.last() != Some(&Segment::AnyRun) {
                        segments.push(Segment::AnyRun);
                    }
                }
                '?' if syntax.wildcards => {
                    flush(&mut literal, &mut segments);
                    segments.push(Segment::AnyChar);
                }
                _ => literal.push(c),
            }
            rest = rest.get(c.len_utf8()..).unwrap_or("");
        }
        flush(&mut literal, &mut segments);
        Ok(Pattern {
            text: text.to_string(),
            segments,
        })
    }

    /// A pattern that is the literal `text`, with no wildcards and no variables.
    pub fn literal(text: &str) -> Pattern {
        let segments = if text.is_empty() {
            Vec::new()
        } else {
            vec![Segment::Literal(text.to_string())]
        };
        Pattern {
            text: text.to_string(),
            segments,
        }
    }

    /// The policy variables the pattern uses, in order.
    pub fn variables(&self) -> impl Iterator<Item = &PolicyVariable> {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Variable(variable) => Some(variable),
            _ => None,
        })
    }

    /// Whether the pattern has a `*` or `?` wildcard.
    pub fn has_wildcards(&self) -> bool {
        self.segments
            .iter()
            .any(|s| matches!(s, Segment::AnyRun | Segment::AnyChar))
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn flush(literal: &mut String, segments: &mut Vec<Segment>) {
    if !literal.is_empty() {
        segments.push(Segment::Literal(std::mem::take(literal)));
    }
}

/// Reads `${…}` at the start of `text` (which sits at `offset` in the whole pattern); returns the
/// segment (an escape becomes a literal) and the number of bytes read.
fn read_variable(text: &str, offset: usize) -> Result<(Segment, usize), PatternError> {
    let Some(close) = text.find('}') else {
        return Err(PatternError {
            message: "unterminated policy variable: `${` without a closing `}`".to_string(),
            offset,
            len: 2,
            code: Some(IssueCode::MissingBraceInVariable),
        });
    };
    let inside = text.get(2..close).unwrap_or("");
    let len = close + 1;
    let error = |message: String, code: Option<IssueCode>| PatternError {
        message,
        offset,
        len,
        code,
    };
    match inside {
        "*" | "?" | "$" => return Ok((Segment::Literal(inside.to_string()), len)),
        "" => {
            return Err(error(
                "empty policy variable `${}`".to_string(),
                Some(IssueCode::EmptyVariable),
            ));
        }
        _ => {}
    }
    let (key, default) = match inside.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let quoted = default
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .filter(|d| !d.contains('\''));
            match quoted {
                Some(value) => (key.trim(), Some(value.to_string())),
                None => {
                    return Err(error(
                        format!(
                            "the default of policy variable `${{{inside}}}` must be in single quotes"
                        ),
                        Some(IssueCode::MissingQuoteInVariable),
                    ));
                }
            }
        }
        None => (inside.trim(), None),
    };
    let valid_key_char = |c: char| c.is_ascii_alphanumeric() || ":/_.-@+=".contains(c);
    if key.is_empty() || !key.chars().all(valid_key_char) {
        let code = key
            .contains(' ')
            .then_some(IssueCode::UnsupportedSpaceInVariable);
        return Err(error(
            format!("`{key}` is not a valid condition key name in policy variable `${{{inside}}}`"),
            code,
        ));
    }
    Ok((
        Segment::Variable(PolicyVariable {
            key: key.to_string(),
            default,
        }),
        len,
    ))
}

#[cfg(test)]
mod tests;
