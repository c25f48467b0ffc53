//! The evaluator's own wildcard matcher: `*` and `?` over characters.
//!
//! A [`Glob`] is a pattern whose policy variables have been replaced by the request's values:
//! only literal characters, `*` (any run, possibly empty) and `?` (exactly one character, one
//! Unicode scalar value) remain. Matching is the classic two-cursor algorithm: walk text and
//! pattern together; at a `*`, remember where it was and first let it match nothing; on a
//! mismatch, go back to the last `*` and let it swallow one more character. Backtracking to the
//! *last* star only is enough, because a later star can absorb anything an earlier one could.
//!
//! Letter case is folded character by character with Unicode simple lowercase mapping (a
//! character whose lowercase form is several characters is left as it is); the automata crate
//! must fold the same way, and the differential tests hold the two to it.

use crate::pattern::{Pattern, Segment};
use crate::request::Request;

/// One element of a resolved pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// A literal character.
    Char(char),
    /// `*`.
    AnyRun,
    /// `?`.
    AnyChar,
}

/// A pattern with every variable substituted: ready to match text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Glob {
    tokens: Vec<Token>,
}

impl Glob {
    /// Resolves `segments`, substituting each variable with the request's value of its key,
    /// or its default. `None` when a variable cannot be resolved: the key is absent without a
    /// default, or multi-valued. IAM then treats the value as matching nothing.
    pub fn resolve(segments: &[Segment], request: Option<&Request>) -> Option<Glob> {
        let mut tokens = Vec::new();
        for segment in segments {
            match segment {
                Segment::Literal(text) => tokens.extend(text.chars().map(Token::Char)),
                Segment::AnyRun => tokens.push(Token::AnyRun),
                Segment::AnyChar => tokens.push(Token::AnyChar),
                Segment::Variable(variable) => {
                    let value = request
                        .and_then(|r| r.single_value(&variable.key))
                        .or_else(|| variable.default.clone())?;
                    tokens.extend(value.chars().map(Token::Char));
                }
            }
        }
        Some(Glob { tokens })
    }

    /// A wildcard written without policy variables: every `*` and `?` is a wildcard, every
    /// other character itself (for patterns given on the command line).
    pub fn plain(text: &str) -> Glob {
        let tokens = text
            .chars()
            .map(|c| match c {
                '*' => Token::AnyRun,
                '?' => Token::AnyChar,
                c => Token::Char(c),
            })
            .collect();
        Glob { tokens }
    }

    /// A pattern without variables (`None` if it has one).
    pub fn from_literal_pattern(pattern: &Pattern) -> Option<Glob> {
        Glob::resolve(&pattern.segments, None)
    }

    /// Whether `text` matches, letter case counting.
    pub fn matches(&self, text: &str) -> bool {
        self.matches_with(text, |expected, actual| expected == actual)
    }

    /// Whether `text` matches, letter case ignored.
    pub fn matches_ignoring_case(&self, text: &str) -> bool {
        self.matches_with(text, |expected, actual| {
            fold_case(expected) == fold_case(actual)
        })
    }

    /// Matches with `same` deciding whether a pattern character matches a text character.
    /// ASCII text (action names, most ARNs) is matched byte by byte, without collecting it.
    fn matches_with(&self, text: &str, same: impl Fn(char, char) -> bool) -> bool {
        if text.is_ascii() {
            match_tokens(&self.tokens, text.as_bytes(), |c, b| same(c, char::from(b)))
        } else {
            let text: Vec<char> = text.chars().collect();
            match_tokens(&self.tokens, &text, same)
        }
    }

    /// Whether the last token is `*`.
    pub fn ends_with_any_run(&self) -> bool {
        self.tokens.last() == Some(&Token::AnyRun)
    }
}

/// Whether `text` cannot match a pattern made of `segments`, judged by the literal text the
/// pattern starts with: that text must start `text` (and be all of it when it is the whole
/// pattern). A cheap test that spares resolving the pattern for most non-matching text; it
/// never rejects text the full match would accept.
pub fn literal_prefix_excludes(segments: &[Segment], text: &str, ignore_case: bool) -> bool {
    let Some(Segment::Literal(prefix)) = segments.first() else {
        return false;
    };
    let same = |expected: char, actual: char| {
        expected == actual || (ignore_case && fold_case(expected) == fold_case(actual))
    };
    let mut rest = text.chars();
    for expected in prefix.chars() {
        match rest.next() {
            Some(actual) if same(expected, actual) => {}
            _ => return true,
        }
    }
    segments.len() == 1 && rest.next().is_some()
}

/// Unicode simple lowercase of one character (itself when the mapping is not one character).
pub fn fold_case(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

fn match_tokens<T: Copy>(tokens: &[Token], text: &[T], same: impl Fn(char, T) -> bool) -> bool {
    let (mut p, mut t) = (0, 0);
    // The last `*` seen, and the text position it currently stops at.
    let mut last_star: Option<(usize, usize)> = None;
    while t < text.len() {
        match (tokens.get(p), text.get(t)) {
            (Some(Token::AnyRun), _) => {
                last_star = Some((p, t));
                p += 1;
            }
            (Some(Token::AnyChar), _) => {
                p += 1;
                t += 1;
            }
            (Some(Token::Char(expected)), Some(actual)) if same(*expected, *actual) => {
                p += 1;
                t += 1;
            }
            _ => match last_star {
                Some((star, stop)) => {
                    last_star = Some((star, stop + 1));
                    p = star + 1;
                    t = stop + 1;
                }
                None => return false,
            },
        }
    }
    tokens
        .get(p..)
        .unwrap_or_default()
        .iter()
        .all(|t| *t == Token::AnyRun)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::PatternSyntax;

    fn glob(text: &str) -> Glob {
        let syntax = PatternSyntax {
            wildcards: true,
            variables: false,
        };
        Glob::from_literal_pattern(&Pattern::parse(text, syntax).unwrap()).unwrap()
    }

    /// An obviously right (exponential) matcher to hold the fast one to.
    fn naive(tokens: &[Token], text: &[char]) -> bool {
        match tokens.split_first() {
            None => text.is_empty(),
            Some((Token::AnyRun, rest)) => (0..=text.len()).any(|i| naive(rest, &text[i..])),
            Some((Token::AnyChar, rest)) => !text.is_empty() && naive(rest, &text[1..]),
            Some((Token::Char(c), rest)) => text.first() == Some(c) && naive(rest, &text[1..]),
        }
    }

    /// Every string of at most `max_len` characters over `alphabet`.
    fn strings(alphabet: &[&str], max_len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..max_len {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    /// Case sensitive and not, ASCII text (matched by bytes) and not, and the literal-prefix
    /// test, all against the naive matcher (on case-folded tokens and text when case is ignored).
    #[test]
    fn matches_like_the_naive_matcher_on_every_short_case() {
        let texts = strings(&["a", "B", "é"], 4);
        let patterns = strings(&["a", "b", "É", "*", "?"], 4);
        let fold = |tokens: &[Token]| -> Vec<Token> {
            tokens
                .iter()
                .map(|t| match t {
                    Token::Char(c) => Token::Char(fold_case(*c)),
                    other => *other,
                })
                .collect()
        };
        for p in &patterns {
            let g = glob(p);
            let segments = Pattern::parse(
                p,
                PatternSyntax {
                    wildcards: true,
                    variables: false,
                },
            )
            .unwrap()
            .segments;
            for t in &texts {
                let chars: Vec<char> = t.chars().collect();
                let folded: Vec<char> = chars.iter().map(|c| fold_case(*c)).collect();
                let exact = naive(&g.tokens, &chars);
                let ignoring_case = naive(&fold(&g.tokens), &folded);
                assert_eq!(g.matches(t), exact, "pattern {p:?} text {t:?}");
                assert_eq!(
                    g.matches_ignoring_case(t),
                    ignoring_case,
                    "pattern {p:?} text {t:?} ignoring case"
                );
                assert!(!(exact && literal_prefix_excludes(&segments, t, false)));
                assert!(!(ignoring_case && literal_prefix_excludes(&segments, t, true)));
            }
        }
    }

    #[test]
    fn question_mark_is_one_character_not_one_byte() {
        assert!(glob("a?c").matches("aéc"));
        assert!(!glob("a?c").matches("ac"));
        assert!(glob("s3:*").matches_ignoring_case("S3:GetObject"));
        assert!(!glob("s3:get*").matches("s3:GetObject"));
        assert!(glob("*").matches(""));
    }
}
