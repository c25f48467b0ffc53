//! The theory solvers of keyaki's questions, combined into one [`Theory`] for the SAT core.
//!
//! Every atom is about one variable, and atoms about different variables never interact, so
//! the combination is a dispatch: the literals asserted so far are grouped by variable and
//! each group is decided by the solver of the variable's sort — strings by automata
//! ([`strings`]), numbers and dates by bounds ([`order`]), addresses by ranges ([`ip`]), sets
//! of strings by reduction to strings ([`sets`]). Booleans and the presence of single-valued
//! keys need no theory: they are plain propositional variables.
//!
//! A group is re-decided from scratch whenever a new literal joins it that the group's last
//! value (a string, or a set's elements) does not satisfy; conflicts come back as clauses of
//! the few literals involved. A final check decides every group again, for the preferred
//! values shown to people, unless only the atoms' truth is read (`set_values_read`). When a string search exceeds its budget, the theory
//! cannot refute the group; it lets the search go on but remembers, and a model found after
//! that is reported as *unknown* rather than as SAT.

pub mod implications;
pub mod ip;
pub mod order;
pub mod sets;
pub mod strings;

use crate::lit::Lit;
use crate::theory::{Theory, TheoryResponse};
use implications::{VariableAtoms, is_literal};
use keyaki_automata::{BudgetExceeded, CaseMode, Engine, GlobNfa};
use keyaki_logic::{Atom, Instant, Number, Sort, Value, Var as LogicVar};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

/// The combined theory of one question.
pub struct IamTheory {
    engine: Engine,
    /// The atom behind each SAT variable that is a theory atom.
    atom_of: Vec<Option<Atom>>,
    /// The compiled automaton of each string atom (compiled once, not per check).
    automaton_of: Vec<Option<Arc<GlobNfa>>>,
    /// The string atoms of each string variable, indexed for propagation.
    string_atoms: BTreeMap<LogicVar, VariableAtoms>,
    sorts: BTreeMap<LogicVar, Sort>,
    /// Preferred values for string variables (real action names, for example).
    known: BTreeMap<LogicVar, Vec<String>>,
    asserted: Vec<Lit>,
    /// Whether each SAT variable is a string atom without wildcards (`x = "c"`).
    is_value: Vec<bool>,
    /// How many value atoms (`x = "c"`, asserted true) each variable has among `asserted`.
    values_asserted: BTreeMap<LogicVar, usize>,
    level_starts: Vec<usize>,
    /// The last value found for each string variable (see `witness_still_fits`).
    string_witness: BTreeMap<LogicVar, String>,
    /// Whether the values of a model are read, or only which atoms hold (`set_values_read`).
    values_read: bool,
    /// The last elements found for each set variable (see `set_witness_still_fits`).
    set_witness: BTreeMap<LogicVar, Vec<String>>,
    /// Whether the current check is the final one (values are recorded for the model).
    final_round: bool,
    /// Set when some group of the last final check could not be decided within its budget
    /// (which one ran out): the model is then incomplete. (A partial check that runs out of
    /// budget only misses a conflict, which costs search but never soundness: every conflict
    /// reported is real.)
    pub inconclusive: Option<BudgetExceeded>,
    /// The values found by the last final check.
    pub values: BTreeMap<LogicVar, Value>,
    /// The literals whose implications (`implied_by_literal`) the core has been sent: it keeps
    /// them as clauses, so they are not sent again.
    implications_sent: HashSet<Lit>,
}

impl IamTheory {
    /// A theory for atoms `atom_of[sat_var]` over variables of the given sorts.
    pub fn new(
        engine: Engine,
        atom_of: Vec<Option<Atom>>,
        sorts: BTreeMap<LogicVar, Sort>,
    ) -> Self {
        let mut string_atoms: BTreeMap<LogicVar, Vec<usize>> = BTreeMap::new();
        for (index, atom) in atom_of.iter().enumerate() {
            if let Some(Atom::StrIn { var, .. }) = atom {
                string_atoms.entry(*var).or_default().push(index);
            }
        }
        let automaton_of: Vec<Option<Arc<GlobNfa>>> = atom_of
            .iter()
            .map(|atom| match atom {
                Some(Atom::StrIn {
                    pattern,
                    ignore_case,
                    ..
                }) => {
                    let case = if *ignore_case {
                        CaseMode::Insensitive
                    } else {
                        CaseMode::Sensitive
                    };
                    Some(keyaki_automata::thread_cached(
                        &strings::glob(pattern),
                        case,
                    ))
                }
                _ => None,
            })
            .collect();
        let string_atoms = string_atoms
            .into_iter()
            .map(|(var, atoms)| (var, VariableAtoms::new(atoms)))
            .collect();
        let is_value = automaton_of
            .iter()
            .map(|automaton| automaton.as_deref().is_some_and(is_literal))
            .collect();
        IamTheory {
            is_value,
            string_atoms,
            automaton_of,
            engine,
            atom_of,
            sorts,
            known: BTreeMap::new(),
            final_round: false,
            string_witness: BTreeMap::new(),
            set_witness: BTreeMap::new(),
            values_read: true,
            asserted: Vec::new(),
            values_asserted: BTreeMap::new(),
            level_starts: Vec::new(),
            inconclusive: None,
            values: BTreeMap::new(),
            implications_sent: HashSet::new(),
        }
    }

    /// For each SAT variable whose atom tests string variable `var`: whether `name` satisfies
    /// it. Used as initial phases, so the Boolean search leans toward a preferred value.
    pub fn truths_for(&self, var: LogicVar, name: &str) -> Vec<(usize, bool)> {
        self.atom_of
            .iter()
            .zip(&self.automaton_of)
            .enumerate()
            .filter_map(|(index, (atom, automaton))| match (atom, automaton) {
                (Some(atom), Some(automaton)) if atom.var() == var => {
                    Some((index, automaton.matches(name)))
                }
                _ => None,
            })
            .collect()
    }

    /// What asserting `lit` fixes about the other atoms on its variable ([`implications`]).
    /// Propagated at once, with `lit` as the reason, these spare the search one conflict per
    /// atom: a policy of a thousand actions asked about one action would otherwise try them
    /// one by one, and a guard such as `iam:*` would not narrow a list of names.
    fn implied_by_literal(&self, lit: Lit) -> Vec<(Lit, Vec<Lit>)> {
        match self.atom(lit) {
            Some(Atom::StrIn { var, .. }) => self
                .string_atoms
                .get(var)
                .map(|atoms| atoms.implied_by(lit, &self.automaton_of))
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Adds `new` to the asserted literals, counting the values among them.
    fn assert_all(&mut self, new: &[Lit]) {
        for &lit in new {
            if let Some(var) = self.value_var(lit) {
                *self.values_asserted.entry(var).or_default() += 1;
            }
        }
        self.asserted.extend_from_slice(new);
    }

    /// Whether `lit` asserts a value (`x = "c"`, true).
    fn is_value(&self, lit: Lit) -> bool {
        lit.is_positive()
            && self
                .is_value
                .get(lit.var().index())
                .copied()
                .unwrap_or(false)
    }

    /// The variable whose value `lit` asserts, if it asserts one.
    fn value_var(&self, lit: Lit) -> Option<LogicVar> {
        self.is_value(lit)
            .then(|| self.atom(lit).map(Atom::var))
            .flatten()
    }

    /// Whether a value is asserted for the variable of `lit`'s atom.
    fn value_known(&self, lit: Lit) -> bool {
        self.atom(lit)
            .and_then(|atom| self.values_asserted.get(&atom.var()))
            .is_some_and(|&count| count > 0)
    }

    /// Prefers values from `names` for a string variable, when they fit.
    pub fn prefer(&mut self, var: LogicVar, names: Vec<String>) {
        self.known.insert(var, names);
    }

    fn atom(&self, lit: Lit) -> Option<&Atom> {
        self.atom_of.get(lit.var().index()).and_then(Option::as_ref)
    }

    /// Decides the literals of one variable: its value, or a conflict (the true literals).
    fn decide(&mut self, var: LogicVar) -> Result<Option<Value>, Vec<Lit>> {
        let sort = self.sorts.get(&var).copied();
        if matches!(sort, Some(Sort::Str { .. })) {
            // Strings are the common case with many atoms: no atom is cloned, automata are cached.
            let lits: Vec<Lit> = self
                .asserted
                .iter()
                .copied()
                .filter(|&l| self.atom(l).is_some_and(|a| a.var() == var))
                .collect();
            return self.decide_string(var, &lits);
        }
        let lits: Vec<(Lit, Atom)> = self
            .asserted
            .iter()
            .filter_map(|&l| {
                self.atom(l)
                    .filter(|a| a.var() == var)
                    .map(|a| (l, a.clone()))
            })
            .collect();
        match sort {
            Some(Sort::Str { .. }) => Ok(None),
            Some(Sort::Num) => {
                let facts: Vec<order::Fact<Number>> = lits
                    .iter()
                    .filter_map(|(lit, atom)| match atom {
                        Atom::NumCmp { cmp, value, .. } => Some(order::Fact {
                            lit: *lit,
                            cmp: *cmp,
                            constant: *value,
                            holds: lit.is_positive(),
                        }),
                        _ => None,
                    })
                    .collect();
                order::solve(&facts).map(|v| Some(Value::Num(v)))
            }
            Some(Sort::Date) => {
                let facts: Vec<order::Fact<i128>> = lits
                    .iter()
                    .filter_map(|(lit, atom)| match atom {
                        Atom::DateCmp { cmp, value, .. } => Some(order::Fact {
                            lit: *lit,
                            cmp: *cmp,
                            constant: value.0,
                            holds: lit.is_positive(),
                        }),
                        _ => None,
                    })
                    .collect();
                order::solve(&facts).map(|v| Some(Value::Date(Instant(v))))
            }
            Some(Sort::Ip) => {
                let facts: Vec<ip::Membership> = lits
                    .iter()
                    .filter_map(|(lit, atom)| match atom {
                        Atom::IpIn { range, .. } => Some(ip::Membership {
                            lit: *lit,
                            range: *range,
                            inside: lit.is_positive(),
                        }),
                        _ => None,
                    })
                    .collect();
                ip::solve(&facts).map(|v| Some(Value::Ip(v)))
            }
            Some(Sort::StrSet) => self.decide_set(&lits),
            Some(Sort::Bool) | None => Ok(None),
        }
    }

    fn decide_string(&mut self, var: LogicVar, lits: &[Lit]) -> Result<Option<Value>, Vec<Lit>> {
        let facts: Vec<strings::Membership> = lits
            .iter()
            .filter_map(|lit| {
                let automaton = self.automaton_of.get(lit.var().index())?.clone()?;
                Some(strings::Membership {
                    lit: *lit,
                    automaton,
                    member: lit.is_positive(),
                })
            })
            .collect();
        // Known names only matter for the model shown to people, so only at the final check.
        let known: Vec<&str> = if !self.final_round {
            Vec::new()
        } else {
            self.known
                .get(&var)
                .map(|names| names.iter().map(String::as_str).collect())
                .unwrap_or_default()
        };
        match strings::solve(&self.engine, &facts, &known) {
            Ok(strings::Outcome::Value(value)) => Ok(Some(Value::Str(value))),
            Ok(strings::Outcome::Conflict(core)) => Err(core),
            Err(exceeded) => {
                self.inconclusive = Some(exceeded);
                Ok(None)
            }
        }
    }

    fn decide_set(&mut self, lits: &[(Lit, Atom)]) -> Result<Option<Value>, Vec<Lit>> {
        let facts: Vec<sets::SetFact> = lits
            .iter()
            .filter_map(|(lit, atom)| set_fact(*lit, atom))
            .collect();
        match sets::solve(&self.engine, &facts) {
            Ok(Ok(elements)) => Ok(Some(Value::Set(elements))),
            Ok(Err(core)) => Err(core),
            Err(exceeded) => {
                self.inconclusive = Some(exceeded);
                Ok(None)
            }
        }
    }

    /// Whether the last string value found for `var` also satisfies `new`, its new literals.
    /// The value satisfies every older literal still asserted (popping literals only removes
    /// constraints), so when it fits the new ones the group is still consistent: no search.
    fn witness_still_fits(&self, var: LogicVar, new: &[Lit]) -> bool {
        let Some(witness) = self.string_witness.get(&var) else {
            return false;
        };
        new.iter().all(|&lit| match self.atom(lit) {
            Some(atom) if atom.var() == var => self
                .automaton_of
                .get(lit.var().index())
                .and_then(Option::as_ref)
                .is_some_and(|automaton| automaton.matches(witness) == lit.is_positive()),
            _ => true,
        })
    }

    /// Whether the last elements found for set variable `var` also satisfy `new`, its new
    /// literals: as for strings, they satisfy every older literal still asserted, so the group
    /// is still consistent without a search when they fit the new ones.
    fn set_witness_still_fits(&self, var: LogicVar, new: &[Lit]) -> bool {
        let Some(elements) = self.set_witness.get(&var) else {
            return false;
        };
        new.iter().all(|&lit| match self.atom(lit) {
            Some(atom) if atom.var() == var => {
                set_fact(lit, atom).is_some_and(|fact| sets::holds(&self.engine, &fact, elements))
            }
            _ => true,
        })
    }

    /// Whether the last value found for `var` satisfies every literal asserted about it.
    fn fits_all(&self, var: LogicVar) -> bool {
        let lits: Vec<Lit> = self
            .asserted
            .iter()
            .copied()
            .filter(|&l| self.atom(l).is_some_and(|a| a.var() == var))
            .collect();
        self.still_fits(var, &lits)
    }

    /// Says whether the values of a model are read (they are unless said otherwise). When they
    /// are not, only which atoms hold, a final check takes the last value found for a variable
    /// whenever it satisfies all of the variable's literals, instead of searching for the
    /// preferred one again.
    pub fn set_values_read(&mut self, read: bool) {
        self.values_read = read;
    }

    /// Whether the last value found for `var` also satisfies `new`, its new literals.
    fn still_fits(&self, var: LogicVar, new: &[Lit]) -> bool {
        match self.sorts.get(&var) {
            Some(Sort::StrSet) => self.set_witness_still_fits(var, new),
            _ => self.witness_still_fits(var, new),
        }
    }

    fn check(&mut self, vars: BTreeSet<LogicVar>, record: bool) -> TheoryResponse {
        self.final_round = record;
        for var in vars {
            match self.decide(var) {
                Ok(Some(value)) => {
                    match &value {
                        Value::Str(witness) => {
                            self.string_witness.insert(var, witness.clone());
                        }
                        Value::Set(elements) => {
                            self.set_witness.insert(var, elements.clone());
                        }
                        _ => {}
                    }
                    if record {
                        self.values.insert(var, value);
                    }
                }
                Ok(None) => {}
                Err(true_lits) => {
                    return TheoryResponse::conflict(true_lits.into_iter().map(|l| !l).collect());
                }
            }
        }
        TheoryResponse::consistent()
    }
}

impl Theory for IamTheory {
    fn push_level(&mut self) {
        self.level_starts.push(self.asserted.len());
    }

    fn pop_levels(&mut self, levels: usize) {
        let keep = self.level_starts.len().saturating_sub(levels);
        if let Some(&start) = self.level_starts.get(keep) {
            let popped: Vec<Lit> = self.asserted.split_off(start);
            for lit in popped {
                if let Some(var) = self.value_var(lit)
                    && let Some(count) = self.values_asserted.get_mut(&var)
                {
                    *count = count.saturating_sub(1);
                }
            }
        }
        self.level_starts.truncate(keep);
    }

    fn partial_check(&mut self, new: &[Lit]) -> TheoryResponse {
        // The core keeps every propagation's explanation: what a literal implies is sent once.
        let first_time: Vec<Lit> = new
            .iter()
            .copied()
            .filter(|lit| !self.implications_sent.contains(lit))
            .collect();
        self.assert_all(new);
        // Once a variable's value is asserted, its own propagation fixed every atom: a
        // pattern's would only repeat it (and is left unsent, for when the value is undone).
        let first_time: Vec<Lit> = first_time
            .into_iter()
            .filter(|&lit| self.is_value(lit) || !self.value_known(lit))
            .collect();
        let implied: Vec<(Lit, Vec<Lit>)> = first_time
            .iter()
            .flat_map(|&lit| self.implied_by_literal(lit))
            .collect();
        // The new literals of each variable, so that each is looked at once.
        let mut by_var: BTreeMap<LogicVar, Vec<Lit>> = BTreeMap::new();
        for &lit in new {
            if let Some(atom) = self.atom(lit) {
                by_var.entry(atom.var()).or_default().push(lit);
            }
        }
        let touched: BTreeSet<LogicVar> = by_var
            .into_iter()
            .filter(|(var, lits)| !self.still_fits(*var, lits))
            .map(|(var, _)| var)
            .collect();
        let response = self.check(touched, false);
        if response.conflict.is_some() {
            return response;
        }
        self.implications_sent.extend(first_time);
        TheoryResponse {
            conflict: None,
            propagations: implied,
        }
    }

    fn final_check(&mut self, new: &[Lit]) -> TheoryResponse {
        self.assert_all(new);
        self.values.clear();
        self.inconclusive = None;
        let all: BTreeSet<LogicVar> = self
            .asserted
            .iter()
            .filter_map(|&l| self.atom(l).map(Atom::var))
            .collect();
        // When only the atoms' truth is read, a group whose last value satisfies all of its
        // literals is consistent: no search.
        let open = if self.values_read {
            all
        } else {
            all.into_iter().filter(|&var| !self.fits_all(var)).collect()
        };
        self.check(open, true)
    }
}

/// A literal about a set variable as a fact of the set theory: `ForAnyValue` asserted (or
/// `ForAllValues` negated) requires an element, `ForAllValues` asserted (or `ForAnyValue`
/// negated) restricts every element; `present` requires some element, `absent` allows none.
fn set_fact(lit: Lit, atom: &Atom) -> Option<sets::SetFact> {
    let holds = lit.is_positive();
    match atom {
        Atom::SetAny {
            patterns,
            negated,
            ignore_case,
            ..
        } => Some(sets::SetFact {
            lit,
            exists: holds,
            patterns: patterns.clone(),
            negated: *negated == holds,
            ignore_case: *ignore_case,
        }),
        Atom::SetAll {
            patterns,
            negated,
            ignore_case,
            ..
        } => Some(sets::SetFact {
            lit,
            exists: !holds,
            patterns: patterns.clone(),
            negated: *negated == holds,
            ignore_case: *ignore_case,
        }),
        Atom::Present { .. } => Some(sets::SetFact {
            lit,
            exists: holds,
            patterns: Vec::new(),
            negated: holds,
            ignore_case: false,
        }),
        _ => None,
    }
}
