//! Deciding a conjunction of memberships by a lazy product search.
//!
//! A question about one string variable `x` is a conjunction of [`Constraint`]s:
//! `x ∈ L1 ∧ x ∈ L2 ∧ x ∉ L3 ∧ …` (a disequality `x ≠ "c"` is `x ∉ {c}`, a literal pattern).
//! Its solutions are the strings every automaton of the conjunction agrees on, and a
//! breadth-first search over the *product* of the automata finds the shortest one: a product
//! state is the tuple of every automaton's live positions; it is *final* when every positive
//! automaton accepts and no negative one does. Only reached states are ever built, and the
//! search stops at the first final state (a witness) or when nothing new is reachable (empty).
//!
//! **Positive automata are followed one position at a time.** `x ∉ L` holds only when *no*
//! way of reading `x` reaches L's accepting position, so a negative automaton's part of a
//! product state must be its whole set of live positions (the search determinizes it as it
//! goes). `x ∈ L` needs only *one* accepting way, so a positive automaton's part is split into
//! single positions, each its own product state ([`GlobNfa::generators`]). Both are exact; the
//! difference is size. A glob of `n` pieces has `n + 1` positions but may have `2^n` reachable
//! sets (`*a` then `n` times `?` remembers where every recent `a` was), so the split keeps the
//! positive side of every search polynomial. Only negations can still blow up; antichains
//! ([`crate::antichain`]) keep most of them small by skipping subsumed states, and the budget
//! turns the rest into an error. The price, when a negation blows up anyway, is at most a
//! factor of the positive automata's sizes.
//!
//! Two kinds of product state are pruned at once, without exploring below them: one where a
//! positive automaton is dead (it can never accept again) and one where a negative automaton
//! is universal (it will accept whatever follows).
//!
//! **Only the constraints that matter are searched.** A negation that a positive constraint
//! already implies (`x ∉ arn:aws:dynamodb:…` beside `x ∈ arn:aws:s3:::…`: their literal
//! beginnings differ) is left out before the search: it changes no answer, but it would widen
//! every product state and be stepped at every character. A question about a policy of eighty
//! statements asserts dozens of such negations at once.
//!
//! Every search runs under a [`Budget`] of memory and time ([`crate::budget`]).
//!
//! **Explanations.** When the conjunction is empty, the search also says *why*: every pruned
//! successor and every non-final reached state is blamed on one constraint that caused it
//! (preferring constraints already blamed, to keep the set small). The blamed constraints
//! alone are already empty: the search restricted to them reaches exactly the projections of
//! the states reached before, and each of those is still pruned or non-final because of a
//! blamed constraint. That set is then shrunk by deletion (drop a constraint, re-check, keep
//! it out if still empty) while affordable, which makes it minimal: no proper subset of the
//! answer is empty. The solver turns such an explanation into a short learned clause.

use crate::alphabet::Alphabet;
use crate::antichain::Antichains;
use crate::budget::{Budget, BudgetExceeded, state_bytes};
use crate::glob::CaseMode;
use crate::nfa::{GlobNfa, StepMasks};
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

/// One membership of the string variable.
#[derive(Debug, Clone)]
pub struct Constraint {
    /// The automaton.
    pub automaton: Arc<GlobNfa>,
    /// `true` for `x ∈ L`, `false` for `x ∉ L`.
    pub positive: bool,
}

impl Constraint {
    /// `x ∈ L(automaton)`.
    pub fn member(automaton: Arc<GlobNfa>) -> Self {
        Constraint {
            automaton,
            positive: true,
        }
    }

    /// `x ∉ L(automaton)`.
    pub fn non_member(automaton: Arc<GlobNfa>) -> Self {
        Constraint {
            automaton,
            positive: false,
        }
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let relation = if self.positive { "∈" } else { "∉" };
        let case = match self.automaton.case() {
            crate::CaseMode::Sensitive => "",
            crate::CaseMode::Insensitive => " (ignoring case)",
        };
        write!(f, "x {relation} `{}`{case}", self.automaton.pattern())
    }
}

/// The answer to a conjunction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A string satisfying every constraint.
    Witness(String),
    /// No string does; `core` lists indices (ascending) of constraints that are already
    /// unsatisfiable together.
    Empty {
        /// The explanation.
        core: Vec<usize>,
    },
}

/// What one search found, with how much it built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    /// Witness or emptiness.
    pub answer: Answer,
    /// Product states built.
    pub states: usize,
}

/// Decides the conjunction: a shortest witness, or an explanation of emptiness.
pub fn solve(constraints: &[Constraint], budget: Budget) -> Result<Search, BudgetExceeded> {
    if let Some(answer) = decided_by_a_literal(constraints) {
        return Ok(Search { answer, states: 0 });
    }
    let relevant = relevant(constraints);
    let search = explore(constraints, &relevant, budget)?;
    let states = search.states;
    let answer = match search.outcome {
        Outcome::Witness(w) => Answer::Witness(w),
        Outcome::Empty { blamed } => Answer::Empty {
            core: minimize(constraints, blamed, budget),
        },
    };
    Ok(Search { answer, states })
}

/// The fast path for the most common question: when some positive constraint is a literal
/// (`x = "s3:GetObject"`), its text is the only candidate (up to letter case, when it ignores
/// case), so testing that one string against every other constraint decides the conjunction
/// without a product search, and a disagreeing constraint with the literal is a minimal core.
/// `None` when no literal decides it (then the search runs).
fn decided_by_a_literal(constraints: &[Constraint]) -> Option<Answer> {
    let (index, literal) = constraints.iter().enumerate().find_map(|(i, c)| {
        let text: Option<String> = c.positive.then(|| {
            c.automaton
                .pattern()
                .pieces()
                .iter()
                .map(|p| match p {
                    crate::glob::Piece::Char(ch) => Some(*ch),
                    _ => None,
                })
                .collect::<Option<String>>()
        })?;
        text.map(|t| (i, t))
    })?;
    let literal_case = constraints.get(index).map(|c| c.automaton.case())?;
    // From the end: a solver adds constraints as it goes, and the newest one is the likeliest
    // to disagree, which makes an incremental caller's check constant-time in the usual case.
    match constraints
        .iter()
        .rposition(|c| c.automaton.matches(&literal) != c.positive)
    {
        None => Some(Answer::Witness(literal)),
        // Every string the literal admits is a letter-case variant of it; a constraint that
        // treats all variants alike (the literal matches case, or the constraint ignores it)
        // rejects them all.
        Some(j)
            if literal_case == crate::CaseMode::Sensitive
                || constraints
                    .get(j)
                    .is_some_and(|c| c.automaton.case() == crate::CaseMode::Insensitive) =>
        {
            // A negation of everything (`x ∉ "*"`) is empty on its own.
            let alone = constraints
                .get(j)
                .is_some_and(|c| !c.positive && c.automaton.is_universal(c.automaton.initial()));
            let mut core = if alone { vec![j] } else { vec![index, j] };
            core.sort_unstable();
            Some(Answer::Empty { core })
        }
        Some(_) => None,
    }
}

/// The constraints the search needs: all but the negations a positive constraint already
/// implies. `x ∉ N` follows from `x ∈ P` when no string matches both, and leaving it out
/// changes neither the witnesses nor the emptiness (a core found without it is a core). A
/// question about the resource of one service may carry a hundred negated patterns of other
/// services, and every product state would otherwise hold and step them all.
pub(crate) fn relevant(constraints: &[Constraint]) -> Vec<usize> {
    let positives: Vec<&GlobNfa> = constraints
        .iter()
        .filter(|c| c.positive)
        .map(|c| c.automaton.as_ref())
        .collect();
    (0..constraints.len())
        .filter(|&i| {
            constraints.get(i).is_some_and(|c| {
                c.positive || !positives.iter().any(|p| disjoint_ends(p, &c.automaton))
            })
        })
        .collect()
}

/// Whether two automata share no string because their literal beginnings, or their literal
/// endings, disagree at some character (a quick test: `false` proves nothing). A character of
/// a case-insensitive automaton stands for its whole fold ([`crate::fold_case`]).
fn disjoint_ends(a: &GlobNfa, b: &GlobNfa) -> bool {
    let sensitive = a.case() == CaseMode::Sensitive && b.case() == CaseMode::Sensitive;
    let differ = |x: char, y: char| {
        if sensitive {
            x != y
        } else {
            crate::fold_case(x) != crate::fold_case(y)
        }
    };
    let (a, b) = (a.pattern(), b.pattern());
    a.literal_prefix()
        .zip(b.literal_prefix())
        .any(|(x, y)| differ(x, y))
        || a.literal_suffix()
            .zip(b.literal_suffix())
            .any(|(x, y)| differ(x, y))
}

/// Shrinks an empty subset by deletion while affordable.
fn minimize(constraints: &[Constraint], mut core: Vec<usize>, budget: Budget) -> Vec<usize> {
    core.sort_unstable();
    if core.len() > budget.max_minimize {
        return core;
    }
    let mut i = 0;
    while i < core.len() {
        let without: Vec<usize> = core
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, c)| *c)
            .collect();
        match explore(constraints, &without, budget) {
            Ok(Explored {
                outcome: Outcome::Empty { .. },
                ..
            }) => core = without,
            _ => i += 1,
        }
    }
    core
}

enum Outcome {
    Witness(String),
    Empty { blamed: Vec<usize> },
}

struct Explored {
    outcome: Outcome,
    states: usize,
}

/// A search looks at its deadline whenever it has expanded this many more states.
const DEADLINE_EVERY: usize = 256;

/// A search that has built this many states without antichains starts keeping them
/// ([`crate::antichain`]): most searches end well before, and pay nothing for them.
const LATE_ANTICHAINS: usize = 2_048;

/// The product search over the constraints `selected` (indices into `constraints`).
fn explore(
    constraints: &[Constraint],
    selected: &[usize],
    budget: Budget,
) -> Result<Explored, BudgetExceeded> {
    if let Some(deadline) = budget.deadline.filter(|d| d.passed()) {
        return Err(BudgetExceeded::Time(deadline));
    }
    let parts: Vec<&Constraint> = selected
        .iter()
        .filter_map(|&i| constraints.get(i))
        .collect();
    let layout = Layout::new(&parts);
    // The states this search may build within its memory budget.
    let max_states = budget.max_bytes / state_bytes(layout.total);
    // The alphabet and the step masks, built when the first state is expanded: a search that
    // ends at the start state (the empty string is a witness, or the start is pruned) among
    // hundreds of negated names needs neither.
    let mut steps: Option<Steps> = None;
    let mut blame = Blame::default();

    let mut start = vec![0; layout.total];
    for (k, part) in parts.iter().enumerate() {
        layout
            .slot_mut(&mut start, k)
            .copy_from_slice(part.automaton.initial());
    }
    // Every state built: its parent and the character that led to it.
    let mut states: Vec<(Box<[u64]>, usize, char)> = Vec::new();
    // Product states are short word arrays: FxHash hashes them several times faster than SipHash.
    let mut index: FxHashMap<Box<[u64]>, usize> = FxHashMap::default();
    // How many characters led to each state.
    let mut depths: Vec<usize> = Vec::new();
    let mut queue = VecDeque::new();
    let mut antichains = layout.antichains(&parts, 0);
    if let Some(k) = layout.pruned_by(&parts, &start, &blame) {
        blame.add(selected, k);
    } else {
        if let Some(antichains) = antichains.as_mut() {
            antichains.insert_if_new(&start, 0, 0);
        }
        let start: Box<[u64]> = start.into();
        index.insert(start.clone(), 0);
        states.push((start, usize::MAX, '\0'));
        depths.push(0);
        queue.push_back(0);
    }
    let mut next = vec![0; layout.total];
    while let Some(current) = queue.pop_front() {
        if current % DEADLINE_EVERY == 0
            && let Some(deadline) = budget.deadline.filter(|d| d.passed())
        {
            return Err(BudgetExceeded::Time(deadline));
        }
        let Some((state, _, _)) = states.get(current) else {
            break;
        };
        if antichains
            .as_ref()
            .is_some_and(|antichains| antichains.is_superseded(current))
        {
            continue;
        }
        let state = state.clone();
        let depth = depths.get(current).copied().unwrap_or(0);
        if antichains.is_none() && states.len() >= LATE_ANTICHAINS {
            // The states built so far are not recorded, so they subsume nothing: a late start
            // forgoes some pruning, never exactness.
            antichains = layout.antichains(&parts, states.len());
        }
        match layout.unfinished_by(&parts, &state, &blame) {
            None => {
                let witness = reconstruct(&states, current);
                return Ok(Explored {
                    outcome: Outcome::Witness(witness),
                    states: states.len(),
                });
            }
            Some(k) => blame.add(selected, k),
        }
        let Steps { alphabet, masks } = steps.get_or_insert_with(|| Steps::of(&parts));
        for (i, &c) in alphabet.chars().iter().enumerate() {
            for (k, part) in parts.iter().enumerate() {
                if let Some(mask) = masks.get(k).and_then(|m| m.get(i)) {
                    part.automaton.step_with(
                        layout.slot(&state, k),
                        mask,
                        layout.slot_mut(&mut next, k),
                    );
                }
            }
            if let Some(k) = layout.pruned_by(&parts, &next, &blame) {
                blame.add(selected, k);
                continue;
            }
            let mut added = Ok(());
            layout.for_each_branch(&parts, &next, |branch| {
                if added.is_err() || index.contains_key(branch) {
                    return;
                }
                if let Some(antichains) = antichains.as_mut()
                    && !antichains.insert_if_new(branch, states.len(), depth + 1)
                {
                    return;
                }
                if states.len() >= max_states {
                    added = Err(BudgetExceeded::Memory {
                        states: states.len(),
                        bytes: budget.max_bytes,
                    });
                    return;
                }
                let key: Box<[u64]> = branch.into();
                index.insert(key.clone(), states.len());
                states.push((key, current, c));
                depths.push(depth + 1);
                queue.push_back(states.len() - 1);
            });
            added?;
        }
    }
    Ok(Explored {
        outcome: Outcome::Empty {
            blamed: blame.into_sorted(),
        },
        states: states.len(),
    })
}

/// What reading each character of the search's alphabet does to each part.
struct Steps {
    alphabet: Alphabet,
    /// `masks[k][i]`: what reading the alphabet's `i`-th character does to part `k`.
    masks: Vec<Vec<StepMasks>>,
}

impl Steps {
    fn of(parts: &[&Constraint]) -> Steps {
        let alphabet = Alphabet::for_automata(parts.iter().map(|c| c.automaton.as_ref()));
        let masks = parts
            .iter()
            .map(|part| {
                alphabet
                    .chars()
                    .iter()
                    .map(|&c| part.automaton.step_masks(c))
                    .collect()
            })
            .collect();
        Steps { alphabet, masks }
    }
}

fn reconstruct(states: &[(Box<[u64]>, usize, char)], mut at: usize) -> String {
    let mut chars = Vec::new();
    while let Some((_, parent, c)) = states.get(at) {
        if *parent == usize::MAX {
            break;
        }
        chars.push(*c);
        at = *parent;
    }
    chars.iter().rev().collect()
}

/// Where each automaton's positions sit in a product state's words.
struct Layout {
    offsets: Vec<(usize, usize)>,
    total: usize,
    /// The positive parts followed one position at a time ([`GlobNfa::follow_by_position`]).
    by_position: Vec<usize>,
    /// Whether some part is negative, and whether some negative part can have many position
    /// sets: when antichains pay from the start, and when they may pay later.
    any_negative: bool,
    negative_with_many_sets: bool,
}

impl Layout {
    fn new(parts: &[&Constraint]) -> Self {
        let mut offsets = Vec::new();
        let mut total = 0;
        for part in parts {
            offsets.push((total, part.automaton.words()));
            total += part.automaton.words();
        }
        let by_position = parts
            .iter()
            .enumerate()
            .filter(|(_, part)| part.positive && part.automaton.follow_by_position())
            .map(|(k, _)| k)
            .collect();
        let negatives = || parts.iter().filter(|part| !part.positive);
        Layout {
            offsets,
            total,
            by_position,
            any_negative: negatives().next().is_some(),
            negative_with_many_sets: negatives().any(|part| part.automaton.follow_by_position()),
        }
    }

    /// Antichains for pruning by subsumption ([`crate::antichain`]), from the start when some
    /// negative automaton can have many position sets, and once the search has built
    /// [`LATE_ANTICHAINS`] states when there is any negative automaton at all; `None` before.
    fn antichains(&self, parts: &[&Constraint], states: usize) -> Option<Antichains> {
        let worth_it =
            self.negative_with_many_sets || (states >= LATE_ANTICHAINS && self.any_negative);
        worth_it.then(|| {
            Antichains::new(
                parts
                    .iter()
                    .zip(&self.offsets)
                    .map(|(part, &(at, len))| (at, len, part.positive)),
            )
        })
    }

    fn slot<'s>(&self, state: &'s [u64], k: usize) -> &'s [u64] {
        let (at, len) = self.offsets.get(k).copied().unwrap_or((0, 0));
        state.get(at..at + len).unwrap_or_default()
    }

    fn slot_mut<'s>(&self, state: &'s mut [u64], k: usize) -> &'s mut [u64] {
        let (at, len) = self.offsets.get(k).copied().unwrap_or((0, 0));
        state.get_mut(at..at + len).unwrap_or_default()
    }

    /// The constraint that makes this state hopeless (a dead positive or a universal
    /// negative), preferring one already blamed; `None` when the state is worth exploring.
    fn pruned_by(&self, parts: &[&Constraint], state: &[u64], blame: &Blame) -> Option<usize> {
        let hopeless = |k: usize| {
            parts.get(k).is_some_and(|part| {
                let live = self.slot(state, k);
                if part.positive {
                    part.automaton.is_dead(live)
                } else {
                    part.automaton.is_universal(live)
                }
            })
        };
        blame.prefer((0..parts.len()).filter(|&k| hopeless(k)))
    }

    /// Calls `visit` with each product state that `state` stands for when positive automata
    /// are followed one position at a time: every positive slot is replaced by the closed set
    /// of one of its [`GlobNfa::generators`], in every combination; negative slots stay whole
    /// sets. A negative constraint needs the whole set (`x ∉ L` holds only if *no* way of
    /// reading `x` accepts), but a positive one needs just one accepting way, and following
    /// the ways separately keeps its part of the search polynomial: `*^??…?ket` has
    /// exponentially many reachable position sets, but only as many positions as pieces.
    fn for_each_branch(&self, parts: &[&Constraint], state: &[u64], mut visit: impl FnMut(&[u64])) {
        if self.by_position.is_empty() {
            visit(state);
            return;
        }
        let choices: Vec<(usize, Vec<usize>)> = self
            .by_position
            .iter()
            .filter_map(|&k| {
                let part = parts.get(k)?;
                Some((k, part.automaton.generators(self.slot(state, k))))
            })
            .collect();
        if choices.iter().all(|(_, generators)| generators.len() <= 1) {
            // Already one position per positive automaton (the usual case).
            visit(state);
            return;
        }
        let mut branch = state.to_vec();
        let mut odometer = vec![0; choices.len()];
        loop {
            for ((k, generators), &at) in choices.iter().zip(&odometer) {
                if let (Some(part), Some(&position)) = (parts.get(*k), generators.get(at)) {
                    part.automaton
                        .single(position, self.slot_mut(&mut branch, *k));
                }
            }
            visit(&branch);
            // Advance the odometer; done when every digit has wrapped.
            let mut digit = 0;
            loop {
                let Some((slot, (_, generators))) = odometer.get_mut(digit).zip(choices.get(digit))
                else {
                    return;
                };
                *slot += 1;
                if *slot < generators.len() {
                    break;
                }
                *slot = 0;
                digit += 1;
            }
        }
    }

    /// The constraint that keeps this state from being final, preferring one already blamed;
    /// `None` when the state is final (a witness ends here).
    fn unfinished_by(&self, parts: &[&Constraint], state: &[u64], blame: &Blame) -> Option<usize> {
        let unhappy = |k: usize| {
            parts
                .get(k)
                .is_some_and(|part| part.automaton.accepts(self.slot(state, k)) != part.positive)
        };
        blame.prefer((0..parts.len()).filter(|&k| unhappy(k)))
    }
}

/// Constraints blamed so far, by position among the searched parts.
#[derive(Default)]
struct Blame {
    parts: Vec<usize>,
    original: Vec<usize>,
}

impl Blame {
    /// Among candidate parts, one already blamed if any, else the first.
    fn prefer(&self, candidates: impl Iterator<Item = usize>) -> Option<usize> {
        let mut first = None;
        for k in candidates {
            if self.parts.contains(&k) {
                return Some(k);
            }
            first = first.or(Some(k));
        }
        first
    }

    fn add(&mut self, selected: &[usize], part: usize) {
        if !self.parts.contains(&part) {
            self.parts.push(part);
            if let Some(original) = selected.get(part) {
                self.original.push(*original);
            }
        }
    }

    fn into_sorted(mut self) -> Vec<usize> {
        self.original.sort_unstable();
        self.original
    }
}
