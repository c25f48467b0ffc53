//! Multi-valued keys: `ForAnyValue:` and `ForAllValues:` over a set of strings.
//!
//! For a set variable `S`, each asserted literal is either a *requirement* (some element must
//! satisfy a body: `∃v ∈ S. body`, from `ForAnyValue` asserted, `ForAllValues` negated, or
//! `present(S)`) or a *restriction* (every element must satisfy a body: `∀v ∈ S. body`, from
//! `ForAllValues` asserted or `ForAnyValue` negated; `absent(S)` restricts every element to
//! nothing). Because the set may be any finite set of strings, the literals are consistent
//! exactly when every requirement, together with all restrictions, has a witness element:
//! the set of those witnesses then satisfies everything. Each such check is a conjunction of
//! string memberships for the automata engine; a body "one of several patterns" is split into
//! its cases.

use super::strings::glob;
use crate::lit::Lit;
use keyaki_automata::{Answer, BudgetExceeded, CaseMode, Constraint, Engine};
use keyaki_logic::Pattern;

/// One asserted literal about a set.
#[derive(Debug, Clone)]
pub struct SetFact {
    /// The SAT literal as assigned.
    pub lit: Lit,
    /// Requirement (∃) or restriction (∀).
    pub exists: bool,
    /// The element must match one of `patterns` (or, when `negated`, none of them). With no
    /// patterns and `negated` false the body is false (nothing may be an element); with
    /// `negated` true it is true (any element will do).
    pub patterns: Vec<Pattern>,
    /// See `patterns`.
    pub negated: bool,
    /// Whether letter case is ignored.
    pub ignore_case: bool,
}

/// The most case splits tried for one requirement.
const MAX_SPLITS: usize = 4096;

/// The elements of a set satisfying every fact, or the literals of a conflicting subset.
pub fn solve(
    engine: &Engine,
    facts: &[SetFact],
) -> Result<Result<Vec<String>, Vec<Lit>>, BudgetExceeded> {
    let restrictions: Vec<&SetFact> = facts.iter().filter(|f| !f.exists).collect();
    let mut elements = Vec::new();
    for requirement in facts.iter().filter(|f| f.exists) {
        let bodies: Vec<&SetFact> = std::iter::once(requirement)
            .chain(restrictions.iter().copied())
            .collect();
        match witness(engine, &bodies)? {
            Some(element) => {
                if !elements.contains(&element) {
                    elements.push(element);
                }
            }
            None => {
                let mut clause: Vec<Lit> = bodies.iter().map(|f| f.lit).collect();
                clause.sort_unstable();
                clause.dedup();
                return Ok(Err(clause));
            }
        }
    }
    elements.sort();
    Ok(Ok(elements))
}

/// A string satisfying every body, trying each choice of pattern for "one of" bodies.
fn witness(engine: &Engine, bodies: &[&SetFact]) -> Result<Option<String>, BudgetExceeded> {
    if bodies.iter().any(|b| !b.negated && b.patterns.is_empty()) {
        return Ok(None);
    }
    let mut fixed: Vec<Constraint> = Vec::new();
    let mut choices: Vec<Vec<Constraint>> = Vec::new();
    for body in bodies {
        let case = if body.ignore_case {
            CaseMode::Insensitive
        } else {
            CaseMode::Sensitive
        };
        let automata = body
            .patterns
            .iter()
            .map(|p| engine.automaton(&glob(p), case));
        if body.negated {
            fixed.extend(automata.map(Constraint::non_member));
        } else {
            choices.push(automata.map(Constraint::member).collect());
        }
    }
    let combinations: usize = choices.iter().map(Vec::len).product();
    if combinations > MAX_SPLITS {
        return Err(BudgetExceeded::Cases(combinations));
    }
    for mut n in 0..combinations.max(1) {
        let mut question = fixed.clone();
        for options in &choices {
            if let Some(pick) = options.get(n % options.len().max(1)) {
                question.push(pick.clone());
            }
            n /= options.len().max(1);
        }
        if let Answer::Witness(value) = engine.solve(&question)?.answer {
            return Ok(Some(value));
        }
    }
    Ok(None)
}
