//! Choosing the next decision: VSIDS activities in a binary heap, and phase saving.
//!
//! *VSIDS* (Moskewicz et al., "Chaff", DAC 2001; in the exponential form of MiniSat): every
//! variable met during conflict analysis has its activity bumped by an increment that itself
//! grows by `1/decay` after each conflict, so recent conflicts weigh more. The unassigned
//! variable of highest activity is decided next; a binary max-heap with a position index finds
//! it in O(log n) and re-sorts a bumped variable in place.
//!
//! *Phase saving* (Pipatsrisawat and Darwiche, SAT 2007): a decided variable takes the value it
//! last had, so the solver returns to the part of the search space it was working in before a
//! backjump or restart.

#![allow(
    clippy::indexing_slicing,
    reason = "heap positions and variable indices are bounded by the number of variables, which this module sizes"
)]

use crate::lit::Var;

/// Variable activities, the heap of candidates, and saved phases.
#[derive(Debug, Clone)]
pub struct Decider {
    activity: Vec<f64>,
    increment: f64,
    decay: f64,
    heap: Vec<Var>,
    /// Position of each variable in `heap`, or `usize::MAX` when absent.
    position: Vec<usize>,
    /// The last value of each variable (`true` = positive).
    pub phase: Vec<bool>,
}

impl Decider {
    /// A decider for no variables, with the given activity decay (MiniSat: 0.95).
    pub fn new(decay: f64) -> Self {
        Decider {
            activity: Vec::new(),
            increment: 1.0,
            decay,
            heap: Vec::new(),
            position: Vec::new(),
            phase: Vec::new(),
        }
    }

    /// Adds a variable (activity 0, phase false) and makes it a candidate.
    pub fn add_var(&mut self) {
        let var = Var(self.activity.len() as u32);
        self.activity.push(0.0);
        self.position.push(usize::MAX);
        self.phase.push(false);
        self.insert(var);
    }

    /// Makes `var` a candidate again (after it is unassigned).
    pub fn insert(&mut self, var: Var) {
        if self.position[var.index()] != usize::MAX {
            return;
        }
        self.position[var.index()] = self.heap.len();
        self.heap.push(var);
        self.sift_up(self.heap.len() - 1);
    }

    /// Removes and returns the most active candidate.
    pub fn pop(&mut self) -> Option<Var> {
        let top = *self.heap.first()?;
        let last = self.heap.pop()?;
        self.position[top.index()] = usize::MAX;
        if !self.heap.is_empty() {
            self.heap[0] = last;
            self.position[last.index()] = 0;
            self.sift_down(0);
        }
        Some(top)
    }

    /// Bumps a variable's activity, rescaling everything when numbers grow too large.
    pub fn bump(&mut self, var: Var) {
        self.activity[var.index()] += self.increment;
        if self.activity[var.index()] > 1e100 {
            for a in &mut self.activity {
                *a *= 1e-100;
            }
            self.increment *= 1e-100;
        }
        let at = self.position[var.index()];
        if at != usize::MAX {
            self.sift_up(at);
        }
    }

    /// Ages all activities (by growing the increment instead): called after each conflict.
    pub fn decay(&mut self) {
        self.increment /= self.decay;
    }

    /// A variable's activity (for tests and traces).
    pub fn activity(&self, var: Var) -> f64 {
        self.activity[var.index()]
    }

    fn higher(&self, a: Var, b: Var) -> bool {
        self.activity[a.index()] > self.activity[b.index()]
    }

    fn sift_up(&mut self, mut at: usize) {
        let var = self.heap[at];
        while at > 0 {
            let parent = (at - 1) / 2;
            if !self.higher(var, self.heap[parent]) {
                break;
            }
            self.heap[at] = self.heap[parent];
            self.position[self.heap[at].index()] = at;
            at = parent;
        }
        self.heap[at] = var;
        self.position[var.index()] = at;
    }

    fn sift_down(&mut self, mut at: usize) {
        let var = self.heap[at];
        loop {
            let left = 2 * at + 1;
            if left >= self.heap.len() {
                break;
            }
            let right = left + 1;
            let child = if right < self.heap.len() && self.higher(self.heap[right], self.heap[left])
            {
                right
            } else {
                left
            };
            if !self.higher(self.heap[child], var) {
                break;
            }
            self.heap[at] = self.heap[child];
            self.position[self.heap[at].index()] = at;
            at = child;
        }
        self.heap[at] = var;
        self.position[var.index()] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_activity_order_and_reinserts() {
        let mut d = Decider::new(0.95);
        for _ in 0..5 {
            d.add_var();
        }
        d.bump(Var(3));
        d.bump(Var(3));
        d.decay();
        d.bump(Var(1));
        assert_eq!(d.pop(), Some(Var(3)));
        assert_eq!(d.pop(), Some(Var(1)));
        d.insert(Var(3));
        assert_eq!(d.pop(), Some(Var(3)));
        let rest: Vec<_> = std::iter::from_fn(|| d.pop()).collect();
        assert_eq!(rest.len(), 3);
    }
}
