//! The reasoning of a check, shown: what `keyaki explain` prints.
//!
//! A check is a question about formulas, decided by a solver. [`explain`] builds the question
//! exactly as the check does ([`Check::build`]) and records every stage:
//!
//! 1. each policy's formula and the question's other parts, in the notation of
//!    `keyaki-logic` (`(Action ∈ "s3:PutObject") ∧ …`), and the question's shape
//!    (`P_new ∧ ¬P_old`);
//! 2. the clause set the Tseitin encoding gives the SAT core (atoms in the formula's terms,
//!    `gN` for the gate of a subformula);
//! 3. the solver's run, step by step: decisions, propagations, theory conflicts with the
//!    patterns that clash, learned clauses, backjumps;
//! 4. the answer: SAT with the model as a request, or UNSAT with the reason per statement;
//! 5. the check's verdict (with the replayed counterexample), the SMT-LIB script of the
//!    question for z3 or cvc5, and the automata of its string atoms and their products, as
//!    Graphviz DOT.

use crate::check::{Check, CheckConfig, Outcome};
use crate::counterexample::request_of;
use crate::encode::Encoder;
use crate::witness::Preferences;
use keyaki_automata::dot::{nfa_dot, product_dot};
use keyaki_automata::{CaseMode, Constraint, Engine};
use keyaki_logic::{Atom, Context, Formula};
use keyaki_policy::Request;
use keyaki_solver::{Event, Lit, Smt, SmtConfig, SmtResult, Stats};

/// Everything `keyaki explain` shows.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The question's shape, `P_new ∧ ¬P_old`.
    pub shape: &'static str,
    /// Each named part and its formula, in the notation.
    pub parts: Vec<(String, String)>,
    /// The SAT encoding's clauses, in the formula's terms.
    pub clauses: Vec<String>,
    /// The SAT variables: atoms and Tseitin gates.
    pub variables: usize,
    /// Each Tseitin gate (`gN`) and the subformula it stands for, in the notation.
    pub gates: Vec<(String, String)>,
    /// The solver's steps, one per line.
    pub trace: Vec<String>,
    /// The SAT core's counters for the run.
    pub stats: Stats,
    /// The run's answer.
    pub answer: Answer,
    /// The check's verdict, as `keyaki CHECK` reports it.
    pub outcome: Outcome,
    /// The question as an SMT-LIB 2 script, or why it cannot be written as one.
    pub smtlib: Result<String, String>,
    /// Graphviz pictures: `(file stem, DOT text)`.
    pub automata: Vec<(String, String)>,
}

/// What the traced run found.
#[derive(Debug, Clone)]
pub enum Answer {
    /// A model, as a request (before the check's search for a more readable one).
    Sat(Request),
    /// No model; for each `Allow` statement of the subject, why it contributes nothing.
    Unsat(Vec<String>),
    /// The run gave up.
    Unknown(String),
}

/// Products drawn at most (one per theory conflict, and the model's).
const PRODUCTS_AT_MOST: usize = 6;
/// States drawn at most in one product.
const PRODUCT_STATES: usize = 60;

/// Explains `check`: see the module docs.
pub fn explain(check: &Check<'_>, config: CheckConfig) -> Explanation {
    // One time budget for the traced run, the reasons and the check itself.
    let config = config.started();
    let vocabulary = check.vocabulary();
    let mut cx = Context::new();
    let mut encoder = Encoder::new(&mut cx, &vocabulary);
    let question = check.build(&mut encoder);
    let parts = question
        .parts
        .iter()
        .map(|(name, f)| (name.clone(), encoder.cx.show(*f)))
        .collect();
    let mut traced = SmtConfig {
        sat: config.smt.sat,
        automata: config.smt.automata,
    };
    traced.sat.trace = true;
    let mut smt = Smt::new(encoder.cx, question.formula, traced);
    for (var, names) in Preferences::of(&encoder, check.subject()).values() {
        smt.prefer(*var, names.clone());
    }
    let result = smt.check();
    let clauses = smt
        .encoding
        .clauses
        .iter()
        .map(|clause| {
            clause
                .iter()
                .map(|l| smt.describe(encoder.cx, *l))
                .collect::<Vec<_>>()
                .join(" ∨ ")
        })
        .collect();
    let trace = smt
        .trace_text(encoder.cx)
        .lines()
        .map(str::to_string)
        .collect();
    let gates = smt.gates(encoder.cx);
    let mut automata = atom_pictures(encoder.cx, question.formula);
    automata.extend(conflict_products(&smt, encoder.cx));
    let answer = match &result {
        SmtResult::Sat(model) => {
            automata.extend(model_products(&smt, encoder.cx, model));
            let with_principal = encoder.names_caller(check.subject().policy_type);
            Answer::Sat(request_of(&mut encoder, model, with_principal))
        }
        SmtResult::Unsat => Answer::Unsat(unsat_reasons(&mut encoder, check, &question, config)),
        SmtResult::Unknown(why) => Answer::Unknown(why.clone()),
    };
    let smtlib = encoder
        .cx
        .to_smtlib(question.formula)
        .map_err(|e| format!("{e:?}"));
    Explanation {
        shape: check.shape(),
        parts,
        clauses,
        variables: smt.encoding.atom_of.len(),
        gates,
        trace,
        stats: smt.stats(),
        answer,
        outcome: check.run(config),
        smtlib,
        automata,
    }
}

/// For an UNSAT question: each `Allow` statement of the subject, and why no request it allows
/// answers the question (the `Deny` statements close it, or the rest of the question does).
fn unsat_reasons(
    encoder: &mut Encoder<'_>,
    check: &Check<'_>,
    question: &crate::check::Question,
    config: CheckConfig,
) -> Vec<String> {
    let closed_by_itself = match check {
        Check::NoNewAccess { .. } => "every request it allows, the existing policy allows too",
        Check::AccessNotGranted { .. } => "it allows none of the listed accesses",
        Check::NoPublicAccess { .. } => {
            "it lets no public caller use an action of the resource's service"
        }
    };
    question
        .candidates
        .iter()
        .map(|(index, sid, statement)| {
            let sid = sid
                .as_ref()
                .map(|s| format!(" `{s}`"))
                .unwrap_or_default();
            let without_denies = encoder.cx.and([*statement, question.rest]);
            match keyaki_solver::check(encoder.cx, without_denies, config.smt) {
                SmtResult::Sat(_) => format!(
                    "statement {index}{sid}: the requests it would add are all denied by a Deny statement"
                ),
                SmtResult::Unsat => format!("statement {index}{sid}: {closed_by_itself}"),
                SmtResult::Unknown(why) => format!("statement {index}{sid}: not known ({why})"),
            }
        })
        .collect()
}

/// The position automaton of every string atom of the question.
fn atom_pictures(cx: &Context, question: Formula) -> Vec<(String, String)> {
    let engine = Engine::default();
    cx.atoms_of(question)
        .into_iter()
        .filter_map(|id| match cx.atom(id) {
            Some(Atom::StrIn {
                pattern,
                ignore_case,
                ..
            }) => {
                let nfa = engine.automaton(
                    &keyaki_solver::theories::strings::glob(pattern),
                    case(*ignore_case),
                );
                Some((format!("atom-{}", id.0), nfa_dot(&nfa)))
            }
            _ => None,
        })
        .collect()
}

fn case(ignore_case: bool) -> CaseMode {
    if ignore_case {
        CaseMode::Insensitive
    } else {
        CaseMode::Sensitive
    }
}

/// The string constraints a set of true literals puts on each variable, as automata.
fn constraints_of(
    smt: &Smt,
    cx: &Context,
    true_literals: &[Lit],
) -> Vec<(String, Vec<Constraint>)> {
    let engine = Engine::default();
    let mut by_var: std::collections::BTreeMap<String, Vec<Constraint>> = Default::default();
    for literal in true_literals {
        let atom = smt
            .encoding
            .atom_of
            .get(literal.var().index())
            .copied()
            .flatten()
            .and_then(|id| cx.atom(id));
        if let Some(Atom::StrIn {
            var,
            pattern,
            ignore_case,
        }) = atom
        {
            let name = cx
                .var_info(*var)
                .map(|info| info.name.clone())
                .unwrap_or_default();
            let automaton = engine.automaton(
                &keyaki_solver::theories::strings::glob(pattern),
                case(*ignore_case),
            );
            by_var.entry(name).or_default().push(Constraint {
                automaton,
                positive: literal.is_positive(),
            });
        }
    }
    by_var.into_iter().collect()
}

/// The product of each theory conflict: the constraints that cannot hold together.
fn conflict_products(smt: &Smt, cx: &Context) -> Vec<(String, String)> {
    let mut pictures = Vec::new();
    for (number, event) in smt
        .events()
        .iter()
        .filter(|e| matches!(e, Event::Conflict { theory: true, .. }))
        .enumerate()
        .take(PRODUCTS_AT_MOST)
    {
        let Event::Conflict { clause, .. } = event else {
            continue;
        };
        // The conflict clause says "not all of these": its negated literals were all true.
        let asserted: Vec<Lit> = clause.iter().map(|l| !*l).collect();
        for (var, constraints) in constraints_of(smt, cx, &asserted) {
            pictures.push((
                format!("conflict-{}-{}", number + 1, file_safe(&var)),
                product_dot(&constraints, PRODUCT_STATES),
            ));
        }
    }
    pictures
}

/// The product of the string constraints the model satisfies, per variable.
fn model_products(smt: &Smt, cx: &Context, model: &keyaki_solver::Model) -> Vec<(String, String)> {
    let true_literals: Vec<Lit> = smt
        .encoding
        .atom_of
        .iter()
        .enumerate()
        .filter_map(|(index, id)| {
            let id = (*id)?;
            let value = model.atom(id);
            Some(keyaki_solver::Var(index as u32).lit(value))
        })
        .collect();
    constraints_of(smt, cx, &true_literals)
        .into_iter()
        .map(|(var, constraints)| {
            (
                format!("model-{}", file_safe(&var)),
                product_dot(&constraints, PRODUCT_STATES),
            )
        })
        .collect()
}

fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
