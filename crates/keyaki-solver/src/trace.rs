//! The solver's steps as data: the raw material of `keyaki explain`.
//!
//! When tracing is on, the solver records every [`Event`] in order. Off (the default), nothing
//! is recorded and the hot loops pay one branch.

use crate::lit::Lit;
use std::fmt;

/// One step of the search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A decision: `literal` made true at the new `level`.
    Decide {
        /// The decided literal.
        literal: Lit,
        /// The decision level it opens.
        level: usize,
    },
    /// Unit propagation: `literal` forced by `clause` (the clause's other literals are false).
    Propagate {
        /// The implied literal.
        literal: Lit,
        /// The clause that implies it.
        clause: Vec<Lit>,
    },
    /// A theory implied `literal`, explained by the true literals `because`.
    TheoryPropagate {
        /// The implied literal.
        literal: Lit,
        /// Its explanation.
        because: Vec<Lit>,
    },
    /// A clause became false: from the clauses, or raised by a theory.
    Conflict {
        /// The false clause.
        clause: Vec<Lit>,
        /// Whether a theory raised it.
        theory: bool,
    },
    /// A clause learned from a conflict, with its LBD.
    Learn {
        /// The learned clause (its first literal is the one asserted after the backjump).
        clause: Vec<Lit>,
        /// Distinct decision levels among its literals.
        lbd: u32,
    },
    /// Undoing decisions down to `level`.
    Backjump {
        /// The level kept.
        level: usize,
    },
    /// A restart (back to level 0).
    Restart,
    /// Learned clauses deleted.
    Reduce {
        /// How many were deleted.
        deleted: usize,
    },
    /// Every variable assigned consistently: the answer is SAT.
    Model,
    /// A conflict at level 0: the answer is UNSAT.
    Unsat,
}

fn clause(f: &mut fmt::Formatter<'_>, lits: &[Lit]) -> fmt::Result {
    let shown: Vec<String> = lits.iter().map(|l| l.to_string()).collect();
    write!(f, "({})", shown.join(" ∨ "))
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Decide { literal, level } => write!(f, "decide {literal} @{level}"),
            Event::Propagate { literal, clause: c } => {
                write!(f, "propagate {literal} by ")?;
                clause(f, c)
            }
            Event::TheoryPropagate { literal, because } => {
                let shown: Vec<String> = because.iter().map(|l| l.to_string()).collect();
                write!(
                    f,
                    "theory propagate {literal} because {}",
                    shown.join(" ∧ ")
                )
            }
            Event::Conflict { clause: c, theory } => {
                write!(
                    f,
                    "{} ",
                    if *theory {
                        "theory conflict"
                    } else {
                        "conflict"
                    }
                )?;
                clause(f, c)
            }
            Event::Learn { clause: c, lbd } => {
                write!(f, "learn ")?;
                clause(f, c)?;
                write!(f, " lbd {lbd}")
            }
            Event::Backjump { level } => write!(f, "backjump to @{level}"),
            Event::Restart => write!(f, "restart"),
            Event::Reduce { deleted } => write!(f, "delete {deleted} learned clauses"),
            Event::Model => write!(f, "model found"),
            Event::Unsat => write!(f, "conflict at level 0: unsatisfiable"),
        }
    }
}
