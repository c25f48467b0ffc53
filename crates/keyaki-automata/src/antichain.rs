//! Pruning the product search by subsumption: antichains of negative position sets.
//!
//! A product state pairs each positive automaton's part (a single position or a set) with
//! each negative automaton's *whole* set of live positions ([`crate::product`]). Two states
//! with the same positive parts can be compared: if every negative set of `V` is included in
//! the matching negative set of `C`, then `V` *subsumes* `C`:
//!
//! - whatever suffix leads `C` to a witness also leads `V` to one: the positive parts are the
//!   same, and a negative set that is smaller after the suffix (reading is monotone in the set)
//!   still accepts nothing, as the larger one did;
//! - a negative set of `V` can be universal only if the larger one of `C` is too, so `V` is
//!   pruned only when `C` would be.
//!
//! So once `V` is in the search, `C` adds nothing, and the search may skip it. Only the
//! *minimal* sets per positive part matter, an *antichain* (De Wulf, Doyen, Henzinger and
//! Raskin, "Antichains: a new algorithm for checking universality of finite automata", CAV
//! 2006). This is what tames a negation such as `x ∉ *a??…?t`: its sets remember where every
//! recent `a` was (exponentially many), but a set remembering fewer `a`s subsumes one
//! remembering more, and the search keeps only the few minimal ones. A skipped state is one
//! the search did not need; the shortest witness stays shortest (the subsuming state was
//! reached no later), and an explanation of emptiness stays valid (a string satisfying the
//! blamed constraints would follow subsuming states to a final one, which the search saw).
//!
//! Comparisons cost time, so the search keeps antichains from the start only when a negative
//! automaton can have many sets ([`crate::GlobNfa::follow_by_position`]), and otherwise only
//! once it has grown large (several long literal negations side by side multiply their
//! string-matching states). Each positive part keeps its most recent minimal sets, up to a
//! bound. Forgetting a set, or starting late, only forgoes some pruning.

use rustc_hash::{FxHashMap, FxHashSet};

/// The most minimal negative parts remembered per positive part.
const MAX_WIDTH: usize = 64;

/// A negative part kept as minimal: its words, and the product state (id and search depth)
/// that has it.
struct Minimal {
    negative: Box<[u64]>,
    state: usize,
    depth: usize,
}

/// Word ranges of a product state that belong to negative automata, and the antichain of
/// negative parts seen so far per positive part.
pub(crate) struct Antichains {
    /// `(offset, words)` of each positive automaton's slot.
    positive: Vec<(usize, usize)>,
    /// `(offset, words)` of each negative automaton's slot.
    negative: Vec<(usize, usize)>,
    minimal: FxHashMap<Box<[u64]>, Vec<Minimal>>,
    /// States a later state of the same depth subsumes: expanding them adds nothing.
    superseded: FxHashSet<usize>,
}

impl Antichains {
    /// Antichains over states laid out as `slots` (`(offset, words, positive)` per automaton).
    pub(crate) fn new(slots: impl IntoIterator<Item = (usize, usize, bool)>) -> Self {
        let (positive, negative): (Vec<_>, Vec<_>) = slots.into_iter().partition(|s| s.2);
        Antichains {
            positive: positive.into_iter().map(|(at, len, _)| (at, len)).collect(),
            negative: negative.into_iter().map(|(at, len, _)| (at, len)).collect(),
            minimal: FxHashMap::default(),
            superseded: FxHashSet::default(),
        }
    }

    /// Records `state`, about to become product state number `id` at search depth `depth`
    /// (never less than the depth of a state recorded before), unless a state already recorded
    /// subsumes it; `false` means the search may skip `state`. A recorded state of the same
    /// depth that the new one subsumes becomes [`Antichains::is_superseded`]: the search
    /// built it first only because it came first in the alphabet's order.
    pub(crate) fn insert_if_new(&mut self, state: &[u64], id: usize, depth: usize) -> bool {
        let key = gather(state, &self.positive);
        let negative = gather(state, &self.negative);
        let sets = self.minimal.entry(key.into()).or_default();
        if sets
            .iter()
            .any(|known| is_subset(&known.negative, &negative))
        {
            return false;
        }
        // The new set is minimal: the ones it is included in no longer are.
        sets.retain(|known| {
            let subsumed = is_subset(&negative, &known.negative);
            if subsumed && known.depth == depth {
                self.superseded.insert(known.state);
            }
            !subsumed
        });
        if sets.len() == MAX_WIDTH {
            sets.remove(0);
        }
        sets.push(Minimal {
            negative: negative.into(),
            state: id,
            depth,
        });
        true
    }

    /// Whether a state of the same depth recorded later subsumes state `id`: then whatever
    /// expanding `id` would reach, expanding that state reaches too, as early.
    pub(crate) fn is_superseded(&self, id: usize) -> bool {
        self.superseded.contains(&id)
    }
}

/// The words of `state` in the given slots, one after the other.
fn gather(state: &[u64], slots: &[(usize, usize)]) -> Vec<u64> {
    slots
        .iter()
        .flat_map(|&(at, len)| state.get(at..at + len).unwrap_or_default())
        .copied()
        .collect()
}

/// Whether every bit of `small` is set in `large` (same length).
fn is_subset(small: &[u64], large: &[u64]) -> bool {
    small.iter().zip(large).all(|(s, l)| s & !l == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_smaller_negative_set_subsumes_a_larger_one_with_the_same_positive_part() {
        // Slot 0 positive (one word), slot 1 negative (one word).
        let mut antichains = Antichains::new([(0, 1, true), (1, 1, false)]);
        // (state, id, depth, recorded, why), inserted in order.
        let inserts: [([u64; 2], usize, usize, bool, &str); 5] = [
            ([0b1, 0b0110], 0, 1, true, "the first"),
            ([0b1, 0b0110], 1, 1, false, "the same state"),
            ([0b1, 0b1110], 1, 1, false, "a superset"),
            ([0b1, 0b1001], 1, 1, true, "incomparable"),
            ([0b10, 0b1110], 2, 1, true, "another positive part"),
        ];
        for (state, id, depth, recorded, why) in inserts {
            assert_eq!(
                antichains.insert_if_new(&state, id, depth),
                recorded,
                "{why}"
            );
        }
        assert!(!antichains.is_superseded(0));
        assert!(
            antichains.insert_if_new(&[0b1, 0b0010], 3, 1),
            "a new minimum"
        );
        assert!(
            antichains.is_superseded(0),
            "same depth, subsumed by state 3"
        );
        assert!(!antichains.is_superseded(2), "another positive part");
        assert!(
            !antichains.insert_if_new(&[0b1, 0b0110], 4, 2),
            "now subsumed by 0b0010"
        );
        assert!(
            antichains.insert_if_new(&[0b1, 0b0000], 5, 2),
            "a deeper minimum"
        );
        assert!(
            !antichains.is_superseded(3),
            "state 3 is shallower than state 5"
        );
    }
}
