//! The CDCL search: decide, propagate, analyze conflicts, learn, backjump, restart.
//!
//! This is conflict-driven clause learning in the architecture of MiniSat (Eén and Sörensson,
//! SAT 2003), the same loop every modern solver runs:
//!
//! ```text
//! loop:
//!     propagate units (two watched literals)            — propagate.rs
//!     if a clause is false:
//!         at level 0 → UNSAT
//!         learn the first-UIP clause, minimized          — analyze.rs
//!         backjump to its second-highest level, assert it
//!     else if the theory objects: the same, with its clause
//!     else if the restart schedule says so: back to level 0
//!     else if too many learned clauses: delete the worst — reduce.rs
//!     else decide the most active unassigned variable     — decide.rs
//!          (none left and the theory agrees → SAT)
//! ```
//!
//! Outcomes are values: [`SolveResult::Sat`] with a model, [`SolveResult::Unsat`], or
//! [`SolveResult::Unknown`] when the [`Config`] budget (conflicts or a deadline) runs out. The
//! deadline is looked at after every conflict and every [`DEADLINE_EVERY`] decisions, so a
//! search without conflicts stops in time too.

#![allow(
    clippy::indexing_slicing,
    reason = "variables and literals index arrays that `new_var` sizes; clauses only hold literals of existing variables"
)]

mod analyze;
mod propagate;
mod reduce;

use crate::clause::{ClauseDb, ClauseRef};
use crate::decide::Decider;
use crate::lit::{LBool, Lit, Var};
use crate::restart::luby;
use crate::theory::{NoTheory, Theory, TheoryResponse};
use crate::trace::Event;
use keyaki_automata::Deadline;
use std::fmt;

/// Limits and tuning.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Stop with `Unknown` after this many conflicts.
    pub max_conflicts: Option<u64>,
    /// Stop with `Unknown` once this deadline has passed (shared with the theory's searches).
    pub deadline: Option<Deadline>,
    /// Record every step (see [`crate::trace`]).
    pub trace: bool,
    /// Conflicts before the first restart; later ones follow the Luby sequence.
    pub restart_base: u64,
    /// VSIDS decay (MiniSat: 0.95).
    pub var_decay: f64,
    /// Learned-clause activity decay (MiniSat: 0.999).
    pub clause_decay: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_conflicts: None,
            deadline: None,
            trace: false,
            restart_base: 100,
            var_decay: 0.95,
            clause_decay: 0.999,
        }
    }
}

/// Why a search stopped without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The conflict budget ran out.
    Conflicts(u64),
    /// The deadline passed.
    Time(Deadline),
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::Conflicts(n) => write!(f, "conflict budget of {n} exhausted"),
            StopReason::Time(deadline) => deadline.fmt(f),
        }
    }
}

/// The search looks at its deadline after this many decisions without a conflict.
pub const DEADLINE_EVERY: u64 = 1024;

/// The answer of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SolveResult {
    /// Satisfiable: the value of every variable.
    Sat(Vec<bool>),
    /// Unsatisfiable.
    Unsat,
    /// No answer within the budget.
    Unknown(StopReason),
}

/// Counters, for benchmarks and curiosity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Decisions made.
    pub decisions: u64,
    /// Literals assigned by propagation.
    pub propagations: u64,
    /// Conflicts met.
    pub conflicts: u64,
    /// Restarts.
    pub restarts: u64,
    /// Learned clauses deleted.
    pub deleted: u64,
}

/// Why propagation cannot go on.
enum Blocked {
    /// This clause is false (`true`: raised by the theory).
    Conflict(ClauseRef, bool),
    /// The theory declared the problem unsatisfiable outright (an empty conflict clause).
    Unsat,
}

/// Where a search loop iteration ended.
enum Round {
    Answer(SolveResult),
    Restart,
}

/// A CDCL solver, optionally cooperating with a theory `T`.
pub struct Solver<T: Theory = NoTheory> {
    pub(crate) db: ClauseDb,
    /// `watches[l]`: the clauses watching literal `l` (looked at when `l` becomes false).
    pub(crate) watches: Vec<Vec<Watcher>>,
    /// Value of each literal.
    pub(crate) values: Vec<LBool>,
    pub(crate) level: Vec<u32>,
    pub(crate) reason: Vec<Option<ClauseRef>>,
    pub(crate) trail: Vec<Lit>,
    pub(crate) trail_lim: Vec<usize>,
    pub(crate) queue_head: usize,
    pub(crate) decider: Decider,
    pub(crate) seen: Vec<bool>,
    pub(crate) clause_increment: f32,
    /// False once the clauses are known unsatisfiable (a conflict at level 0).
    ok: bool,
    config: Config,
    pub(crate) stats: Stats,
    pub(crate) max_learnts: f64,
    pub(crate) events: Vec<Event>,
    theory: T,
    /// Trail position up to which the theory has seen assignments.
    theory_head: usize,
    theory_atoms: Vec<bool>,
}

/// An entry of a watch list: the clause, and a literal of it whose truth makes visiting the
/// clause unnecessary (the *blocker*; Chu, Harwood and Stuckey, 2008).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Watcher {
    pub(crate) clause: ClauseRef,
    pub(crate) blocker: Lit,
}

impl Solver<NoTheory> {
    /// A pure SAT solver.
    pub fn new(config: Config) -> Self {
        Solver::with_theory(config, NoTheory)
    }
}

impl<T: Theory> Solver<T> {
    /// A solver whose theory atoms are decided together with `theory`.
    pub fn with_theory(config: Config, theory: T) -> Self {
        Solver {
            db: ClauseDb::default(),
            watches: Vec::new(),
            values: Vec::new(),
            level: Vec::new(),
            reason: Vec::new(),
            trail: Vec::new(),
            trail_lim: Vec::new(),
            queue_head: 0,
            decider: Decider::new(config.var_decay),
            seen: Vec::new(),
            clause_increment: 1.0,
            ok: true,
            config,
            stats: Stats::default(),
            max_learnts: 0.0,
            events: Vec::new(),
            theory,
            theory_head: 0,
            theory_atoms: Vec::new(),
        }
    }

    /// A fresh variable.
    pub fn new_var(&mut self) -> Var {
        let var = Var(self.level.len() as u32);
        self.watches.push(Vec::new());
        self.watches.push(Vec::new());
        self.values.push(LBool::Undef);
        self.values.push(LBool::Undef);
        self.level.push(0);
        self.reason.push(None);
        self.seen.push(false);
        self.theory_atoms.push(false);
        self.decider.add_var();
        var
    }

    /// Sets the phase a variable is first decided in (phase saving takes over afterwards).
    pub fn set_phase(&mut self, var: Var, value: bool) {
        if let Some(phase) = self.decider.phase.get_mut(var.index()) {
            *phase = value;
        }
    }

    /// Marks a variable as a theory atom: its assignments are reported to the theory.
    pub fn set_theory_atom(&mut self, var: Var) {
        self.theory_atoms[var.index()] = true;
    }

    /// The number of variables.
    pub fn num_vars(&self) -> usize {
        self.level.len()
    }

    /// The theory.
    pub fn theory(&self) -> &T {
        &self.theory
    }

    /// The theory, to configure it.
    pub fn theory_mut(&mut self) -> &mut T {
        &mut self.theory
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The recorded steps (empty unless `Config::trace`).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub(crate) fn value(&self, lit: Lit) -> LBool {
        self.values[lit.index()]
    }

    pub(crate) fn decision_level(&self) -> usize {
        self.trail_lim.len()
    }

    fn record(&mut self, event: impl FnOnce() -> Event) {
        if self.config.trace {
            self.events.push(event());
        }
    }

    /// Adds a clause of the problem (only at level 0, before or between searches). Literals of
    /// variables not yet created are created. Returns `false` when the clauses are already
    /// known unsatisfiable.
    pub fn add_clause(&mut self, lits: &[Lit]) -> bool {
        if !self.ok {
            return false;
        }
        self.cancel_until(0);
        let needed = lits.iter().map(|l| l.var().index() + 1).max().unwrap_or(0);
        while self.num_vars() < needed {
            self.new_var();
        }
        let mut clause: Vec<Lit> = lits.to_vec();
        clause.sort_unstable();
        clause.dedup();
        // A tautology, or a clause already true at level 0, adds nothing.
        if clause.windows(2).any(|w| w[0] == !w[1])
            || clause.iter().any(|l| self.value(*l) == LBool::True)
        {
            return true;
        }
        clause.retain(|l| self.value(*l) != LBool::False);
        match clause.len() {
            0 => {
                self.ok = false;
                false
            }
            1 => {
                self.assign(clause[0], None);
                self.ok = self.propagate().is_none();
                self.ok
            }
            _ => {
                let c = self.db.add(&clause, false, 0);
                self.attach(c);
                true
            }
        }
    }

    pub(crate) fn attach(&mut self, c: ClauseRef) {
        let (first, second) = (self.db.lit(c, 0), self.db.lit(c, 1));
        self.watches[first.index()].push(Watcher {
            clause: c,
            blocker: second,
        });
        self.watches[second.index()].push(Watcher {
            clause: c,
            blocker: first,
        });
    }

    /// Makes `lit` true at the current level, with the clause that implied it (if any).
    pub(crate) fn assign(&mut self, lit: Lit, reason: Option<ClauseRef>) {
        let var = lit.var().index();
        self.values[lit.index()] = LBool::True;
        self.values[(!lit).index()] = LBool::False;
        self.level[var] = self.decision_level() as u32;
        self.reason[var] = reason;
        self.trail.push(lit);
        if let (true, Some(c)) = (self.config.trace, reason) {
            let clause = self.db.lits(c).to_vec();
            self.events.push(Event::Propagate {
                literal: lit,
                clause,
            });
        }
    }

    /// Undoes every assignment above `level`, saving phases and returning variables to the heap.
    pub(crate) fn cancel_until(&mut self, level: usize) {
        if self.decision_level() <= level {
            return;
        }
        let keep = self.trail_lim[level];
        for i in (keep..self.trail.len()).rev() {
            let lit = self.trail[i];
            let var = lit.var();
            self.values[lit.index()] = LBool::Undef;
            self.values[(!lit).index()] = LBool::Undef;
            self.reason[var.index()] = None;
            self.decider.phase[var.index()] = lit.is_positive();
            self.decider.insert(var);
        }
        let popped = self.decision_level() - level;
        self.trail.truncate(keep);
        self.trail_lim.truncate(level);
        self.queue_head = keep;
        self.theory_head = self.theory_head.min(keep);
        self.theory.pop_levels(popped);
    }

    /// Searches for a model.
    pub fn solve(&mut self) -> SolveResult {
        if !self.ok {
            self.record(|| Event::Unsat);
            return SolveResult::Unsat;
        }
        self.max_learnts = (self.db.originals.len() as f64 / 3.0).max(1000.0);
        let mut restarts = 0;
        loop {
            let budget = (luby(2.0, restarts) * self.config.restart_base as f64) as u64;
            match self.search(budget) {
                Round::Answer(answer) => {
                    if answer != SolveResult::Unsat {
                        // Keep the clauses usable for another call: back to level 0.
                        let model = answer.clone();
                        self.cancel_until(0);
                        return model;
                    }
                    self.ok = false;
                    return answer;
                }
                Round::Restart => {
                    restarts += 1;
                    self.stats.restarts += 1;
                    self.record(|| Event::Restart);
                }
            }
        }
    }

    /// One run between restarts: at most `conflict_budget` conflicts.
    fn search(&mut self, conflict_budget: u64) -> Round {
        let mut conflicts_here = 0;
        loop {
            let blocked = match self.propagate() {
                Some(c) => Some(Blocked::Conflict(c, false)),
                None => self.consult_theory(false),
            };
            if let Some(blocked) = blocked {
                conflicts_here += 1;
                if let Some(answer) = self.resolve(blocked) {
                    return Round::Answer(answer);
                }
                if let Some(stop) = self.over_budget() {
                    return Round::Answer(SolveResult::Unknown(stop));
                }
                continue;
            }
            if conflicts_here >= conflict_budget {
                self.cancel_until(0);
                return Round::Restart;
            }
            if self.db.learnts.len() as f64 - self.trail.len() as f64 >= self.max_learnts {
                self.reduce();
            }
            if self.stats.decisions.is_multiple_of(DEADLINE_EVERY)
                && let Some(deadline) = self.config.deadline.filter(|d| d.passed())
            {
                return Round::Answer(SolveResult::Unknown(StopReason::Time(deadline)));
            }
            let Some(decision) = self.pick_branch() else {
                // Every variable is assigned: the theory has the last word.
                match self.consult_theory(true) {
                    None => {
                        self.record(|| Event::Model);
                        let model = (0..self.num_vars())
                            .map(|v| self.value(Var(v as u32).positive()) == LBool::True)
                            .collect();
                        return Round::Answer(SolveResult::Sat(model));
                    }
                    Some(blocked) => {
                        if let Some(answer) = self.resolve(blocked) {
                            return Round::Answer(answer);
                        }
                        continue;
                    }
                }
            };
            self.stats.decisions += 1;
            self.trail_lim.push(self.trail.len());
            self.theory.push_level();
            let level = self.decision_level();
            self.record(|| Event::Decide {
                literal: decision,
                level,
            });
            self.assign(decision, None);
        }
    }

    fn over_budget(&self) -> Option<StopReason> {
        if let Some(max) = self.config.max_conflicts
            && self.stats.conflicts >= max
        {
            return Some(StopReason::Conflicts(max));
        }
        self.config
            .deadline
            .filter(|d| d.passed())
            .map(StopReason::Time)
    }

    /// The most active unassigned variable, in its saved phase.
    fn pick_branch(&mut self) -> Option<Lit> {
        while let Some(var) = self.decider.pop() {
            if self.value(var.positive()) == LBool::Undef {
                return Some(var.lit(self.decider.phase[var.index()]));
            }
        }
        None
    }

    fn resolve(&mut self, blocked: Blocked) -> Option<SolveResult> {
        match blocked {
            Blocked::Conflict(clause, from_theory) => self.resolve_conflict(clause, from_theory),
            Blocked::Unsat => {
                self.record(|| Event::Unsat);
                Some(SolveResult::Unsat)
            }
        }
    }

    /// Learns from a conflict clause (all of whose literals are false) and backjumps; returns
    /// the answer when the conflict is at level 0.
    fn resolve_conflict(&mut self, conflict: ClauseRef, from_theory: bool) -> Option<SolveResult> {
        self.stats.conflicts += 1;
        if self.config.trace {
            let mut clause = self.db.lits(conflict).to_vec();
            clause.dedup(); // a unit theory conflict is stored with its literal twice
            self.events.push(Event::Conflict {
                clause,
                theory: from_theory,
            });
        }
        // A theory conflict may lie entirely below the current level: go down to where it bites.
        let top = self
            .db
            .lits(conflict)
            .iter()
            .map(|l| self.level[l.var().index()] as usize)
            .max()
            .unwrap_or(0);
        if top == 0 {
            self.record(|| Event::Unsat);
            return Some(SolveResult::Unsat);
        }
        if top < self.decision_level() {
            self.cancel_until(top);
        }
        let (learnt, backjump, lbd) = self.analyze(conflict);
        self.record(|| Event::Learn {
            clause: learnt.clone(),
            lbd,
        });
        self.cancel_until(backjump);
        self.record(|| Event::Backjump { level: backjump });
        if learnt.len() == 1 {
            self.assign(learnt[0], None);
        } else {
            let c = self.db.add(&learnt, true, lbd);
            self.attach(c);
            self.bump_clause(c);
            self.assign(learnt[0], Some(c));
        }
        self.decider.decay();
        self.clause_increment /= self.config.clause_decay as f32;
        None
    }

    /// Tells the theory what was assigned since it last looked; turns its answer into a
    /// conflict clause or propagations. `complete` for the final check.
    fn consult_theory(&mut self, complete: bool) -> Option<Blocked> {
        loop {
            let new: Vec<Lit> = self.trail[self.theory_head..]
                .iter()
                .copied()
                .filter(|l| self.theory_atoms[l.var().index()])
                .collect();
            self.theory_head = self.trail.len();
            if new.is_empty() && !complete {
                return None;
            }
            let TheoryResponse {
                conflict,
                propagations,
            } = if complete {
                self.theory.final_check(&new)
            } else {
                self.theory.partial_check(&new)
            };
            if let Some(clause) = conflict {
                return Some(self.theory_clause(&clause));
            }
            if propagations.is_empty() {
                return None;
            }
            // Every explanation is kept for good, whatever its literal's value, before any is
            // acted on: the theory need not propagate it again, unit propagation does.
            let explained: Vec<(Lit, Vec<Lit>, Option<ClauseRef>)> = propagations
                .into_iter()
                .map(|(lit, because)| {
                    let mut clause = vec![lit];
                    clause.extend(because.iter().map(|l| !*l));
                    let reason = self.explanation(&clause);
                    (lit, clause, reason)
                })
                .collect();
            // Each clause kept must be true or unit-propagated: every open literal is assigned
            // before the first conflict met is answered.
            let mut conflict = None;
            for (lit, clause, reason) in explained {
                self.record(|| Event::TheoryPropagate {
                    literal: lit,
                    because: clause.iter().skip(1).map(|l| !*l).collect(),
                });
                match self.value(lit) {
                    LBool::True => {}
                    LBool::False if conflict.is_none() => {
                        conflict = Some(match reason {
                            Some(c) => Blocked::Conflict(c, true),
                            None => self.theory_clause(&clause),
                        });
                    }
                    LBool::False => {}
                    LBool::Undef => self.assign(lit, reason),
                }
            }
            if conflict.is_some() {
                return conflict;
            }
            if let Some(c) = self.propagate() {
                return Some(Blocked::Conflict(c, false));
            }
            if complete && self.trail.len() < self.num_vars() {
                // Propagation left variables open: decide them before the final check.
                return None;
            }
        }
    }

    /// Stores a theory lemma as a learned clause (none for a unit), for use as a reason.
    fn lemma(&mut self, clause: &[Lit]) -> Option<ClauseRef> {
        if clause.len() < 2 {
            return None;
        }
        let c = self.db.add(clause, true, clause.len() as u32);
        self.attach(c);
        Some(c)
    }

    /// Stores the explanation of a theory propagation (`lit ∨ ¬because…`) as a clause of the
    /// problem, never deleted: valid in the theory, and propagated by the core from now on, in
    /// this search and later ones (none for a unit, whose literal is its own reason).
    fn explanation(&mut self, clause: &[Lit]) -> Option<ClauseRef> {
        if clause.len() < 2 {
            return None;
        }
        let c = self.db.add(clause, false, clause.len() as u32);
        self.attach(c);
        Some(c)
    }

    /// A theory conflict clause as a clause of the database.
    fn theory_clause(&mut self, clause: &[Lit]) -> Blocked {
        let mut lits = clause.to_vec();
        if lits.len() == 1 {
            // A unit conflict: pair the literal with itself so the clause machinery applies.
            lits.push(lits[0]);
        }
        match self.lemma(&lits) {
            Some(c) => Blocked::Conflict(c, true),
            None => Blocked::Unsat,
        }
    }

    pub(crate) fn bump_clause(&mut self, c: ClauseRef) {
        let activity = self.db.activity(c) + self.clause_increment;
        self.db.set_activity(c, activity);
        if activity > 1e20 {
            for &l in &self.db.learnts.clone() {
                let a = self.db.activity(l);
                self.db.set_activity(l, a * 1e-20);
            }
            self.clause_increment *= 1e-20;
        }
    }
}
