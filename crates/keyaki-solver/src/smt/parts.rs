//! Which of several parts can hold together with a formula, decided by one incremental search.
//!
//! The question `root ∧ partᵢ`, asked for every `i`, is what a check asks to name the
//! statements responsible for a FAIL. Asked one by one it costs one encoding and one search
//! per part, each learning again what the others learned. Here `root` is encoded once, with
//! each part *defined* (its Tseitin literal equivalent to it) but not asserted, and the search
//! is repeated with one more clause each time: `∨ partᵢ` over the parts still open.
//!
//! - A model makes some open parts true: each of those is satisfiable with `root` (the model
//!   is a witness), and they are closed.
//! - UNSAT closes every open part as unsatisfiable: no model of `root` makes any of them true.
//!
//! Each clause added is implied by the next one (the open parts only shrink), so the clauses
//! learned on the way stay valid, and every answer is exactly the one-by-one answer: a part is
//! satisfiable with `root` if and only if it is found true in some model. Parts start in the
//! phase *true*, so that one model closes as many as it can.

use super::{Encoding, Smt, SmtConfig};
use crate::lit::Lit;
use crate::solver::SolveResult;
use keyaki_logic::{Context, Formula};

/// For each part: `Some(true)` when `root ∧ part` is satisfiable, `Some(false)` when it is
/// not, `None` when a budget ran out before it was decided (then `unknown` says why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartAnswers {
    /// The answer for each part, in order.
    pub satisfiable: Vec<Option<bool>>,
    /// Why some parts are undecided, when some are.
    pub unknown: Option<String>,
}

/// Decides, for each of `parts`, whether it can hold together with `root`.
pub fn satisfiable_parts(
    cx: &Context,
    root: Formula,
    parts: &[Formula],
    config: SmtConfig,
) -> PartAnswers {
    let (encoding, literals) = Encoding::with_parts(cx, root, parts);
    let mut smt = Smt::of_encoding(cx, encoding, config);
    // Only which parts hold is read off a model, not the values of its variables.
    smt.solver.theory_mut().set_values_read(false);
    let mut satisfiable: Vec<Option<bool>> = vec![None; parts.len()];
    loop {
        let open: Vec<(usize, Lit)> = literals
            .iter()
            .enumerate()
            .filter(|(i, _)| satisfiable.get(*i).is_some_and(Option::is_none))
            .map(|(i, lit)| (i, *lit))
            .collect();
        if open.is_empty() {
            return PartAnswers {
                satisfiable,
                unknown: None,
            };
        }
        let clause: Vec<Lit> = open.iter().map(|(_, lit)| *lit).collect();
        for lit in &clause {
            smt.solver.set_phase(lit.var(), lit.is_positive());
        }
        smt.solver.add_clause(&clause);
        match smt.solver.solve() {
            SolveResult::Unsat => {
                for (i, _) in &open {
                    close(&mut satisfiable, *i, false);
                }
            }
            SolveResult::Unknown(reason) => return undecided(satisfiable, reason.to_string()),
            SolveResult::Sat(model) => {
                if let Some(exceeded) = smt.solver.theory().inconclusive {
                    return undecided(satisfiable, exceeded.to_string());
                }
                let holds =
                    |lit: &Lit| model.get(lit.var().index()).copied() == Some(lit.is_positive());
                let found: Vec<usize> = open
                    .iter()
                    .filter(|(_, lit)| holds(lit))
                    .map(|(i, _)| *i)
                    .collect();
                if found.is_empty() {
                    // The clause just added makes some open part true in every model.
                    return undecided(satisfiable, "a model broke its clauses".to_string());
                }
                for i in found {
                    close(&mut satisfiable, i, true);
                }
            }
        }
    }
}

fn close(satisfiable: &mut [Option<bool>], index: usize, answer: bool) {
    if let Some(slot) = satisfiable.get_mut(index) {
        *slot = Some(answer);
    }
}

fn undecided(satisfiable: Vec<Option<bool>>, reason: String) -> PartAnswers {
    PartAnswers {
        satisfiable,
        unknown: Some(reason),
    }
}
