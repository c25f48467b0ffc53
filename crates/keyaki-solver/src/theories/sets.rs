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
//! its cases, chosen depth first: a choice whose memberships so far have no witness is not
//! followed further, and a witness that already fits every body left ends the search (the
//! bodies of real policies share patterns such as `AmazonDataZone*`, so one string often
//! satisfies them all, where trying every combination took thousands of searches).

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

/// The most choices of pattern tried for one requirement.
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

/// Whether the set of `elements` satisfies `fact`: some element fits the body of a
/// requirement, every element fits the body of a restriction.
pub fn holds(engine: &Engine, fact: &SetFact, elements: &[String]) -> bool {
    let case = if fact.ignore_case {
        CaseMode::Insensitive
    } else {
        CaseMode::Sensitive
    };
    let automata: Vec<_> = fact
        .patterns
        .iter()
        .map(|p| engine.automaton(&glob(p), case))
        .collect();
    let fits = |element: &String| automata.iter().any(|a| a.matches(element)) != fact.negated;
    if fact.exists {
        elements.iter().any(fits)
    } else {
        elements.iter().all(fits)
    }
}

/// A string satisfying every body, trying choices of pattern for "one of" bodies.
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
    // Fewest options first: a dead end is met as early as it can be.
    choices.sort_by_key(Vec::len);
    let mut tried = 0;
    first_choice(engine, &mut fixed, &choices, &mut tried)
}

/// Depth first over the choices still to make, `question` holding those made so far (and the
/// fixed non-memberships). A choice whose question has no witness is not followed further;
/// a witness that already satisfies every body still to choose for ends the search. At most
/// [`MAX_SPLITS`] choices are tried.
fn first_choice(
    engine: &Engine,
    question: &mut Vec<Constraint>,
    choices: &[Vec<Constraint>],
    tried: &mut usize,
) -> Result<Option<String>, BudgetExceeded> {
    let Some((options, later)) = choices.split_first() else {
        return Ok(match engine.solve(question)?.answer {
            Answer::Witness(value) => Some(value),
            Answer::Empty { .. } => None,
        });
    };
    for option in options {
        *tried += 1;
        if *tried > MAX_SPLITS {
            return Err(BudgetExceeded::Cases(*tried));
        }
        question.push(option.clone());
        let found = match engine.solve(question)?.answer {
            Answer::Witness(value) if satisfies_all(&value, later) => Some(value),
            Answer::Witness(_) => first_choice(engine, question, later, tried)?,
            Answer::Empty { .. } => None,
        };
        question.pop();
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// Whether `value` matches some option of every one of `choices`.
fn satisfies_all(value: &str, choices: &[Vec<Constraint>]) -> bool {
    choices.iter().all(|options| {
        options
            .iter()
            .any(|option| option.automaton.matches(value) == option.positive)
    })
}
