//! # keyaki-solver: deciding formulas without an external solver
//!
//! This crate is the part keyaki exists to show: a complete decision procedure, written from
//! the literature, for the questions the policy checks ask.
//!
//! - **A CDCL SAT core** ([`Solver`]): two watched literals, first-UIP learning with recursive
//!   clause minimization, VSIDS decisions with phase saving, Luby restarts, and deletion of
//!   learned clauses by activity with glue (LBD ≤ 2) clauses protected. One module per idea:
//!   [`lit`], [`clause`], [`decide`], [`restart`], and the search in [`solver`] with its
//!   propagation, analysis and reduction.
//! - **The DPLL(T) seam** ([`Theory`]): theory solvers see the assignments of their atoms as the
//!   search makes them, and answer with conflicts and propagations explained by short clauses.
//! - **DIMACS** ([`dimacs`]) in and out, for `keyaki sat FILE.cnf` and for benchmarking against
//!   MiniSat on the standard SATLIB families.
//! - **Formulas of keyaki-logic** ([`smt`]): Tseitin encoding into clauses whose literals
//!   include theory atoms, decided with the combined theory solvers of [`theories`] (strings by
//!   automata, numbers and dates by bounds, addresses by ranges, multi-valued keys by reduction
//!   to strings), with a model for every SAT answer.
//! - **A trace** ([`trace`]) of every decision, propagation, conflict, learned clause, backjump
//!   and restart, when asked for.
//!
//! ```
//! use keyaki_solver::{Config, SolveResult, Solver, dimacs};
//!
//! // (x1 ∨ x2) ∧ (¬x1 ∨ x2) ∧ (x1 ∨ ¬x2): only x1 = x2 = true.
//! let cnf = dimacs::parse("p cnf 2 3\n1 2 0\n-1 2 0\n1 -2 0\n").unwrap();
//! let mut solver = Solver::new(Config::default());
//! for clause in &cnf.clauses {
//!     solver.add_clause(clause);
//! }
//! assert_eq!(solver.solve(), SolveResult::Sat(vec![true, true]));
//! ```
//!
//! Outcomes are values ([`SolveResult`]): a budget that runs out is `Unknown`, never a hang.

#![forbid(unsafe_code)]

pub mod clause;
pub mod decide;
pub mod dimacs;
pub mod lit;
pub mod restart;
pub mod smt;
pub mod solver;
pub mod theories;
pub mod theory;
pub mod trace;

pub use keyaki_automata::{Budget, Deadline, expired};
pub use keyaki_logic::Value;
pub use lit::{LBool, Lit, Var};
pub use smt::{Model, PartAnswers, Smt, SmtConfig, SmtResult, check, satisfiable_parts};
pub use solver::{Config, SolveResult, Solver, Stats, StopReason};
pub use theory::{NoTheory, Theory, TheoryResponse};
pub use trace::Event;

#[cfg(test)]
mod tests;
