//! Compiled automata kept for reuse, within a budget of bytes.
//!
//! A pattern shared by two policies, or asked about in many questions, should be compiled once.
//! But a cache that only grows is a leak in a long run: a batch thread checking a thousand
//! pairs of policies meets every pattern of every policy. So the cache is bounded by the memory
//! its automata hold ([`GlobNfa::heap_bytes`]), not by their number: the automaton of a
//! 200-character pattern with many distinct characters weighs dozens of times that of
//! `s3:GetObject`, and a bound by count would bound nothing. When a new automaton would take
//! the cache over its budget, the cache starts over: every entry is evicted at once, which
//! costs nothing to track, and a batch's next check refills what it uses. Evicting never
//! changes an answer, only how often a pattern is compiled; an automaton a caller still holds
//! stays valid (it is shared, and immutable).

use crate::glob::{CaseMode, GlobPattern, Piece};
use crate::nfa::GlobNfa;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The default budget of a cache: 32 MiB of automata (tens of thousands of typical ones).
pub const CACHE_BYTES: usize = 32 << 20;

/// Compiled automata by pattern, one map per letter-case mode, within a byte budget.
#[derive(Debug)]
pub struct AutomataCache {
    sensitive: FxHashMap<GlobPattern, Arc<GlobNfa>>,
    insensitive: FxHashMap<GlobPattern, Arc<GlobNfa>>,
    bytes: usize,
    budget: usize,
}

impl Default for AutomataCache {
    fn default() -> Self {
        AutomataCache::with_budget(CACHE_BYTES)
    }
}

impl AutomataCache {
    /// An empty cache that holds at most `budget` bytes of automata.
    pub fn with_budget(budget: usize) -> Self {
        AutomataCache {
            sensitive: FxHashMap::default(),
            insensitive: FxHashMap::default(),
            bytes: 0,
            budget,
        }
    }

    fn map(&self, case: CaseMode) -> &FxHashMap<GlobPattern, Arc<GlobNfa>> {
        match case {
            CaseMode::Sensitive => &self.sensitive,
            CaseMode::Insensitive => &self.insensitive,
        }
    }

    /// The cached automaton of a pattern, if any.
    pub fn get(&self, pattern: &GlobPattern, case: CaseMode) -> Option<Arc<GlobNfa>> {
        self.map(case).get(pattern).cloned()
    }

    /// The automaton of a pattern: the cached one, or `compile`'s, kept when it fits.
    pub fn get_or_compile(
        &mut self,
        pattern: &GlobPattern,
        case: CaseMode,
        compile: impl FnOnce() -> Arc<GlobNfa>,
    ) -> Arc<GlobNfa> {
        if let Some(found) = self.get(pattern, case) {
            return found;
        }
        self.insert(compile())
    }

    /// Keeps `automaton` (evicting everything first when it would not fit otherwise) and
    /// returns the cached automaton of its pattern: an equal one cached meanwhile wins. An
    /// automaton larger than the whole budget is returned without being kept.
    pub fn insert(&mut self, automaton: Arc<GlobNfa>) -> Arc<GlobNfa> {
        let case = automaton.case();
        if let Some(found) = self.get(automaton.pattern(), case) {
            return found;
        }
        let size = entry_bytes(&automaton);
        if size > self.budget {
            return automaton;
        }
        if self.bytes + size > self.budget {
            self.sensitive.clear();
            self.insensitive.clear();
            self.bytes = 0;
        }
        self.bytes += size;
        let map = match case {
            CaseMode::Sensitive => &mut self.sensitive,
            CaseMode::Insensitive => &mut self.insensitive,
        };
        map.insert(automaton.pattern().clone(), automaton.clone());
        automaton
    }

    /// The number of automata cached.
    pub fn len(&self) -> usize {
        self.sensitive.len() + self.insensitive.len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the cached automata hold (as [`GlobNfa::heap_bytes`] counts them, with their
    /// keys); never more than the budget.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// What one entry costs: the automaton, its key (a copy of the pattern) and the map's slot.
fn entry_bytes(automaton: &GlobNfa) -> usize {
    automaton.heap_bytes()
        + automaton.pattern().len() * std::mem::size_of::<Piece>()
        + std::mem::size_of::<(GlobPattern, Arc<GlobNfa>)>()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]

    use super::*;

    fn compiled(text: &str) -> Arc<GlobNfa> {
        Arc::new(GlobNfa::new(GlobPattern::parse(text), CaseMode::Sensitive))
    }

    /// However many patterns pass through, the cache never holds more than its budget, and
    /// it is bounded by size: a few long patterns fill it as many short ones do.
    #[test]
    fn the_cache_stays_within_its_byte_budget() {
        let budget = 64 * 1024;
        let mut cache = AutomataCache::with_budget(budget);
        let mut most = 0;
        for i in 0..2_000 {
            let pattern = format!("arn:aws:s3:::bucket-{i}/*");
            let automaton =
                cache.get_or_compile(&GlobPattern::parse(&pattern), CaseMode::Sensitive, || {
                    compiled(&pattern)
                });
            assert_eq!(automaton.pattern(), &GlobPattern::parse(&pattern));
            assert!(cache.bytes() <= budget, "{} bytes", cache.bytes());
            most = most.max(cache.len());
        }
        assert!(most > 50, "only {most} short automata fit");
        assert!(most < 2_000, "nothing was evicted");

        let mut long = AutomataCache::with_budget(budget);
        let mut most_long = 0;
        for i in 0..200 {
            let pattern: String = (0..300)
                .map(|k| char::from(b'a' + ((i + k) % 26) as u8))
                .collect();
            long.insert(compiled(&format!("{pattern}*")));
            assert!(long.bytes() <= budget, "{} bytes", long.bytes());
            most_long = most_long.max(long.len());
        }
        assert!(
            most_long < most / 4,
            "{most_long} long against {most} short"
        );
    }

    /// A cached pattern is compiled once; an automaton larger than the budget is not kept.
    #[test]
    fn hits_reuse_and_oversized_automata_pass_through() {
        let mut cache = AutomataCache::with_budget(4096);
        let pattern = GlobPattern::parse("s3:Get*");
        let first = cache.get_or_compile(&pattern, CaseMode::Sensitive, || compiled("s3:Get*"));
        let again = cache.get_or_compile(&pattern, CaseMode::Sensitive, || compiled("s3:Put*"));
        assert!(Arc::ptr_eq(&first, &again));
        assert!(cache.get(&pattern, CaseMode::Insensitive).is_none());
        let huge = compiled(&"x".repeat(5_000));
        let kept = cache.insert(huge.clone());
        assert!(Arc::ptr_eq(&huge, &kept));
        assert_eq!(cache.len(), 1);
    }
}
