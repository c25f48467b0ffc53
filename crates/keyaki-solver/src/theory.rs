//! The DPLL(T) seam: how a theory solver plugs into the SAT core.
//!
//! Some propositional variables stand for *theory atoms* (`Action ∈ s3:Get*`, `age < 30`). The
//! SAT core assigns them like any variable; a [`Theory`] watches those assignments and says when
//! they are inconsistent in its domain, which the core then treats like any conflict (Nieuwenhuis,
//! Oliveras and Tinelli, "Solving SAT and SAT Modulo Theories", JACM 2006). The interface is the
//! one batsat made small:
//!
//! - the core tells the theory when a decision level is opened and how many are undone on a
//!   backjump, so the theory can undo its own state in step;
//! - [`Theory::partial_check`] runs after each round of unit propagation with the theory
//!   literals assigned since the last check; it may stay silent, *propagate* implied literals
//!   (each with an explanation), or raise a *conflict*: a clause, false under the current
//!   assignment, whose literals are the negations of the atoms that cannot hold together. A
//!   short explanation (not the whole trail) is what makes learning effective;
//! - [`Theory::final_check`] runs when every variable is assigned; silence there means the
//!   assignment is a model in the theory too.
//!
//! Explanations become clauses of the core (theory lemmas, valid in the theory), so conflict
//! analysis and backjumping need no special case for them. The explanation of a propagation is
//! kept for good, in this search and in later ones of the same solver: a theory need not
//! propagate the same implication twice, unit propagation does it from then on.

use crate::lit::Lit;

/// What a theory answers after looking at the new assignments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TheoryResponse {
    /// A clause false under the current assignment (`None`: no conflict).
    pub conflict: Option<Vec<Lit>>,
    /// Implied literals, each with the literals (currently true) that imply it.
    pub propagations: Vec<(Lit, Vec<Lit>)>,
}

impl TheoryResponse {
    /// Nothing to say: consistent so far.
    pub fn consistent() -> Self {
        TheoryResponse::default()
    }

    /// A conflict clause.
    pub fn conflict(clause: Vec<Lit>) -> Self {
        TheoryResponse {
            conflict: Some(clause),
            propagations: Vec::new(),
        }
    }
}

/// A theory solver cooperating with the SAT core.
pub trait Theory {
    /// A new decision level was opened.
    fn push_level(&mut self);

    /// The newest `levels` decision levels were undone: forget what was asserted in them.
    fn pop_levels(&mut self, levels: usize);

    /// Theory literals assigned since the last call, in trail order, with the full trail for
    /// context. Called after every round of unit propagation that ended without conflict.
    fn partial_check(&mut self, new: &[Lit]) -> TheoryResponse;

    /// Every variable is assigned; `new` as in [`Theory::partial_check`]. Silence means SAT.
    fn final_check(&mut self, new: &[Lit]) -> TheoryResponse;
}

/// The empty theory: pure SAT.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTheory;

impl Theory for NoTheory {
    fn push_level(&mut self) {}
    fn pop_levels(&mut self, _levels: usize) {}
    fn partial_check(&mut self, _new: &[Lit]) -> TheoryResponse {
        TheoryResponse::consistent()
    }
    fn final_check(&mut self, _new: &[Lit]) -> TheoryResponse {
        TheoryResponse::consistent()
    }
}
