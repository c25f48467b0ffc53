//! Deciding a formula of keyaki-logic: Tseitin encoding, the CDCL core, the theories, a model.
//!
//! **Tseitin encoding** (Tseitin, 1968) turns a formula into clauses without blowing up: each
//! ∧/∨ node gets a fresh propositional variable `g` and the clauses that make `g` equivalent to
//! the node (`g → aᵢ` for every operand and `a₁ ∧ … → g` for ∧; dually for ∨); negation is
//! free (a negated literal); atoms become propositional variables whose assignments the theory
//! watches. Hash-consing in keyaki-logic means a shared subformula is encoded once. The root
//! is asserted as a unit clause. The result is equisatisfiable with the formula, and a model of
//! the clauses restricted to the atoms is a model of the formula.
//!
//! The answer is a value: [`SmtResult::Sat`] with a [`Model`] (every variable's value and
//! every atom's truth), [`SmtResult::Unsat`], or [`SmtResult::Unknown`] with the reason: a
//! budget ran out (conflicts, the deadline, or a string search's memory), said in words such
//! as `time budget of 10 s exhausted`.

use crate::lit::{Lit, Var as SatVar};
use crate::solver::{Config, SolveResult, Solver};
use crate::theories::IamTheory;
use crate::trace::Event;
use keyaki_automata::{Budget, Deadline, Engine};
use keyaki_logic::{Atom, AtomId, Context, Formula, Node, Sort, Value, Var};
use std::collections::{BTreeMap, HashMap};

mod parts;

pub use parts::{PartAnswers, satisfiable_parts};

/// A model of a formula: values for its variables and truth values for its atoms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// Values of the theory variables (strings, numbers, dates, addresses, sets).
    pub values: BTreeMap<Var, Value>,
    /// Truth of every atom of the formula.
    pub atoms: BTreeMap<AtomId, bool>,
}

impl Model {
    /// Whether an atom is true in the model.
    pub fn atom(&self, id: AtomId) -> bool {
        self.atoms.get(&id).copied().unwrap_or(false)
    }
}

/// The answer about a formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmtResult {
    /// Satisfiable, with a model.
    Sat(Model),
    /// Unsatisfiable: proved for every assignment.
    Unsat,
    /// Undecided, and why.
    Unknown(String),
}

/// Limits for one question.
#[derive(Debug, Clone, Copy, Default)]
pub struct SmtConfig {
    /// The SAT core's limits (conflicts, deadline, tracing).
    pub sat: Config,
    /// The string searches' limits (memory, deadline).
    pub automata: Budget,
}

impl SmtConfig {
    /// The same limits, with one deadline for the SAT search and every string search.
    pub fn with_deadline(self, deadline: Option<Deadline>) -> SmtConfig {
        SmtConfig {
            sat: Config {
                deadline,
                ..self.sat
            },
            automata: Budget {
                deadline,
                ..self.automata
            },
        }
    }

    /// The deadline of the question, if any.
    pub fn deadline(&self) -> Option<Deadline> {
        self.sat.deadline.or(self.automata.deadline)
    }
}

/// The formula's encoding: which SAT variable stands for which atom.
pub struct Encoding {
    /// For each SAT variable, the atom it stands for (Tseitin variables have none).
    pub atom_of: Vec<Option<AtomId>>,
    literal_of: HashMap<Formula, Lit>,
    /// The clauses, in order of creation.
    pub clauses: Vec<Vec<Lit>>,
}

impl Encoding {
    /// Encodes `root` of `cx`.
    pub fn new(cx: &Context, root: Formula) -> Encoding {
        Encoding::with_parts(cx, root, &[]).0
    }

    /// Encodes `root` of `cx`, asserted, and each of `parts`, defined but not asserted: the
    /// literal returned for a part is true in a model exactly when the part is.
    pub fn with_parts(cx: &Context, root: Formula, parts: &[Formula]) -> (Encoding, Vec<Lit>) {
        let mut encoding = Encoding {
            atom_of: Vec::new(),
            literal_of: HashMap::new(),
            clauses: Vec::new(),
        };
        let top = encoding.encode(cx, root);
        encoding.clauses.push(vec![top]);
        let literals = parts
            .iter()
            .map(|&part| encoding.encode(cx, part))
            .collect();
        (encoding, literals)
    }

    fn fresh(&mut self, atom: Option<AtomId>) -> Lit {
        let var = SatVar(self.atom_of.len() as u32);
        self.atom_of.push(atom);
        var.positive()
    }

    fn encode(&mut self, cx: &Context, f: Formula) -> Lit {
        if let Some(&lit) = self.literal_of.get(&f) {
            return lit;
        }
        let lit = match cx.node(f).clone() {
            Node::True | Node::False => {
                let lit = self.fresh(None);
                let value = matches!(cx.node(f), Node::True);
                self.clauses.push(vec![if value { lit } else { !lit }]);
                lit
            }
            Node::Atom(id) => self.fresh(Some(id)),
            Node::Not(inner) => !self.encode(cx, inner),
            Node::And(operands) | Node::Or(operands) => {
                let is_and = matches!(cx.node(f), Node::And(_));
                let inputs: Vec<Lit> = operands.iter().map(|g| self.encode(cx, *g)).collect();
                let gate = self.fresh(None);
                // ∧: gate → each input, all inputs → gate.  ∨: each input → gate, gate → some input.
                let polarity = |l: Lit| if is_and { l } else { !l };
                for &input in &inputs {
                    self.clauses.push(vec![!polarity(gate), polarity(input)]);
                }
                let mut closing: Vec<Lit> = inputs.iter().map(|&i| !polarity(i)).collect();
                closing.push(polarity(gate));
                self.clauses.push(closing);
                gate
            }
        };
        self.literal_of.insert(f, lit);
        lit
    }
}

/// Whether an atom needs a theory (Booleans and single-valued presence are plain variables).
fn is_theory_atom(cx: &Context, atom: &Atom) -> bool {
    match atom {
        Atom::BoolTrue { .. } => false,
        Atom::Present { var } => matches!(cx.var_info(*var).map(|i| i.sort), Some(Sort::StrSet)),
        _ => true,
    }
}

/// A question being decided, kept for its trace and statistics.
pub struct Smt {
    /// The encoding.
    pub encoding: Encoding,
    solver: Solver<IamTheory>,
}

impl Smt {
    /// Encodes `root` and prepares the solver.
    pub fn new(cx: &Context, root: Formula, config: SmtConfig) -> Smt {
        Smt::of_encoding(cx, Encoding::new(cx, root), config)
    }

    /// Prepares the solver for an encoding.
    fn of_encoding(cx: &Context, encoding: Encoding, config: SmtConfig) -> Smt {
        let atom_of: Vec<Option<Atom>> = encoding
            .atom_of
            .iter()
            .map(|id| {
                id.and_then(|id| cx.atom(id))
                    .filter(|a| is_theory_atom(cx, a))
                    .cloned()
            })
            .collect();
        let sorts = cx.vars().map(|(v, info)| (v, info.sort)).collect();
        let theory = IamTheory::new(Engine::with_budget(config.automata), atom_of.clone(), sorts);
        let mut solver = Solver::with_theory(config.sat, theory);
        for (i, atom) in atom_of.iter().enumerate() {
            let var = solver.new_var();
            if atom.is_some() {
                solver.set_theory_atom(var);
            }
            debug_assert_eq!(var.index(), i);
        }
        for clause in &encoding.clauses {
            solver.add_clause(clause);
        }
        Smt { encoding, solver }
    }

    /// Prefers values from `names` for a string variable (real action names, for example):
    /// the string search tries them first, and the Boolean search starts each atom on the
    /// variable in the phase the first name gives it.
    pub fn prefer(&mut self, var: Var, names: Vec<String>) {
        if let Some(first) = names.first() {
            for (index, truth) in self.solver.theory().truths_for(var, first) {
                self.solver.set_phase(SatVar(index as u32), truth);
            }
        }
        self.solver.theory_mut().prefer(var, names);
    }

    /// Decides the formula.
    pub fn check(&mut self) -> SmtResult {
        match self.solver.solve() {
            SolveResult::Unsat => SmtResult::Unsat,
            SolveResult::Unknown(reason) => SmtResult::Unknown(reason.to_string()),
            SolveResult::Sat(assignment) => {
                let theory = self.solver.theory();
                if let Some(exceeded) = theory.inconclusive {
                    return SmtResult::Unknown(exceeded.to_string());
                }
                let atoms = self
                    .encoding
                    .atom_of
                    .iter()
                    .zip(&assignment)
                    .filter_map(|(id, value)| id.map(|id| (id, *value)))
                    .collect();
                SmtResult::Sat(Model {
                    values: theory.values.clone(),
                    atoms,
                })
            }
        }
    }

    /// The recorded steps (with `Config::trace`).
    pub fn events(&self) -> &[Event] {
        self.solver.events()
    }

    /// A SAT literal in the formula's terms: its atom (as in the math notation, negated when
    /// the literal is), or the Tseitin gate `gN` that stands for a subformula.
    pub fn describe(&self, cx: &Context, lit: Lit) -> String {
        match self
            .encoding
            .atom_of
            .get(lit.var().index())
            .copied()
            .flatten()
            .and_then(|id| cx.atom(id))
        {
            Some(atom) => cx.show_atom(atom, lit.is_positive()),
            None => format!(
                "{}g{}",
                if lit.is_positive() { "" } else { "¬" },
                lit.var().index()
            ),
        }
    }

    /// The Tseitin gates, by variable: `gN` and the definition the clauses give it, one level
    /// deep (`g6 := g2 ∧ g5`), with atoms in the formula's terms.
    pub fn gates(&self, cx: &Context) -> Vec<(String, String)> {
        let mut gates: Vec<(u32, Formula)> = self
            .encoding
            .literal_of
            .iter()
            .filter(|(_, lit)| lit.is_positive())
            .filter(|(_, lit)| {
                self.encoding
                    .atom_of
                    .get(lit.var().index())
                    .is_some_and(Option::is_none)
            })
            .map(|(formula, lit)| (lit.var().0, *formula))
            .collect();
        gates.sort_by_key(|(var, _)| *var);
        let operand = |f: &Formula| match self.encoding.literal_of.get(f) {
            Some(lit) => self.describe(cx, *lit),
            None => match cx.node(*f) {
                Node::Not(inner) => match self.encoding.literal_of.get(inner) {
                    Some(lit) => self.describe(cx, !*lit),
                    None => cx.show(*f),
                },
                _ => cx.show(*f),
            },
        };
        gates
            .into_iter()
            .map(|(var, formula)| {
                let definition = match cx.node(formula) {
                    Node::And(operands) => {
                        operands.iter().map(operand).collect::<Vec<_>>().join(" ∧ ")
                    }
                    Node::Or(operands) => {
                        operands.iter().map(operand).collect::<Vec<_>>().join(" ∨ ")
                    }
                    _ => cx.show(formula),
                };
                (format!("g{var}"), definition)
            })
            .collect()
    }

    /// The recorded steps, one per line, with literals in the formula's terms.
    pub fn trace_text(&self, cx: &Context) -> String {
        let clause = |lits: &[Lit]| {
            lits.iter()
                .map(|l| self.describe(cx, *l))
                .collect::<Vec<_>>()
                .join(" ∨ ")
        };
        let mut out = String::new();
        for event in self.events() {
            let line = match event {
                Event::Decide { literal, level } => {
                    format!("decide    @{level} {}", self.describe(cx, *literal))
                }
                Event::Propagate { literal, clause: c } => format!(
                    "propagate    {}   by {}",
                    self.describe(cx, *literal),
                    clause(c)
                ),
                Event::TheoryPropagate { literal, because } => format!(
                    "theory       {} because {}",
                    self.describe(cx, *literal),
                    because
                        .iter()
                        .map(|l| self.describe(cx, *l))
                        .collect::<Vec<_>>()
                        .join(" ∧ ")
                ),
                Event::Conflict { clause: c, theory } => format!(
                    "{} {}",
                    if *theory {
                        "theory conflict: need"
                    } else {
                        "conflict: false clause"
                    },
                    clause(c)
                ),
                Event::Learn { clause: c, lbd } => {
                    format!("learn        {} (lbd {lbd})", clause(c))
                }
                Event::Backjump { level } => format!("backjump  @{level}"),
                Event::Restart => "restart".to_string(),
                Event::Reduce { deleted } => {
                    format!("reduce       {deleted} learned clauses deleted")
                }
                Event::Model => {
                    "model: every variable assigned, the theories agree → SAT".to_string()
                }
                Event::Unsat => "conflict at level 0 → UNSAT".to_string(),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// The SAT core's counters.
    pub fn stats(&self) -> crate::Stats {
        self.solver.stats()
    }
}

/// Decides `root` of `cx` in one call.
pub fn check(cx: &Context, root: Formula, config: SmtConfig) -> SmtResult {
    Smt::new(cx, root, config).check()
}
