//! Shared by the SMT tests: a model's values as a keyaki-logic [`Assignment`], whose atoms the
//! reference semantics of keyaki-logic decides (independently of the theory solvers).

#![allow(dead_code, reason = "each test binary uses a different part")]

use keyaki_logic::{Assignment, Atom, Context};
use keyaki_solver::Model;

/// The model as concrete values: theory values, and Booleans and presences as its atoms say.
pub fn assignment(cx: &Context, model: &Model) -> Assignment {
    let mut assignment = Assignment {
        values: model.values.clone(),
        ..Assignment::default()
    };
    for (id, atom) in cx.atoms() {
        match atom {
            Atom::BoolTrue { var } => {
                assignment.bools.insert(*var, model.atom(id));
            }
            Atom::Present { var } => {
                assignment.present.insert(*var, model.atom(id));
            }
            _ => {}
        }
    }
    assignment
}
