//! Strings: the memberships of one string variable, decided by keyaki-automata.
//!
//! The literals about a string variable are `x ∈ pattern` atoms, asserted or negated. Together
//! they are one conjunction of memberships, exactly the question the automata engine answers:
//! a witness string, or the indices of a minimal subset that is already empty, which becomes a
//! conflict clause of a few literals.

use crate::lit::Lit;
use keyaki_automata::{
    Answer, BudgetExceeded, Constraint, Engine, GlobNfa, GlobPattern, Piece as GlobPiece,
};
use keyaki_logic::{Pattern, Piece};
use std::sync::Arc;

/// One asserted membership of the variable.
#[derive(Debug, Clone)]
pub struct Membership {
    /// The SAT literal as assigned.
    pub lit: Lit,
    /// The pattern's automaton (with its letter-case rule).
    pub automaton: Arc<GlobNfa>,
    /// Member (true) or non-member (false).
    pub member: bool,
}

/// The automata crate's form of a logic pattern.
pub fn glob(pattern: &Pattern) -> GlobPattern {
    GlobPattern::new(pattern.pieces.iter().map(|p| match p {
        Piece::Char(c) => GlobPiece::Char(*c),
        Piece::AnyChar => GlobPiece::AnyChar,
        Piece::AnyRun => GlobPiece::AnyRun,
        Piece::PartChar => GlobPiece::PartChar,
        Piece::PartRun => GlobPiece::PartRun,
    }))
}

/// The outcome for one string variable.
pub enum Outcome {
    /// A value satisfying every membership.
    Value(String),
    /// The literals of a minimal conflicting subset.
    Conflict(Vec<Lit>),
}

/// Decides the memberships, preferring a value from `known` names.
pub fn solve(
    engine: &Engine,
    facts: &[Membership],
    known: &[&str],
) -> Result<Outcome, BudgetExceeded> {
    let constraints: Vec<Constraint> = facts
        .iter()
        .map(|f| Constraint {
            automaton: f.automaton.clone(),
            positive: f.member,
        })
        .collect();
    Ok(match engine.solve_preferring(&constraints, known)?.answer {
        Answer::Witness(value) => Outcome::Value(value),
        Answer::Empty { core } => Outcome::Conflict(
            core.iter()
                .filter_map(|&i| facts.get(i).map(|f| f.lit))
                .collect(),
        ),
    })
}
