//! Conflict analysis: from a false clause to a learned clause and a backjump level.
//!
//! Starting from the conflict clause, the literals assigned at the current decision level are
//! resolved away, newest first, against the clauses that implied them, until exactly one
//! remains: the *first unique implication point* (1UIP; Marques-Silva and Sakallah, "GRASP",
//! 1999; Zhang et al., ICCAD 2001). The learned clause says "not all of these together": it is
//! false now, and after undoing everything above its second-highest level it becomes unit,
//! asserting the negation of the UIP.
//!
//! The clause is then *minimized* (Sörensson and Biere, SAT 2009): a literal is dropped when
//! the literals of its reason clause are, recursively, already in the clause or implied by it.
//! A literal's decision level is abstracted to one bit of a 32-bit mask, which rules out most
//! recursions cheaply.

#![allow(
    clippy::indexing_slicing,
    reason = "variables come from clauses of this solver, all below num_vars; the trail is non-empty during a conflict"
)]

use super::Solver;
use crate::clause::ClauseRef;
use crate::lit::Lit;
use crate::theory::Theory;

impl<T: Theory> Solver<T> {
    /// Analyzes a conflict at the current level: the learned clause (asserting literal first,
    /// a literal of the backjump level second), the backjump level, and the clause's LBD.
    pub(crate) fn analyze(&mut self, conflict: ClauseRef) -> (Vec<Lit>, usize, u32) {
        let current = self.decision_level() as u32;
        let mut learnt: Vec<Lit> = vec![Lit(0)]; // slot 0: the UIP, filled in at the end
        let mut pending = 0; // literals of the current level still to resolve
        let mut clause = conflict;
        let mut index = self.trail.len();
        let mut uip: Option<Lit> = None;
        loop {
            if self.db.is_learnt(clause) {
                self.bump_clause(clause);
            }
            let start = usize::from(uip.is_some()); // a reason's literal 0 is the implied one
            for i in start..self.db.len(clause) {
                let q = self.db.lit(clause, i);
                let var = q.var();
                if self.seen[var.index()] || self.level[var.index()] == 0 {
                    continue;
                }
                self.decider.bump(var);
                self.seen[var.index()] = true;
                if self.level[var.index()] >= current {
                    pending += 1;
                } else {
                    learnt.push(q);
                }
            }
            // The newest literal of the current level among those seen.
            loop {
                index -= 1;
                if self.seen[self.trail[index].var().index()] {
                    break;
                }
            }
            let p = self.trail[index];
            self.seen[p.var().index()] = false;
            pending -= 1;
            uip = Some(p);
            if pending == 0 {
                break;
            }
            match self.reason[p.var().index()] {
                Some(reason) => clause = reason,
                None => break, // cannot happen: only the UIP may be a decision
            }
        }
        if let Some(p) = uip {
            learnt[0] = !p;
        }
        let before = learnt.clone();
        self.minimize(&mut learnt);
        for lit in &before {
            self.seen[lit.var().index()] = false;
        }
        // The backjump level: the highest level among the other literals, placed at index 1.
        let mut backjump = 0;
        if learnt.len() > 1 {
            let mut best = 1;
            for i in 2..learnt.len() {
                if self.level[learnt[i].var().index()] > self.level[learnt[best].var().index()] {
                    best = i;
                }
            }
            learnt.swap(1, best);
            backjump = self.level[learnt[1].var().index()] as usize;
        }
        let lbd = self.lbd(&learnt);
        (learnt, backjump, lbd)
    }

    /// Drops literals implied by the rest of the clause (recursive minimization).
    fn minimize(&mut self, learnt: &mut Vec<Lit>) {
        let levels = learnt
            .iter()
            .skip(1)
            .fold(0u32, |mask, l| mask | self.abstract_level(*l));
        let mut cleared: Vec<Lit> = Vec::new();
        let mut kept = vec![learnt[0]];
        for &lit in learnt.iter().skip(1) {
            let redundant = self.reason[lit.var().index()].is_some()
                && self.redundant(lit, levels, &mut cleared);
            if !redundant {
                kept.push(lit);
            }
        }
        for lit in cleared {
            self.seen[lit.var().index()] = false;
        }
        *learnt = kept;
    }

    fn abstract_level(&self, lit: Lit) -> u32 {
        1 << (self.level[lit.var().index()] & 31)
    }

    /// Whether `lit` (in the clause, with a reason) follows from the other marked literals.
    /// Literals proved along the way stay marked (and are recorded in `cleared`).
    fn redundant(&mut self, lit: Lit, levels: u32, cleared: &mut Vec<Lit>) -> bool {
        let mut stack = vec![lit];
        let top = cleared.len();
        while let Some(q) = stack.pop() {
            let Some(reason) = self.reason[q.var().index()] else {
                continue;
            };
            for i in 1..self.db.len(reason) {
                let l = self.db.lit(reason, i);
                let var = l.var().index();
                if self.seen[var] || self.level[var] == 0 {
                    continue;
                }
                if self.reason[var].is_some() && self.abstract_level(l) & levels != 0 {
                    self.seen[var] = true;
                    stack.push(l);
                    cleared.push(l);
                } else {
                    for undone in cleared.drain(top..) {
                        self.seen[undone.var().index()] = false;
                    }
                    return false;
                }
            }
        }
        true
    }

    /// The number of distinct decision levels among the literals.
    pub(crate) fn lbd(&self, lits: &[Lit]) -> u32 {
        let mut levels: Vec<u32> = lits.iter().map(|l| self.level[l.var().index()]).collect();
        levels.sort_unstable();
        levels.dedup();
        levels.len() as u32
    }
}
