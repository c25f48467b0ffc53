//! The alphabet of a question: finitely many characters that stand for all of Unicode.
//!
//! A search over strings cannot try all 1.1 million characters at every step, and need not:
//! for a given set of patterns, two characters that no pattern names literally behave the same
//! everywhere (each can only be matched by `?` or `*`). So the search tries
//!
//! - every character some pattern names literally, and, for a case-insensitive pattern, every
//!   character that folds to the same lowercase (`k`, `K` and the Kelvin sign `K`), and
//! - one *representative* of all the other characters.
//!
//! This is exact: any string over Unicode has a twin over this alphabet that every pattern
//! treats identically (replace each unnamed character with the representative).
//!
//! The order of the alphabet decides which witness a breadth-first search finds first among
//! the shortest ones: characters as the patterns write them come before their other letter
//! cases, and readable characters come first (lowercase letters, digits, uppercase, then
//! common ARN punctuation), so witnesses read like `s3:Get` or `s3:aaa`, never like control
//! bytes.

use crate::glob::{CaseMode, fold_case};
use crate::nfa::GlobNfa;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

/// Characters in order of preference for witnesses.
const READABLE: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_/.:";

/// The characters to try, readable first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alphabet {
    chars: Vec<char>,
}

impl Alphabet {
    /// The alphabet that distinguishes everything the given automata can distinguish.
    pub fn for_automata<'a>(automata: impl IntoIterator<Item = &'a GlobNfa>) -> Self {
        // Sorted vectors without repeats: a search over a hundred automata fills these with
        // thousands of characters, which a vector sorts faster than a tree inserts them.
        let mut written: Vec<char> = Vec::new();
        let mut named: Vec<char> = Vec::new();
        for nfa in automata {
            written.extend(nfa.literal_chars());
            named.extend(nfa.distinguished_chars());
        }
        for set in [&mut written, &mut named] {
            set.sort_unstable();
            set.dedup();
        }
        let is_named = |c: &char| named.binary_search(c).is_ok();
        let representative = READABLE
            .chars()
            .chain(('\u{a1}'..=char::MAX).filter(|c| !c.is_control()))
            .find(|c| !is_named(c) && !is_named(&fold_case(*c)));
        let mut chars: Vec<char> = named.iter().copied().chain(representative).collect();
        // Characters as the patterns write them (and the representative) before the other
        // letter cases of case-insensitive ones: `s3:Get*` yields `s3:Get`, not `s3:get`.
        let variant = |c: &char| Some(*c) != representative && written.binary_search(c).is_err();
        chars.sort_by_key(|c| (variant(c), preference(*c)));
        Alphabet { chars }
    }

    /// The characters, readable first.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }
}

/// Sort key: position in [`READABLE`], then other printable characters, control characters last.
fn preference(c: char) -> (u8, u32) {
    let rank = match c {
        'a'..='z' => Some(u32::from(c) - u32::from('a')),
        '0'..='9' => Some(26 + u32::from(c) - u32::from('0')),
        'A'..='Z' => Some(36 + u32::from(c) - u32::from('A')),
        '-' => Some(62),
        '_' => Some(63),
        '/' => Some(64),
        '.' => Some(65),
        ':' => Some(66),
        _ => None,
    };
    match rank {
        Some(rank) => (0, rank),
        None if c.is_control() || c.is_whitespace() => (2, u32::from(c)),
        None => (1, u32::from(c)),
    }
}

/// The characters one automaton distinguishes (computed once, when it is compiled).
pub(crate) fn distinguished_chars(nfa: &GlobNfa) -> Vec<char> {
    let mut chars: BTreeSet<char> = BTreeSet::new();
    // Within-part wildcards tell `:` apart from every other character.
    if nfa.pattern().pieces().iter().any(|p| {
        matches!(
            p,
            crate::glob::Piece::PartChar | crate::glob::Piece::PartRun
        )
    }) {
        chars.insert(':');
    }
    for c in nfa.literal_chars() {
        chars.insert(c);
        if nfa.case() == CaseMode::Insensitive {
            chars.extend(same_fold(c));
        }
    }
    chars.into_iter().collect()
}

/// The blocks of 256 characters that hold every character [`fold_case`] changes: Latin to
/// Armenian, Georgian, Cherokee, Cyrillic and Latin extensions, Greek, letterlike symbols,
/// circled letters, Glagolitic and Coptic, more Cyrillic and Latin, fullwidth Latin, Deseret to
/// Vithkuqi, Old Hungarian and Garay, Warang Citi, Medefaidrin and others, Adlam. Scanning
/// these 6,144 characters instead of the whole range builds the preimage table in a
/// twentieth of the time, which was most of the CPU time of a trivial check (a test checks the
/// blocks against the whole character range).
const CASED_BLOCKS: [(u32, u32); 15] = [
    (0x0, 0x5FF),
    (0x1000, 0x10FF),
    (0x1300, 0x13FF),
    (0x1C00, 0x1CFF),
    (0x1E00, 0x1FFF),
    (0x2100, 0x21FF),
    (0x2400, 0x24FF),
    (0x2C00, 0x2CFF),
    (0xA600, 0xA7FF),
    (0xFF00, 0xFFFF),
    (0x10400, 0x105FF),
    (0x10C00, 0x10DFF),
    (0x11800, 0x118FF),
    (0x16E00, 0x16EFF),
    (0x1E900, 0x1E9FF),
];

/// Every character whose [`fold_case`] equals that of `c` (including `c`).
fn same_fold(c: char) -> Vec<char> {
    static PREIMAGES: OnceLock<HashMap<char, Vec<char>>> = OnceLock::new();
    let preimages = PREIMAGES.get_or_init(|| {
        let mut map: HashMap<char, Vec<char>> = HashMap::new();
        let cased = CASED_BLOCKS
            .iter()
            .flat_map(|&(first, last)| (first..=last).filter_map(char::from_u32));
        for x in cased.filter(|x| fold_case(*x) != *x) {
            map.entry(fold_case(x)).or_default().push(x);
        }
        map
    });
    let folded = fold_case(c);
    let mut all = vec![folded];
    all.extend(preimages.get(&folded).into_iter().flatten().copied());
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `c` lies in one of the [`CASED_BLOCKS`].
    fn in_cased_block(c: char) -> bool {
        let c = u32::from(c);
        CASED_BLOCKS
            .iter()
            .any(|&(first, last)| (first..=last).contains(&c))
    }

    #[test]
    fn every_character_that_changes_case_lies_in_a_cased_block() {
        let outside: Vec<char> = ('\0'..=char::MAX)
            .filter(|c| fold_case(*c) != *c && !in_cased_block(*c))
            .collect();
        assert!(outside.is_empty(), "{outside:?}");
    }
    use crate::glob::GlobPattern;

    #[test]
    fn case_insensitive_patterns_bring_every_character_of_the_same_fold() {
        let nfa = GlobNfa::new(GlobPattern::parse("k*"), CaseMode::Insensitive);
        let alphabet = Alphabet::for_automata([&nfa]);
        assert!(alphabet.chars().contains(&'k'));
        assert!(alphabet.chars().contains(&'K'));
        assert!(
            alphabet.chars().contains(&'\u{212A}'),
            "the Kelvin sign folds to k"
        );
        assert_eq!(
            alphabet.chars().first(),
            Some(&'a'),
            "the representative is readable"
        );
    }

    #[test]
    fn preference_follows_the_readable_order() {
        let ranks: Vec<(u8, u32)> = READABLE.chars().map(preference).collect();
        assert!(ranks.windows(2).all(|w| w[0] < w[1]) && ranks.iter().all(|r| r.0 == 0));
        assert_eq!(preference('é').0, 1);
        assert_eq!(preference('\n').0, 2);
    }

    #[test]
    fn the_representative_avoids_named_characters() {
        let nfa = GlobNfa::new(GlobPattern::parse("abc*"), CaseMode::Sensitive);
        let alphabet = Alphabet::for_automata([&nfa]);
        assert_eq!(alphabet.chars(), &['a', 'b', 'c', 'd']);
    }
}
