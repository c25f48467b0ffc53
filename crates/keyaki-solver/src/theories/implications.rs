//! What asserting one string atom fixes about the other atoms on the same variable, found
//! through an index rather than by running every automaton.
//!
//! Policies ask about the action against lists of hundreds of names (`ec2:DescribeImages`,
//! …) and patterns (`s3:Get*`, …). Two rules, both valid in the theory of strings, let the
//! SAT core settle most of those atoms by unit propagation instead of one conflict each:
//!
//! * **A value is asserted** (`x = "c"`, a pattern without wildcards): every other atom on
//!   `x` is true or false as `c` matches it. With letter case ignored, `x` may be any string of
//!   the same fold as `c`, so then only atoms that ignore case too are fixed both ways; an atom
//!   that respects case is still false when not even `c`'s fold matches it.
//! * **A pattern is asserted or denied** (`x ∈ p`, `x ∉ p`): every name atom (`x = "d"`) whose
//!   text `p` rejects (for `∈`) or accepts (for `∉`) is false. This is what narrows a list of
//!   a thousand names to the few a guard such as `iam:*` leaves, in one step instead of a
//!   thousand conflicts. When `p` respects case and the name atom ignores it, some spelling
//!   of `d` may still fit, so nothing is fixed then.
//!
//! Comparing names is comparing their folded texts (one hash lookup); a pattern is only run
//! on a name when the pattern's folded literal prefix starts the name's fold, since no other
//! pattern can match it. Answers are exactly those of running every automaton, only cheaper.

use crate::lit::{Lit, Var};
use keyaki_automata::{CaseMode, GlobNfa, Piece, fold_case};
use rustc_hash::FxHashMap;
use std::cell::OnceCell;
use std::sync::Arc;

/// The string atoms of one variable, indexed on first use: most searches never assert a
/// literal that asks for it.
pub struct VariableAtoms {
    atoms: Vec<usize>,
    index: OnceCell<AtomIndex>,
}

/// The atoms of one variable, sorted for lookups.
#[derive(Default)]
struct AtomIndex {
    /// Atoms whose pattern has no wildcard: a name.
    names: Vec<NameAtom>,
    /// Name atoms (indices into `names`) by folded text.
    names_by_fold: FxHashMap<String, Vec<usize>>,
    /// Atoms with a wildcard, by their folded literal prefix.
    patterns_by_prefix: FxHashMap<String, Vec<usize>>,
    /// Every atom with a wildcard.
    patterns: Vec<usize>,
}

/// An atom `x = "text"` (or `x ≐ "text"` ignoring case).
struct NameAtom {
    atom: usize,
    text: String,
    fold: String,
    case: CaseMode,
}

/// A propagation: the literal, and the asserted literal that implies it.
pub type Implied = (Lit, Vec<Lit>);

impl VariableAtoms {
    /// The atoms `atoms` (SAT variable indices) of one variable.
    pub fn new(atoms: Vec<usize>) -> Self {
        VariableAtoms {
            atoms,
            index: OnceCell::new(),
        }
    }

    /// What asserting `lit`, an atom of this variable, fixes about the others.
    pub fn implied_by(&self, lit: Lit, automaton_of: &[Option<Arc<GlobNfa>>]) -> Vec<Implied> {
        self.index
            .get_or_init(|| AtomIndex::new(&self.atoms, automaton_of))
            .implied_by(lit, automaton_of)
    }
}

impl AtomIndex {
    /// The index of the atoms `atoms` (SAT variable indices) with their automata.
    fn new(atoms: &[usize], automaton_of: &[Option<Arc<GlobNfa>>]) -> Self {
        let mut index = AtomIndex::default();
        for &atom in atoms {
            let Some(Some(automaton)) = automaton_of.get(atom) else {
                continue;
            };
            match literal_text(automaton) {
                Some(text) => {
                    let fold = folded(&text);
                    index
                        .names_by_fold
                        .entry(fold.clone())
                        .or_default()
                        .push(index.names.len());
                    index.names.push(NameAtom {
                        atom,
                        text,
                        fold,
                        case: automaton.case(),
                    });
                }
                None => {
                    let prefix: String = automaton
                        .pattern()
                        .literal_prefix()
                        .map(fold_case)
                        .collect();
                    index
                        .patterns_by_prefix
                        .entry(prefix)
                        .or_default()
                        .push(atom);
                    index.patterns.push(atom);
                }
            }
        }
        index
    }

    /// What asserting `lit`, an atom of this variable, fixes about the others.
    fn implied_by(&self, lit: Lit, automaton_of: &[Option<Arc<GlobNfa>>]) -> Vec<Implied> {
        let index = lit.var().index();
        let Some(Some(asserted)) = automaton_of.get(index) else {
            return Vec::new();
        };
        match literal_text(asserted) {
            Some(text) if lit.is_positive() => {
                self.implied_by_value(lit, &text, asserted.case(), automaton_of)
            }
            _ => self.implied_by_pattern(lit, asserted),
        }
    }

    /// `x = text`: every atom is decided by whether `text` matches it.
    fn implied_by_value(
        &self,
        lit: Lit,
        text: &str,
        case: CaseMode,
        automaton_of: &[Option<Arc<GlobNfa>>],
    ) -> Vec<Implied> {
        let index = lit.var().index();
        let fold = folded(text);
        let exact = case == CaseMode::Sensitive;
        let mut implied = Vec::new();
        for name in self.names.iter().filter(|name| name.atom != index) {
            let same_fold = name.fold == fold;
            let truth = match (exact, name.case) {
                (true, CaseMode::Sensitive) => Some(name.text == text),
                (_, CaseMode::Insensitive) => Some(same_fold),
                // x ≐ text, the atom x = d: false unless d has text's fold.
                (false, CaseMode::Sensitive) => (!same_fold).then_some(false),
            };
            if let Some(truth) = truth {
                implied.push((Var(name.atom as u32).lit(truth), vec![lit]));
            }
        }
        let candidates = self.pattern_candidates(&fold);
        for &atom in self.patterns.iter().filter(|&&atom| atom != index) {
            let Some(Some(automaton)) = automaton_of.get(atom) else {
                continue;
            };
            if exact || automaton.case() == CaseMode::Insensitive {
                let truth = candidates.binary_search(&atom).is_ok() && automaton.matches(text);
                implied.push((Var(atom as u32).lit(truth), vec![lit]));
            }
        }
        implied
    }

    /// `x ∈ p` or `x ∉ p`: the name atoms `p` rejects (or accepts) are false.
    fn implied_by_pattern(&self, lit: Lit, pattern: &GlobNfa) -> Vec<Implied> {
        let index = lit.var().index();
        let member = lit.is_positive();
        let pattern_ignores_case = pattern.case() == CaseMode::Insensitive;
        // A denied name only rules out the names of its own fold.
        let names: Box<dyn Iterator<Item = &NameAtom>> = match literal_text(pattern) {
            Some(text) if !member => Box::new(
                self.names_by_fold
                    .get(&folded(&text))
                    .into_iter()
                    .flatten()
                    .filter_map(|&i| self.names.get(i)),
            ),
            _ => Box::new(self.names.iter()),
        };
        // No name can match whose fold does not start with the pattern's folded prefix.
        let prefix: String = pattern.pattern().literal_prefix().map(fold_case).collect();
        let matches =
            |name: &NameAtom| name.fold.starts_with(&prefix) && pattern.matches(&name.text);
        names
            .filter(|name| name.atom != index)
            .filter(|name| pattern_ignores_case || name.case == CaseMode::Sensitive)
            .filter(|name| matches(name) != member)
            .map(|name| (Var(name.atom as u32).lit(false), vec![lit]))
            .collect()
    }

    /// The pattern atoms that may match a name of fold `fold`: those whose folded literal
    /// prefix starts it.
    fn pattern_candidates(&self, fold: &str) -> Vec<usize> {
        let mut candidates = Vec::new();
        if self.patterns_by_prefix.is_empty() {
            return candidates;
        }
        let ends = fold
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(fold.len()));
        for end in ends {
            if let Some(atoms) = fold
                .get(..end)
                .and_then(|prefix| self.patterns_by_prefix.get(prefix))
            {
                candidates.extend_from_slice(atoms);
            }
        }
        candidates.sort_unstable();
        candidates
    }
}

/// Whether an automaton's pattern has no wildcard.
pub fn is_literal(automaton: &GlobNfa) -> bool {
    automaton
        .pattern()
        .pieces()
        .iter()
        .all(|piece| matches!(piece, Piece::Char(_)))
}

/// The text an automaton matches when its pattern has no wildcard.
pub fn literal_text(automaton: &GlobNfa) -> Option<String> {
    automaton
        .pattern()
        .pieces()
        .iter()
        .map(|piece| match piece {
            Piece::Char(c) => Some(*c),
            _ => None,
        })
        .collect()
}

fn folded(text: &str) -> String {
    text.chars().map(fold_case).collect()
}

#[cfg(test)]
mod tests {
    //! Every propagation is checked against every string up to length 3 over a small
    //! alphabet: whenever the asserted literal holds of a string, so must the implied one.
    //! And the index loses nothing: what the two rules promise is propagated.

    use super::*;
    use keyaki_automata::GlobPattern;

    const PATTERNS: [&str; 12] = [
        "a", "A", "ab", "aB", "a:b", "*", "a*", "A*", "?b", "*b", "a:*", "b",
    ];
    const ALPHABET: [char; 4] = ['a', 'A', 'b', ':'];

    fn automata() -> Vec<Option<Arc<GlobNfa>>> {
        let mut automata = Vec::new();
        for case in [CaseMode::Sensitive, CaseMode::Insensitive] {
            for pattern in PATTERNS {
                automata.push(Some(Arc::new(GlobNfa::new(
                    GlobPattern::parse(pattern),
                    case,
                ))));
            }
        }
        automata
    }

    fn strings() -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..3 {
            last = last
                .iter()
                .flat_map(|s| ALPHABET.iter().map(move |c| format!("{s}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    fn holds(automata: &[Option<Arc<GlobNfa>>], lit: Lit, text: &str) -> bool {
        let automaton = automata[lit.var().index()].as_ref().unwrap();
        automaton.matches(text) == lit.is_positive()
    }

    #[test]
    fn every_propagation_is_valid() {
        let automata = automata();
        let atoms: Vec<usize> = (0..automata.len()).collect();
        let index = VariableAtoms::new(atoms.clone());
        let strings = strings();
        for &atom in &atoms {
            for positive in [true, false] {
                let lit = Var(atom as u32).lit(positive);
                for (implied, because) in index.implied_by(lit, &automata) {
                    assert_eq!(because, vec![lit]);
                    for text in strings.iter().filter(|text| holds(&automata, lit, text)) {
                        assert!(
                            holds(&automata, implied, text),
                            "{lit:?} does not imply {implied:?}: {text:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_value_fixes_every_atom_of_its_case() {
        let automata = automata();
        let atoms: Vec<usize> = (0..automata.len()).collect();
        let index = VariableAtoms::new(atoms.clone());
        // `x = "a:b"`, respecting case, decides every other atom.
        let value = Var(4).lit(true);
        assert_eq!(index.implied_by(value, &automata).len(), atoms.len() - 1);
        // `x ∈ a:*` ignoring case rules out the names it rejects, whatever their case.
        let guard = Var(12 + 10).lit(true);
        let ruled_out: Vec<usize> = index
            .implied_by(guard, &automata)
            .iter()
            .map(|(lit, _)| lit.var().index())
            .collect();
        assert_eq!(ruled_out, vec![0, 1, 2, 3, 11, 12, 13, 14, 15, 23]);
    }
}
