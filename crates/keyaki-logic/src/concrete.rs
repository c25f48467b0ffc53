//! Atoms and formulas evaluated on concrete values: the reference semantics of the language.
//!
//! A solver's model, or a request turned into values, gives every variable a [`Value`]; this
//! module says which atoms are then true, in the most direct way possible (a recursive
//! wildcard matcher, plain comparisons). Tests use it to check models and encodings without
//! trusting the solver that produced them.

use crate::formula::{Context, Formula};
use crate::term::{Atom, Pattern, Piece, Var};
use crate::value::{Instant, Number};
use std::collections::BTreeMap;

/// A concrete value of a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string.
    Str(String),
    /// A number.
    Num(Number),
    /// An instant.
    Date(Instant),
    /// An address.
    Ip(std::net::IpAddr),
    /// A set of strings.
    Set(Vec<String>),
}

/// Concrete values: theory variables by value, Boolean variables and presences by truth.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignment {
    /// Values of string, number, date, address and set variables.
    pub values: BTreeMap<Var, Value>,
    /// Truth of Boolean variables.
    pub bools: BTreeMap<Var, bool>,
    /// Presence of keys (a set's presence is its being non-empty, from `values`).
    pub present: BTreeMap<Var, bool>,
}

impl Pattern {
    /// Whether `text` matches, by the obvious recursive definition.
    pub fn matches(&self, text: &str, ignore_case: bool) -> bool {
        let text: Vec<char> = text.chars().collect();
        matches_from(&self.pieces, &text, ignore_case)
    }
}

/// keyaki's case folding: the simple lowercase of a character when it is one character.
pub(crate) fn fold_case(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

fn fold(c: char, ignore_case: bool) -> char {
    if ignore_case { fold_case(c) } else { c }
}

fn matches_from(pieces: &[Piece], text: &[char], ignore_case: bool) -> bool {
    let rest_of = |n: usize| text.get(n..).unwrap_or_default();
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::AnyRun, rest)) => {
            (0..=text.len()).any(|i| matches_from(rest, rest_of(i), ignore_case))
        }
        Some((Piece::PartRun, rest)) => (0..=text.len())
            .take_while(|&i| i == 0 || text.get(i - 1) != Some(&':'))
            .any(|i| matches_from(rest, rest_of(i), ignore_case)),
        Some((Piece::AnyChar, rest)) => {
            !text.is_empty() && matches_from(rest, rest_of(1), ignore_case)
        }
        Some((Piece::PartChar, rest)) => {
            text.first().is_some_and(|&c| c != ':') && matches_from(rest, rest_of(1), ignore_case)
        }
        Some((Piece::Char(p), rest)) => {
            text.first()
                .is_some_and(|&c| fold(c, ignore_case) == fold(*p, ignore_case))
                && matches_from(rest, rest_of(1), ignore_case)
        }
    }
}

impl Assignment {
    /// Whether an atom holds. A variable without a value takes the neutral one (empty string,
    /// zero, the empty set), which is what a solver's model leaves unconstrained.
    pub fn atom_holds(&self, atom: &Atom) -> bool {
        let any_of = |patterns: &[Pattern], element: &str, ignore_case: bool| {
            patterns.iter().any(|p| p.matches(element, ignore_case))
        };
        match atom {
            Atom::StrIn {
                var,
                pattern,
                ignore_case,
            } => match self.values.get(var) {
                Some(Value::Str(s)) => pattern.matches(s, *ignore_case),
                _ => pattern.matches("", *ignore_case),
            },
            Atom::NumCmp { var, cmp, value } => match self.values.get(var) {
                Some(Value::Num(n)) => cmp.holds(n.cmp(value)),
                _ => cmp.holds(Number::integer(0).cmp(value)),
            },
            Atom::DateCmp { var, cmp, value } => match self.values.get(var) {
                Some(Value::Date(d)) => cmp.holds(d.cmp(value)),
                _ => cmp.holds(Instant(0).cmp(value)),
            },
            Atom::IpIn { var, range } => match self.values.get(var) {
                Some(Value::Ip(a)) => range.contains(*a),
                _ => range.contains(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)),
            },
            Atom::BoolTrue { var } => self.bools.get(var).copied().unwrap_or(false),
            Atom::Present { var } => match self.values.get(var) {
                Some(Value::Set(elements)) => !elements.is_empty(),
                _ => self.present.get(var).copied().unwrap_or(false),
            },
            Atom::SetAny {
                var,
                patterns,
                negated,
                ignore_case,
            }
            | Atom::SetAll {
                var,
                patterns,
                negated,
                ignore_case,
            } => {
                let elements = match self.values.get(var) {
                    Some(Value::Set(elements)) => elements.as_slice(),
                    _ => &[],
                };
                // An element satisfies the body when it matches one pattern (none, if negated).
                let satisfies = |e: &String| any_of(patterns, e, *ignore_case) != *negated;
                if matches!(atom, Atom::SetAny { .. }) {
                    elements.iter().any(satisfies)
                } else {
                    elements.iter().all(satisfies)
                }
            }
        }
    }

    /// Whether a formula holds.
    pub fn holds(&self, cx: &Context, f: Formula) -> bool {
        cx.eval(f, &mut |_, atom| self.atom_holds(atom))
    }
}
