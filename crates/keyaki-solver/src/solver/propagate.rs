//! Unit propagation with two watched literals.
//!
//! A clause is *unit* when all its literals but one are false: the last one must be true.
//! Finding such clauses is most of a SAT solver's time, and the two-watched-literal scheme
//! (Moskewicz et al., "Chaff", DAC 2001) makes it cheap. Each clause watches two of its
//! literals, kept in positions 0 and 1. **Invariant:** unless the clause is satisfied, its
//! watched literals are not false, except for the one being processed right now. So a clause
//! only needs a look when one of its watched literals becomes false; it then finds another
//! non-false literal to watch, or, failing that, is unit (the other watch is implied) or false
//! (a conflict). Backtracking never touches watches: unassigning only makes literals non-false.
//!
//! Each watch-list entry also carries a *blocker*, another literal of the clause: when it is
//! true the clause is satisfied and its memory is never read.

#![allow(
    clippy::indexing_slicing,
    reason = "literal indices are bounded by the watch and value arrays, which new_var sizes together"
)]

use super::{Solver, Watcher};
use crate::clause::ClauseRef;
use crate::lit::LBool;
use crate::theory::Theory;

impl<T: Theory> Solver<T> {
    /// Propagates every pending assignment; returns a false clause if one appears.
    pub(crate) fn propagate(&mut self) -> Option<ClauseRef> {
        let mut conflict = None;
        while self.queue_head < self.trail.len() && conflict.is_none() {
            let assigned = self.trail[self.queue_head];
            self.queue_head += 1;
            self.stats.propagations += 1;
            let false_lit = !assigned;
            let mut watchers = std::mem::take(&mut self.watches[false_lit.index()]);
            let (mut read, mut write) = (0, 0);
            while read < watchers.len() {
                let watcher = watchers[read];
                read += 1;
                if self.value(watcher.blocker) == LBool::True {
                    watchers[write] = watcher;
                    write += 1;
                    continue;
                }
                let c = watcher.clause;
                if self.db.is_deleted(c) {
                    continue;
                }
                // Make sure the false literal is at position 1.
                if self.db.lit(c, 0) == false_lit {
                    self.db.swap(c, 0, 1);
                }
                let first = self.db.lit(c, 0);
                let kept = Watcher {
                    clause: c,
                    blocker: first,
                };
                if first != watcher.blocker && self.value(first) == LBool::True {
                    watchers[write] = kept;
                    write += 1;
                    continue;
                }
                // Look for a new literal to watch.
                let len = self.db.len(c);
                let mut moved = false;
                for k in 2..len {
                    let candidate = self.db.lit(c, k);
                    if self.value(candidate) != LBool::False {
                        self.db.set_lit(c, 1, candidate);
                        self.db.set_lit(c, k, false_lit);
                        self.watches[candidate.index()].push(kept);
                        moved = true;
                        break;
                    }
                }
                if moved {
                    continue;
                }
                // No replacement: the clause is unit or false.
                watchers[write] = kept;
                write += 1;
                if self.value(first) == LBool::False {
                    conflict = Some(c);
                    self.queue_head = self.trail.len();
                    while read < watchers.len() {
                        watchers[write] = watchers[read];
                        write += 1;
                        read += 1;
                    }
                } else {
                    self.assign(first, Some(c));
                }
            }
            watchers.truncate(write);
            self.watches[false_lit.index()] = watchers;
        }
        conflict
    }
}
