//! Forgetting: deleting learned clauses that no longer pay for themselves.
//!
//! Learned clauses speed up the search but slow down propagation, so the database is trimmed
//! whenever the learned clauses outnumber a bound that grows slowly (MiniSat's schedule). Half
//! of the learned clauses go, the least active first, except those that cannot or should not:
//! clauses that are the reason of a current assignment (*locked*), binary clauses, and *glue*
//! clauses with an LBD of 2 or less, which connect decision levels and tend to stay useful
//! (Audemard and Simon, IJCAI 2009).

#![allow(
    clippy::indexing_slicing,
    reason = "clause literals belong to existing variables"
)]

use super::Solver;
use crate::clause::ClauseRef;
use crate::lit::LBool;
use crate::theory::Theory;
use crate::trace::Event;

impl<T: Theory> Solver<T> {
    fn locked(&self, c: ClauseRef) -> bool {
        let first = self.db.lit(c, 0);
        self.value(first) == LBool::True && self.reason[first.var().index()] == Some(c)
    }

    /// Deletes about half of the learned clauses and grows the bound.
    pub(crate) fn reduce(&mut self) {
        let mut candidates: Vec<ClauseRef> = self
            .db
            .learnts
            .iter()
            .copied()
            .filter(|&c| {
                !self.db.is_deleted(c)
                    && self.db.len(c) > 2
                    && self.db.lbd(c) > 2
                    && !self.locked(c)
            })
            .collect();
        candidates.sort_by(|a, b| self.db.activity(*a).total_cmp(&self.db.activity(*b)));
        let deleted = candidates.len() / 2;
        for &c in candidates.iter().take(deleted) {
            self.db.delete(c);
        }
        let alive: Vec<ClauseRef> = self
            .db
            .learnts
            .iter()
            .copied()
            .filter(|&c| !self.db.is_deleted(c))
            .collect();
        self.db.learnts = alive;
        self.stats.deleted += deleted as u64;
        self.max_learnts *= 1.1;
        if self.db.needs_collection() {
            self.collect_garbage();
        }
        if self.config.trace {
            self.events.push(Event::Reduce { deleted });
        }
    }

    /// Compacts the clause arena and rebuilds the watch lists and reasons.
    fn collect_garbage(&mut self) {
        let moved = self.db.collect();
        for reason in &mut self.reason {
            if let Some(c) = reason {
                *reason = moved.get(c).copied();
            }
        }
        for list in &mut self.watches {
            list.clear();
        }
        let alive: Vec<ClauseRef> = self
            .db
            .originals
            .iter()
            .chain(&self.db.learnts)
            .copied()
            .collect();
        for c in alive {
            self.attach(c);
        }
    }
}
