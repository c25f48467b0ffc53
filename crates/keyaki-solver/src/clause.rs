//! The clause database: every clause in one flat arena.
//!
//! Unit propagation visits clauses millions of times a second, so where they live matters
//! more than how they are described. All clauses sit in one vector of 32-bit words: a
//! three-word header (length; flags and LBD; activity) followed by the literals. The words are
//! typed `Lit` throughout (a header word is a `Lit` holding a raw number) so that a clause's
//! literals are a plain `&[Lit]` slice of the arena, in safe Rust. A clause is named by its offset,
//! a [`ClauseRef`]. Deleting a clause only marks it; when a quarter of the arena is garbage,
//! [`ClauseDb::collect`] compacts it and returns the map from old to new offsets, which the
//! solver applies to its watch lists and reasons.
//!
//! Learned clauses carry two scores: an *activity* (bumped when the clause takes part in a
//! conflict, decayed otherwise, as in MiniSat) and an *LBD*, the number of distinct decision
//! levels among its literals when learned (Audemard and Simon, "Predicting Learnt Clauses
//! Quality in Modern SAT Solvers", IJCAI 2009): clauses with LBD ≤ 2 ("glue") are never deleted.

#![allow(
    clippy::indexing_slicing,
    reason = "offsets are created by this module and always point at a header inside the arena"
)]

use crate::lit::Lit;
use std::collections::HashMap;

/// The offset of a clause in the arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClauseRef(pub u32);

const HEADER: usize = 3;
const LEARNT: u32 = 1;
const DELETED: u32 = 2;
const FLAG_BITS: u32 = 2;

/// All clauses, original and learned.
#[derive(Debug, Default, Clone)]
pub struct ClauseDb {
    arena: Vec<Lit>,
    wasted: usize,
    /// Offsets of the learned clauses still alive.
    pub learnts: Vec<ClauseRef>,
    /// Offsets of the original clauses.
    pub originals: Vec<ClauseRef>,
}

impl ClauseDb {
    /// Adds a clause of at least two literals; learned clauses get an LBD.
    pub fn add(&mut self, lits: &[Lit], learnt: bool, lbd: u32) -> ClauseRef {
        let at = ClauseRef(u32::try_from(self.arena.len()).unwrap_or(u32::MAX));
        self.arena.push(Lit(lits.len() as u32));
        self.arena
            .push(Lit((lbd << FLAG_BITS) | if learnt { LEARNT } else { 0 }));
        self.arena.push(Lit(0f32.to_bits()));
        self.arena.extend_from_slice(lits);
        if learnt {
            self.learnts.push(at);
        } else {
            self.originals.push(at);
        }
        at
    }

    /// The number of literals.
    pub fn len(&self, c: ClauseRef) -> usize {
        self.arena[c.0 as usize].0 as usize
    }

    /// The literals.
    pub fn lits(&self, c: ClauseRef) -> &[Lit] {
        let start = c.0 as usize + HEADER;
        &self.arena[start..start + self.len(c)]
    }

    /// One literal.
    pub fn lit(&self, c: ClauseRef, i: usize) -> Lit {
        self.arena[c.0 as usize + HEADER + i]
    }

    /// Replaces one literal.
    pub fn set_lit(&mut self, c: ClauseRef, i: usize, lit: Lit) {
        self.arena[c.0 as usize + HEADER + i] = lit;
    }

    /// Swaps two literals.
    pub fn swap(&mut self, c: ClauseRef, i: usize, j: usize) {
        let base = c.0 as usize + HEADER;
        self.arena.swap(base + i, base + j);
    }

    /// Whether the clause was learned.
    pub fn is_learnt(&self, c: ClauseRef) -> bool {
        self.arena[c.0 as usize + 1].0 & LEARNT != 0
    }

    /// Whether the clause was deleted.
    pub fn is_deleted(&self, c: ClauseRef) -> bool {
        self.arena[c.0 as usize + 1].0 & DELETED != 0
    }

    /// The LBD recorded when the clause was learned.
    pub fn lbd(&self, c: ClauseRef) -> u32 {
        self.arena[c.0 as usize + 1].0 >> FLAG_BITS
    }

    /// Lowers the recorded LBD (it only ever improves).
    pub fn set_lbd(&mut self, c: ClauseRef, lbd: u32) {
        let flags = self.arena[c.0 as usize + 1].0 & ((1 << FLAG_BITS) - 1);
        self.arena[c.0 as usize + 1] = Lit((lbd << FLAG_BITS) | flags);
    }

    /// The activity of a learned clause.
    pub fn activity(&self, c: ClauseRef) -> f32 {
        f32::from_bits(self.arena[c.0 as usize + 2].0)
    }

    /// Sets the activity of a learned clause.
    pub fn set_activity(&mut self, c: ClauseRef, activity: f32) {
        self.arena[c.0 as usize + 2] = Lit(activity.to_bits());
    }

    /// Marks a clause deleted; its words are reclaimed by [`ClauseDb::collect`].
    pub fn delete(&mut self, c: ClauseRef) {
        self.arena[c.0 as usize + 1].0 |= DELETED;
        self.wasted += HEADER + self.len(c);
    }

    /// Whether enough of the arena is garbage to be worth compacting.
    pub fn needs_collection(&self) -> bool {
        self.wasted * 4 > self.arena.len()
    }

    /// Compacts the arena; returns where each surviving clause moved.
    pub fn collect(&mut self) -> HashMap<ClauseRef, ClauseRef> {
        let mut moved = HashMap::new();
        let mut arena = Vec::with_capacity(self.arena.len() - self.wasted);
        let mut at = 0;
        while at < self.arena.len() {
            let c = ClauseRef(at as u32);
            let size = HEADER + self.len(c);
            if !self.is_deleted(c) {
                moved.insert(c, ClauseRef(arena.len() as u32));
                arena.extend_from_slice(&self.arena[at..at + size]);
            }
            at += size;
        }
        self.arena = arena;
        self.wasted = 0;
        let remap = |list: &mut Vec<ClauseRef>| {
            *list = list.iter().filter_map(|c| moved.get(c).copied()).collect();
        };
        remap(&mut self.learnts);
        remap(&mut self.originals);
        moved
    }

    /// Words in use (for statistics).
    pub fn arena_words(&self) -> usize {
        self.arena.len()
    }
}
