//! Glob patterns: the input language of this crate.
//!
//! An IAM pattern, once its policy variables are dealt with, is a sequence of [`Piece`]s: a
//! literal character, `?` (exactly one character, one Unicode scalar value) or `*` (any run of
//! characters, possibly empty). Consecutive stars are merged (`a**b` = `a*b`), which both
//! normalizes the cache key and guarantees that a star is never followed by a star, a fact the
//! automaton's one-step closure relies on ([`crate::nfa`]).
//!
//! Inside the first five parts of an ARN, IAM's `*` and `?` never cross a `:`: those are the
//! [`Piece::PartRun`] and [`Piece::PartChar`] pieces, shown as `[^:]*` and `[^:]`.
//!
//! Whether letter case matters is not part of the pattern but of its use ([`CaseMode`]):
//! actions compare ignoring case, resources do not, and the same text may be used both ways.

use std::fmt;

/// One element of a glob pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Piece {
    /// This character.
    Char(char),
    /// `?`: any one character.
    AnyChar,
    /// `*`: any run of characters, possibly empty.
    AnyRun,
    /// `?` within one part of an ARN: any one character except `:`.
    PartChar,
    /// `*` within one part of an ARN: any run of characters without `:`, possibly empty.
    PartRun,
}

impl Piece {
    /// Whether the piece is `*` or its within-a-part form.
    pub fn is_run(self) -> bool {
        matches!(self, Piece::AnyRun | Piece::PartRun)
    }
}

/// A glob pattern: literal characters, `?` and `*`, with no two stars in a row.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct GlobPattern {
    pieces: Vec<Piece>,
}

impl GlobPattern {
    /// Builds a pattern from pieces, merging consecutive runs: two runs in a row match what
    /// the wider of them matches alone (`**` = `*`, and a within-part run beside `*` adds
    /// nothing).
    pub fn new(pieces: impl IntoIterator<Item = Piece>) -> Self {
        let mut merged: Vec<Piece> = Vec::new();
        for piece in pieces {
            match merged.last_mut() {
                Some(last) if last.is_run() && piece.is_run() => {
                    if piece == Piece::AnyRun {
                        *last = Piece::AnyRun;
                    }
                }
                _ => merged.push(piece),
            }
        }
        GlobPattern { pieces: merged }
    }

    /// Reads IAM wildcard syntax: `*` and `?` are wildcards, everything else is literal.
    pub fn parse(text: &str) -> Self {
        GlobPattern::new(text.chars().map(|c| match c {
            '*' => Piece::AnyRun,
            '?' => Piece::AnyChar,
            c => Piece::Char(c),
        }))
    }

    /// The pattern that matches exactly `text` (no wildcards).
    pub fn literal(text: &str) -> Self {
        GlobPattern::new(text.chars().map(Piece::Char))
    }

    /// The pattern matching every `u·v` with `u` matched by `self` and `v` by `other` (the
    /// concatenation of two globs is a glob).
    pub fn concat(&self, other: &GlobPattern) -> GlobPattern {
        GlobPattern::new(self.pieces.iter().chain(&other.pieces).copied())
    }

    /// The pieces, in order.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The literal characters every match starts with: the pieces before the first wildcard.
    pub fn literal_prefix(&self) -> impl Iterator<Item = char> + '_ {
        self.pieces.iter().map_while(|piece| match piece {
            Piece::Char(c) => Some(*c),
            _ => None,
        })
    }

    /// The literal characters every match ends with, last first: the pieces after the last
    /// wildcard.
    pub fn literal_suffix(&self) -> impl Iterator<Item = char> + '_ {
        self.pieces.iter().rev().map_while(|piece| match piece {
            Piece::Char(c) => Some(*c),
            _ => None,
        })
    }

    /// The number of pieces.
    pub fn len(&self) -> usize {
        self.pieces.len()
    }

    /// Whether the pattern has no pieces (it matches only the empty string).
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }
}

impl fmt::Display for GlobPattern {
    /// IAM syntax; a literal `*` or `?` (only possible through [`GlobPattern::new`] or
    /// [`GlobPattern::literal`]) is shown as `${*}` or `${?}`, the IAM escapes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for piece in &self.pieces {
            match piece {
                Piece::Char('*') => f.write_str("${*}")?,
                Piece::Char('?') => f.write_str("${?}")?,
                Piece::Char(c) => write!(f, "{c}")?,
                Piece::AnyChar => f.write_str("?")?,
                Piece::AnyRun => f.write_str("*")?,
                Piece::PartChar => f.write_str("[^:]")?,
                Piece::PartRun => f.write_str("[^:]*")?,
            }
        }
        Ok(())
    }
}

/// Whether letter case matters when matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseMode {
    /// `A` and `a` differ (resources, most condition values).
    Sensitive,
    /// `A` and `a` are the same (actions, `StringEqualsIgnoreCase`); see [`fold_case`].
    Insensitive,
}

/// The case folding of [`CaseMode::Insensitive`]: Unicode simple lowercase mapping, a
/// character whose lowercase form is several characters staying as it is. The concrete
/// evaluator in keyaki-policy folds the same way, independently written.
pub fn fold_case(c: char) -> char {
    // ASCII, nearly every character of a policy, without the Unicode table's search.
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}
