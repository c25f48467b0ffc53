//! The glob automaton: a position NFA run bit-parallel ("shift-and").
//!
//! A pattern of `n` pieces has `n + 1` *positions*: position `i` means "the first `i` pieces
//! have been matched". Reading a character moves every live position forward:
//!
//! - position `i` with piece `Char(c)` or `?` advances to `i + 1` when the character fits;
//! - position `i` with piece `*` stays at `i` (the star eats the character);
//! - a star may also match nothing, so a live position `i` with piece `*` makes `i + 1` live
//!   too (the *closure*). Stars never follow stars ([`crate::glob`]), so one step of closure
//!   is enough.
//!
//! The set of live positions is a bit set, and each step is a handful of word operations
//! (Baeza-Yates and Gonnet, "A new approach to text searching", CACM 1992): with `accept[c]`
//! the positions whose piece accepts `c` and `star` the positions holding a star,
//!
//! ```text
//! next = ((live & accept[c]) << 1) | (live & star);   next |= (next & star) << 1
//! ```
//!
//! A run within an ARN part (`[^:]*`) and a character within a part (`[^:]`) behave the same
//! except on `:`, which they refuse: the masks are computed per character, so `:` simply
//! gets different ones.
//!
//! The pattern matches when position `n` is live at the end. Two facts let the product search
//! stop early: a set with no live position can never accept (*dead*), and a set containing
//! the position of a final `*` accepts every continuation (*universal*).
//!
//! Why not a DFA? Determinizing is where glob automata blow up (`*a` followed by `n` times `?`
//! has `2^(n+1)` reachable position sets: it must remember where each of the last `n + 1`
//! characters was an `a`); here the product search only ever builds the sets it reaches, each
//! one small bit set, and it follows a *positive* automaton one position at a time
//! ([`GlobNfa::generators`]), which never needs more states than positions.

use crate::glob::{CaseMode, GlobPattern, Piece, fold_case};
use rustc_hash::FxHashMap;

/// A set of positions: bit `i` of word `i / 64` is position `i`.
pub type Positions = [u64];

/// A compiled glob pattern.
#[derive(Debug, Clone)]
pub struct GlobNfa {
    pattern: GlobPattern,
    case: CaseMode,
    /// Words per position set.
    words: usize,
    /// Positions holding `*`.
    star: Vec<u64>,
    /// Positions holding `?`.
    any_char: Vec<u64>,
    /// Positions holding a within-part `*`.
    part_star: Vec<u64>,
    /// Positions holding a within-part `?`.
    part_char: Vec<u64>,
    /// For each (folded, when case-insensitive) literal character, the positions holding it.
    by_char: FxHashMap<char, Vec<u64>>,
    /// The live positions before any character is read.
    initial: Vec<u64>,
    /// Every character this automaton tells apart from the others: its literal characters
    /// and, when case-insensitive, every character of the same fold (sorted, no repeats).
    distinguished: Vec<char>,
    /// See [`GlobNfa::follow_by_position`]; fixed by the pattern, so computed once.
    by_position: bool,
}

impl GlobNfa {
    /// Compiles `pattern` for matching in `case` mode.
    pub fn new(pattern: GlobPattern, case: CaseMode) -> Self {
        let positions = pattern.len() + 1;
        let words = positions.div_ceil(64);
        let mut star = vec![0; words];
        let mut any_char = vec![0; words];
        let mut part_star = vec![0; words];
        let mut part_char = vec![0; words];
        let mut by_char: FxHashMap<char, Vec<u64>> = FxHashMap::default();
        for (i, piece) in pattern.pieces().iter().enumerate() {
            match piece {
                Piece::AnyRun => set_bit(&mut star, i),
                Piece::AnyChar => set_bit(&mut any_char, i),
                Piece::PartRun => set_bit(&mut part_star, i),
                Piece::PartChar => set_bit(&mut part_char, i),
                Piece::Char(c) => {
                    let key = match case {
                        CaseMode::Sensitive => *c,
                        CaseMode::Insensitive => fold_case(*c),
                    };
                    set_bit(by_char.entry(key).or_insert_with(|| vec![0; words]), i);
                }
            }
        }
        let by_position = single_wildcard_after_run(pattern.pieces());
        let mut nfa = GlobNfa {
            pattern,
            case,
            words,
            star,
            any_char,
            part_star,
            part_char,
            by_char,
            initial: vec![0; words],
            distinguished: Vec::new(),
            by_position,
        };
        nfa.distinguished = crate::alphabet::distinguished_chars(&nfa);
        let mut initial = vec![0; words];
        set_bit(&mut initial, 0);
        nfa.close(&mut initial);
        nfa.initial = initial;
        nfa
    }

    /// The pattern this automaton was compiled from.
    pub fn pattern(&self) -> &GlobPattern {
        &self.pattern
    }

    /// The case mode it was compiled for.
    pub fn case(&self) -> CaseMode {
        self.case
    }

    /// Words per position set.
    pub fn words(&self) -> usize {
        self.words
    }

    /// The live positions before any character is read.
    pub fn initial(&self) -> &Positions {
        &self.initial
    }

    /// The characters the pattern names literally, as written.
    pub fn literal_chars(&self) -> impl Iterator<Item = char> + '_ {
        self.pattern.pieces().iter().filter_map(|p| match p {
            Piece::Char(c) => Some(*c),
            _ => None,
        })
    }

    /// Every character this automaton tells apart from characters it does not name: its
    /// literal characters and, when case-insensitive, every character with the same fold.
    pub fn distinguished_chars(&self) -> &[char] {
        &self.distinguished
    }

    /// Reads one character: writes the successor of `live` into `next`.
    pub fn step(&self, live: &Positions, c: char, next: &mut Positions) {
        let masks = self.step_masks(c);
        self.step_with(live, &masks, next);
    }

    /// What reading `c` does at each position: which positions advance (their piece accepts
    /// `c`) and which stay (a run that may swallow `c`). A search that reads the same
    /// characters many times computes these once per character ([`GlobNfa::step_with`]).
    pub fn step_masks(&self, c: char) -> StepMasks {
        let key = match self.case {
            CaseMode::Sensitive => c,
            CaseMode::Insensitive => fold_case(c),
        };
        let literal = self.by_char.get(&key);
        let within_part = c != ':';
        let part = |mask: &[u64], w: usize| if within_part { word(mask, w) } else { 0 };
        StepMasks {
            advance: (0..self.words)
                .map(|w| {
                    word(&self.any_char, w)
                        | part(&self.part_char, w)
                        | literal.map_or(0, |m| word(m, w))
                })
                .collect(),
            stay: (0..self.words)
                .map(|w| word(&self.star, w) | part(&self.part_star, w))
                .collect(),
        }
    }

    /// Reads one character given its [`GlobNfa::step_masks`].
    pub fn step_with(&self, live: &Positions, masks: &StepMasks, next: &mut Positions) {
        let mut carry = 0;
        for w in 0..self.words {
            let l = word(live, w);
            let moved = l & word(&masks.advance, w);
            let shifted = (moved << 1) | carry;
            carry = moved >> 63;
            set_word(next, w, shifted | (l & word(&masks.stay, w)));
        }
        self.close(next);
    }

    /// Adds the positions a run lets through without reading anything.
    fn close(&self, live: &mut Positions) {
        let mut carry = 0;
        for w in 0..self.words {
            let at_star = word(live, w) & (word(&self.star, w) | word(&self.part_star, w));
            let extra = (at_star << 1) | carry;
            carry = at_star >> 63;
            set_word(live, w, word(live, w) | extra);
        }
    }

    /// Whether a search should follow this automaton one position at a time when it is a
    /// positive constraint ([`GlobNfa::generators`]) rather than by whole position sets: when
    /// a single-character wildcard (`?`, `[^:]`) comes after a run. Only then can the sets
    /// multiply: after `*a??…?` a set must remember where each recent `a` was. Without such a
    /// wildcard, the set after a run is fixed by the longest suffix of the text that starts a
    /// literal piece, as in a string-matching automaton, so there are about as many sets as
    /// positions, and one set stands for many positions at once.
    pub fn follow_by_position(&self) -> bool {
        self.by_position
    }

    /// The live positions that the others do not already account for: every live position
    /// except one a live run just before it adds by closure. The set is the union of these
    /// positions' own closed sets ([`GlobNfa::single`]), which is how a search follows the
    /// automaton *nondeterministically*, one position at a time, instead of by whole sets.
    pub fn generators(&self, live: &Positions) -> Vec<usize> {
        let mut generators = Vec::new();
        let mut carry = 0;
        for w in 0..self.words {
            let l = word(live, w);
            let at_run = l & (word(&self.star, w) | word(&self.part_star, w));
            let implied = (at_run << 1) | carry;
            carry = at_run >> 63;
            let mut own = l & !implied;
            while own != 0 {
                generators.push(w * 64 + own.trailing_zeros() as usize);
                own &= own - 1;
            }
        }
        generators
    }

    /// Writes into `out` the closed set of one position: the position, and the next one when
    /// it holds a run (which may match nothing).
    pub fn single(&self, position: usize, out: &mut Positions) {
        out.iter_mut().for_each(|w| *w = 0);
        set_bit(out, position);
        self.close(out);
    }

    /// Whether the set accepts: the last position is live.
    pub fn accepts(&self, live: &Positions) -> bool {
        bit(live, self.pattern.len())
    }

    /// Whether no position is live: nothing can ever be accepted from here.
    pub fn is_dead(&self, live: &Positions) -> bool {
        live.iter().all(|w| *w == 0)
    }

    /// Whether every continuation is accepted: the position of a final `*` is live.
    pub fn is_universal(&self, live: &Positions) -> bool {
        let n = self.pattern.len();
        n > 0 && self.pattern.pieces().last() == Some(&Piece::AnyRun) && bit(live, n - 1)
    }

    /// Whether the pattern matches `text`. Patterns of up to 63 pieces (nearly all) run in
    /// one machine word with no allocation.
    pub fn matches(&self, text: &str) -> bool {
        if self.words == 1 {
            return self.matches_one_word(text);
        }
        let mut live = self.initial.clone();
        let mut next = vec![0; self.words];
        for c in text.chars() {
            self.step(&live, c, &mut next);
            std::mem::swap(&mut live, &mut next);
            if self.is_dead(&live) {
                return false;
            }
        }
        self.accepts(&live)
    }

    fn matches_one_word(&self, text: &str) -> bool {
        let star = word(&self.star, 0);
        let part_star = word(&self.part_star, 0);
        let runs = star | part_star;
        let mut live = word(&self.initial, 0);
        for c in text.chars() {
            let key = match self.case {
                CaseMode::Sensitive => c,
                CaseMode::Insensitive => fold_case(c),
            };
            let literal = self.by_char.get(&key).map_or(0, |m| word(m, 0));
            let within_part = c != ':';
            let advance = word(&self.any_char, 0)
                | literal
                | if within_part {
                    word(&self.part_char, 0)
                } else {
                    0
                };
            let stay = star | if within_part { part_star } else { 0 };
            let mut next = ((live & advance) << 1) | (live & stay);
            next |= (next & runs) << 1;
            live = next;
            if live == 0 {
                return false;
            }
        }
        live & (1 << self.pattern.len()) != 0
    }

    /// About how many bytes the automaton holds: its own fields, the pattern, and every mask
    /// and list it keeps (the measure by which caches are bounded, [`crate::cache`]).
    pub fn heap_bytes(&self) -> usize {
        let masks = 5 + self.by_char.len();
        let per_char = std::mem::size_of::<char>() + 3 * std::mem::size_of::<usize>();
        std::mem::size_of::<Self>()
            + self.pattern.len() * std::mem::size_of::<Piece>()
            + masks * self.words * std::mem::size_of::<u64>()
            + self.by_char.len() * per_char
            + self.distinguished.len() * std::mem::size_of::<char>()
    }

    /// The live positions of a set, ascending (for display).
    pub fn positions(&self, live: &Positions) -> Vec<usize> {
        (0..=self.pattern.len()).filter(|&i| bit(live, i)).collect()
    }
}

/// The effect of reading one character, per position (see [`GlobNfa::step_masks`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepMasks {
    /// Positions whose piece accepts the character: they advance.
    pub advance: Vec<u64>,
    /// Positions holding a run that may swallow the character: they stay.
    pub stay: Vec<u64>,
}

/// Whether a single-character wildcard (`?`, `[^:]`) comes after a run.
fn single_wildcard_after_run(pieces: &[Piece]) -> bool {
    pieces
        .iter()
        .position(|p| p.is_run())
        .is_some_and(|first_run| {
            pieces
                .iter()
                .skip(first_run)
                .any(|p| matches!(p, Piece::AnyChar | Piece::PartChar))
        })
}

fn word(set: &Positions, w: usize) -> u64 {
    set.get(w).copied().unwrap_or(0)
}

fn set_word(set: &mut Positions, w: usize, value: u64) {
    if let Some(slot) = set.get_mut(w) {
        *slot = value;
    }
}

fn set_bit(set: &mut Positions, i: usize) {
    if let Some(slot) = set.get_mut(i / 64) {
        *slot |= 1 << (i % 64);
    }
}

fn bit(set: &Positions, i: usize) -> bool {
    word(set, i / 64) & (1 << (i % 64)) != 0
}
