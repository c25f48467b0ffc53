//! How much one search may spend: memory for its product states, and time.
//!
//! A product search is exact but may be large: a conjunction of many negated patterns can
//! reach millions of product states before it proves emptiness. Every search therefore runs
//! under a [`Budget`], and exceeding it is a value, [`BudgetExceeded`], which the solver turns
//! into *unknown*, never into a wrong answer, a crash or unbounded memory.
//!
//! - **Memory** is what a search holds for the states it has built: each state's position
//!   sets (one word per 64 positions of each automaton, stored up to three times: as a state,
//!   as the key that finds it again, and in the antichains) and a fixed overhead for its
//!   parent, depth and queue slot ([`state_bytes`]). The budget is in bytes, not states, because the width of a state is
//!   the number of automata in the conjunction: a hundred negated patterns make every state a
//!   hundred times as large.
//! - **Time** is a [`Deadline`], shared by every search of one check (and by the SAT search
//!   around them), tested every few hundred states: a check that must end within 10 s stops
//!   its searches when the 10 s are over.

use std::fmt;
use std::time::{Duration, Instant};

/// Limits on one search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The most bytes one search may hold for its product states ([`state_bytes`] each).
    pub max_bytes: usize,
    /// The most constraints for which an explanation is shrunk to a minimal one.
    pub max_minimize: usize,
    /// When every search must have stopped, if ever.
    pub deadline: Option<Deadline>,
}

impl Default for Budget {
    /// 128 MiB of product states per search, minimal explanations up to 16 constraints, no
    /// deadline.
    fn default() -> Self {
        Budget {
            max_bytes: 128 << 20,
            max_minimize: 16,
            deadline: None,
        }
    }
}

/// The fixed part of a product state's cost: its parent, character, depth, queue slot and the
/// index's entry, besides its words.
const STATE_OVERHEAD: usize = 96;

/// What a search holds for one product state of `words` words: the words three times (the
/// state, its index key, its copy in the antichains) and [`STATE_OVERHEAD`].
pub fn state_bytes(words: usize) -> usize {
    3 * words * std::mem::size_of::<u64>() + STATE_OVERHEAD
}

/// A moment every search of one task must stop at, with the time budget it stands for (for
/// the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at: Instant,
    budget: Duration,
}

impl Deadline {
    /// The deadline `budget` from now.
    pub fn after(budget: Duration) -> Deadline {
        let now = Instant::now();
        Deadline {
            at: now.checked_add(budget).unwrap_or(now),
            budget,
        }
    }

    /// Whether the moment has come.
    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }

    /// The time budget it stands for.
    pub fn budget(&self) -> Duration {
        self.budget
    }
}

impl fmt::Display for Deadline {
    /// The reason an answer is unknown: `time budget of 10 s exhausted`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.budget.as_secs_f64();
        if self.budget.subsec_nanos() == 0 {
            write!(f, "time budget of {seconds:.0} s exhausted")
        } else {
            write!(f, "time budget of {seconds} s exhausted")
        }
    }
}

/// Whether an optional deadline has passed.
pub fn expired(deadline: Option<Deadline>) -> bool {
    deadline.is_some_and(|d| d.passed())
}

/// A search gave up: it would have needed more memory than its budget, or its deadline
/// passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetExceeded {
    /// The product states would have taken more than `bytes`.
    Memory {
        /// The states built when the search gave up.
        states: usize,
        /// The budget, in bytes.
        bytes: usize,
    },
    /// The deadline passed.
    Time(Deadline),
    /// A case analysis would have had more cases than it may try (multi-valued keys).
    Cases(usize),
}

impl fmt::Display for BudgetExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BudgetExceeded::Memory { states, bytes } => write!(
                f,
                "memory budget of {} exhausted by a string search ({states} automaton states)",
                Bytes(*bytes)
            ),
            BudgetExceeded::Time(deadline) => deadline.fmt(f),
            BudgetExceeded::Cases(cases) => {
                write!(
                    f,
                    "a string search needed {cases} cases, more than its budget"
                )
            }
        }
    }
}

impl std::error::Error for BudgetExceeded {}

/// A number of bytes for people: `128 MiB`, or `4096 bytes` below a mebibyte.
struct Bytes(usize);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 >= 1 << 20 {
            write!(f, "{} MiB", self.0 >> 20)
        } else {
            write!(f, "{} bytes", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_say_their_budget() {
        let whole = Deadline::after(Duration::from_secs(10));
        assert!(!whole.passed());
        assert_eq!(whole.to_string(), "time budget of 10 s exhausted");
        let past = Deadline::after(Duration::ZERO);
        assert!(past.passed() && expired(Some(past)) && !expired(None));
        let part = Deadline::after(Duration::from_millis(1500));
        assert_eq!(part.to_string(), "time budget of 1.5 s exhausted");
    }

    #[test]
    fn memory_is_said_in_mebibytes() {
        let over = BudgetExceeded::Memory {
            states: 1000,
            bytes: 128 << 20,
        };
        assert_eq!(
            over.to_string(),
            "memory budget of 128 MiB exhausted by a string search (1000 automaton states)"
        );
    }
}
