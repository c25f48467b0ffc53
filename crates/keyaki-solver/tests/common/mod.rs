//! Independent referees shared by the SMT tests: a naive glob matcher and atom evaluation on
//! concrete values, written without keyaki-automata or the theory solvers.

#![allow(dead_code, reason = "each test binary uses a different part")]

use keyaki_logic::{Atom, Context, Formula, Instant, Number, Piece, Var};
use keyaki_solver::{Model, Value};
use std::collections::BTreeMap;

/// An obviously right (exponential) glob matcher.
pub fn glob_matches(pieces: &[Piece], text: &[char], ignore_case: bool) -> bool {
    let fold = |c: char| {
        if ignore_case {
            c.to_lowercase().next().unwrap_or(c)
        } else {
            c
        }
    };
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::AnyRun, rest)) => {
            (0..=text.len()).any(|i| glob_matches(rest, &text[i..], ignore_case))
        }
        Some((Piece::AnyChar, rest)) => {
            !text.is_empty() && glob_matches(rest, &text[1..], ignore_case)
        }
        Some((Piece::PartRun, rest)) => (0..=text.len())
            .take_while(|&i| i == 0 || text[i - 1] != ':')
            .any(|i| glob_matches(rest, &text[i..], ignore_case)),
        Some((Piece::PartChar, rest)) => {
            text.first().is_some_and(|&t| t != ':') && glob_matches(rest, &text[1..], ignore_case)
        }
        Some((Piece::Char(c), rest)) => {
            text.first().is_some_and(|t| fold(*t) == fold(*c))
                && glob_matches(rest, &text[1..], ignore_case)
        }
    }
}

fn any_matches(patterns: &[keyaki_logic::Pattern], element: &str, ignore_case: bool) -> bool {
    let chars: Vec<char> = element.chars().collect();
    patterns
        .iter()
        .any(|p| glob_matches(&p.pieces, &chars, ignore_case))
}

/// The truth of an atom under concrete values; `bools` gives Boolean variables and presence.
pub fn atom_holds(atom: &Atom, values: &BTreeMap<Var, Value>, bools: &BTreeMap<Var, bool>) -> bool {
    match atom {
        Atom::StrIn {
            var,
            pattern,
            ignore_case,
        } => match values.get(var) {
            Some(Value::Str(s)) => glob_matches(
                &pattern.pieces,
                &s.chars().collect::<Vec<_>>(),
                *ignore_case,
            ),
            _ => glob_matches(&pattern.pieces, &[], *ignore_case),
        },
        Atom::NumCmp { var, cmp, value } => match values.get(var) {
            Some(Value::Num(n)) => cmp.holds(n.cmp(value)),
            _ => cmp.holds(Number::integer(0).cmp(value)),
        },
        Atom::DateCmp { var, cmp, value } => match values.get(var) {
            Some(Value::Date(d)) => cmp.holds(d.cmp(value)),
            _ => cmp.holds(Instant(0).cmp(value)),
        },
        Atom::IpIn { var, range } => match values.get(var) {
            Some(Value::Ip(a)) => range.contains(*a),
            _ => range.contains(0),
        },
        Atom::BoolTrue { var } => bools.get(var).copied().unwrap_or(false),
        Atom::Present { var } => match values.get(var) {
            Some(Value::Set(elements)) => !elements.is_empty(),
            _ => bools.get(var).copied().unwrap_or(false),
        },
        Atom::SetAny {
            var,
            patterns,
            negated,
            ignore_case,
        } => match values.get(var) {
            Some(Value::Set(elements)) => elements
                .iter()
                .any(|e| any_matches(patterns, e, *ignore_case) != *negated),
            _ => false,
        },
        Atom::SetAll {
            var,
            patterns,
            negated,
            ignore_case,
        } => match values.get(var) {
            Some(Value::Set(elements)) => elements
                .iter()
                .all(|e| any_matches(patterns, e, *ignore_case) != *negated),
            _ => true,
        },
    }
}

/// Evaluates a formula on concrete values.
pub fn eval(
    cx: &Context,
    f: Formula,
    values: &BTreeMap<Var, Value>,
    bools: &BTreeMap<Var, bool>,
) -> bool {
    cx.eval(f, &mut |_, atom| atom_holds(atom, values, bools))
}

/// The Boolean variables and single-valued presences as the model's atoms decided them.
pub fn model_bools(cx: &Context, model: &Model) -> BTreeMap<Var, bool> {
    let mut bools = BTreeMap::new();
    for (id, atom) in cx.atoms() {
        if let Atom::BoolTrue { var } | Atom::Present { var } = atom {
            bools.insert(*var, model.atom(id));
        }
    }
    bools
}
