//! # keyaki-automata: sets of strings, decided exactly
//!
//! Almost every question keyaki asks about an IAM policy is, underneath, a question about sets
//! of strings. Does `s3:Get*` allow anything that `s3:GetObject*` does not? That is: is the
//! set `s3:Get*` ∩ ¬`s3:GetObject*` empty, and if not, what is in it? This crate answers such
//! questions exactly, for any number of patterns, and explains its answers.
//!
//! ## The idea in three steps
//!
//! 1. **Patterns become automata.** An IAM wildcard pattern (literal text, `*`, `?`) is a
//!    [`GlobPattern`]; compiled for a [`CaseMode`] it becomes a [`GlobNfa`], a position
//!    automaton whose state is a bit set of "how much of the pattern has been matched", advanced
//!    one character at a time by a few word operations ([`nfa`]).
//! 2. **Questions become product searches.** A conjunction `x ∈ L1 ∧ x ∉ L2 ∧ …`
//!    ([`Constraint`]s) is decided by a breadth-first search over the product of the automata,
//!    built lazily, state by state, over a finite alphabet that stands for all of Unicode
//!    ([`alphabet`]). The first final state gives the shortest witness; exhausting the search
//!    proves emptiness ([`product`]). A state that an earlier one subsumes is skipped
//!    (antichains), which keeps negations of patterns like `*a??…?` small.
//! 3. **Answers come with reasons.** An empty conjunction comes with a small subset of its
//!    constraints that is already empty (minimal when affordable), which the solver turns into a
//!    short learned clause. A non-empty one comes with a readable witness, preferably a real name
//!    from a list the caller supplies (an action from the IAM catalog rather than `s3:Geta`).
//!
//! ```
//! use keyaki_automata::{Answer, CaseMode, Constraint, Engine, GlobPattern};
//!
//! let engine = Engine::default();
//! let get_all = engine.automaton(&GlobPattern::parse("s3:Get*"), CaseMode::Insensitive);
//! let get_object = engine.automaton(&GlobPattern::parse("s3:GetObject*"), CaseMode::Insensitive);
//! let question = [Constraint::member(get_all.clone()), Constraint::non_member(get_object.clone())];
//!
//! // Something is left, and the shortest such action is `s3:Get` itself.
//! assert_eq!(engine.solve(&question).unwrap().answer, Answer::Witness("s3:Get".into()));
//! // With a list of real names, the witness is a real action.
//! let known = ["s3:GetObject", "s3:GetBucketPolicy"];
//! assert_eq!(engine.solve_preferring(&question, &known).unwrap().answer,
//!            Answer::Witness("s3:GetBucketPolicy".into()));
//! // The other way round, nothing is left: `s3:GetObject*` ⊆ `s3:Get*`.
//! assert!(engine.is_subset(&get_object, &get_all).unwrap());
//! ```
//!
//! ## Budgets
//!
//! Every search is bounded ([`budget`]): by the memory its product states take (128 MiB by
//! default), and by a [`Deadline`] that the caller shares between all the searches of one task.
//! Going over is the value [`BudgetExceeded`], never a panic or unbounded memory. The caches
//! of compiled automata are bounded too, by the bytes they hold ([`cache`]).
//!
//! ## Policy variables
//!
//! A pattern such as `arn:aws:s3:::b/${aws:username}/*` links two string variables, the
//! resource `x` and the user name `v`: `x ∈ A·v·B`. In general that is a word equation
//! (`x ∈ a${v} ∧ x ∉ ${v}a` says `av ≠ va`), which no finite automaton over `x` alone decides,
//! and guessing `v` among "the literals in play" is unsound: `x ∈ ${v} ∧ x ∈ *a* ∧ x ∈ *b*`
//! needs a value containing both `a` and `b`, which no literal may be. So this crate stays
//! single-variable and the encoding (keyaki-check) reduces variables to it, exactly in these
//! cases and over-approximately otherwise:
//!
//! 1. **Fixed value.** When the question fixes `v` (a default value that applies, an equality
//!    on `v` in the same conjunction), substitute it: the template becomes a glob. Exact.
//!    keyaki-check does it per statement (`encode/pinned.rs`): a `StringEquals` on the key, or
//!    a `Principal` naming users and accounts, lists the values the variable can read as.
//! 2. **Shared occurrence.** The same template over the same variable, written in two places
//!    (the common case of an unchanged statement in `check-no-new-access`), is one atom of the
//!    formula (hash-consing), so `x ∈ T ∧ x ∉ T` is a propositional contradiction before any
//!    string reasoning. Exact.
//! 3. **Single occurrence.** When `v` occurs in one membership only, and its own constraints
//!    are one glob `M` (or none, `M = *`): `∃v ∈ M. x ∈ A·v·B ⟺ x ∈ A·M·B`, itself a glob
//!    ([`GlobPattern::concat`]), so a positive occurrence is exact. A negative one,
//!    `∃v ∈ M. x ∉ A·v·B`, holds for every `x` whenever `M` has a member longer than `x`
//!    (then `A·v·B` is too long to be `x`) — true when `M` contains a `*` — so the membership is
//!    dropped; when `M` is finite, the encoding enumerates its members (case analysis). Exact.
//! 4. **Anything else** (a variable coupled across different templates, several wildcard
//!    constraints on it): the encoding replaces `${v}` by `*` where that widens the access of
//!    the policy under test and by a fresh value (a string over a character no pattern names,
//!    longer than every literal) where that narrows the baseline, and the result carries a
//!    warning that it approximated. A PASS stays a proof; a FAIL is replayed through the
//!    concrete evaluator and turns into UNKNOWN when the replay does not confirm it.
//!
//! ## Why hand-written, not regex-automata
//!
//! regex-automata's DFAs are fast and well tested, but they have no product or complement, and
//! determinizing blows up on the patterns that matter here (`*a*a*a*` against many negations).
//! The bit-parallel position automaton explored lazily builds only the product states the
//! search reaches, yields shortest readable witnesses, and attributes every pruning to one
//! constraint, which is the explanation. regex-automata serves as the independent oracle in the
//! tests, and `cargo xtask bench-automata` compares the two on real patterns.

#![forbid(unsafe_code)]

pub mod alphabet;
mod antichain;
pub mod budget;
pub mod cache;
pub mod dot;
pub mod glob;
pub mod nfa;
pub mod product;

pub use alphabet::Alphabet;
pub use budget::{Budget, BudgetExceeded, Deadline, expired};
pub use cache::{AutomataCache, CACHE_BYTES};
pub use glob::{CaseMode, GlobPattern, Piece, fold_case};
pub use nfa::GlobNfa;
pub use product::{Answer, Constraint, Search, solve};

use std::sync::{Arc, PoisonError, RwLock};

/// Compiles patterns once per run and answers questions about them.
///
/// Automata are cached by (pattern, case mode) within [`CACHE_BYTES`] ([`crate::cache`]), so
/// a pattern shared by two policies, or asked about in many questions, is compiled once. The
/// engine is `Sync`; the cache is behind a read-write lock.
#[derive(Debug, Default)]
pub struct Engine {
    cache: Arc<RwLock<AutomataCache>>,
    budget: Budget,
}

/// The automaton of a pattern from this thread's cache, compiled on first use.
///
/// A batch of checks over the same policies (each check on one thread) then compiles each
/// pattern once per thread, not once per check, without threads waiting on each other.
/// Automata are immutable, so sharing them changes no answer. The cache holds at most
/// [`CACHE_BYTES`] per thread.
pub fn thread_cached(pattern: &GlobPattern, case: CaseMode) -> Arc<GlobNfa> {
    thread_local! {
        static CACHE: std::cell::RefCell<AutomataCache> = std::cell::RefCell::default();
    }
    CACHE.with(|cache| {
        cache.borrow_mut().get_or_compile(pattern, case, || {
            Arc::new(GlobNfa::new(pattern.clone(), case))
        })
    })
}

impl Engine {
    /// An engine with a given budget per search and a cache of its own.
    pub fn with_budget(budget: Budget) -> Self {
        Engine {
            cache: Arc::default(),
            budget,
        }
    }

    /// The automaton of a pattern, compiled on first use.
    pub fn automaton(&self, pattern: &GlobPattern, case: CaseMode) -> Arc<GlobNfa> {
        if let Some(found) = self
            .cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(pattern, case)
        {
            return found;
        }
        // Compiled outside the lock, so other threads are not held up; readers share it.
        let compiled = Arc::new(GlobNfa::new(pattern.clone(), case));
        self.cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(compiled)
    }

    /// The automaton matching exactly `text`: `x ≠ "text"` is
    /// `Constraint::non_member(engine.literal("text", case))`.
    pub fn literal(&self, text: &str, case: CaseMode) -> Arc<GlobNfa> {
        self.automaton(&GlobPattern::literal(text), case)
    }

    /// The number of distinct automata compiled so far.
    pub fn cached(&self) -> usize {
        self.cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Decides a conjunction: a shortest readable witness, or an explanation of emptiness.
    pub fn solve(&self, constraints: &[Constraint]) -> Result<Search, BudgetExceeded> {
        product::solve(constraints, self.budget)
    }

    /// Like [`Engine::solve`], but when some of the `known` names (in their order) satisfies
    /// every constraint, that name is the witness.
    pub fn solve_preferring(
        &self,
        constraints: &[Constraint],
        known: &[&str],
    ) -> Result<Search, BudgetExceeded> {
        let fits = |name: &&str| {
            constraints
                .iter()
                .all(|c| c.automaton.matches(name) == c.positive)
        };
        if let Some(name) = known.iter().copied().find(fits) {
            return Ok(Search {
                answer: Answer::Witness(name.to_string()),
                states: 0,
            });
        }
        self.solve(constraints)
    }

    /// Whether `L(a) ⊆ L(b)`: `x ∈ a ∧ x ∉ b` is empty.
    pub fn is_subset(&self, a: &Arc<GlobNfa>, b: &Arc<GlobNfa>) -> Result<bool, BudgetExceeded> {
        let question = [
            Constraint::member(a.clone()),
            Constraint::non_member(b.clone()),
        ];
        Ok(matches!(
            self.solve(&question)?.answer,
            Answer::Empty { .. }
        ))
    }

    /// Whether `L(a) = L(b)`.
    pub fn equivalent(&self, a: &Arc<GlobNfa>, b: &Arc<GlobNfa>) -> Result<bool, BudgetExceeded> {
        Ok(self.is_subset(a, b)? && self.is_subset(b, a)?)
    }
}

#[cfg(test)]
mod tests;
