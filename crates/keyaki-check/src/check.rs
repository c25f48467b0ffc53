//! The checks: questions about policies, answered for every request.
//!
//! - **check-no-new-access** — is there a request the new policy allows and the existing one
//!   does not? `allows(new) ∧ ¬allows(existing)`.
//! - **check-access-not-granted** — does the policy allow any of the listed accesses?
//!   `allows(P) ∧ (some listed action on some listed resource)`.
//! - **check-no-public-access** — does the resource policy allow a public caller (see
//!   [`crate::public`]) an action of the resource type's service?
//!   `allows(P) ∧ public-caller ∧ Action ∈ "service:*"`.
//!
//! UNSAT is PASS: no request exists, proved. SAT is FAIL, with the model turned into a request
//! ([`crate::counterexample`]) and replayed through the concrete evaluator before anything is
//! reported: if the replay does not confirm the FAIL, the answer is UNKNOWN (when the encoding
//! approximated, that is expected; otherwise it is an internal error, and said so). The
//! *reasons* name the statements responsible, in Access Analyzer's words: each statement that
//! alone, with the same question, still allows such a request.
//!
//! The subject's [`Exemplars`] (one confirmed request per `Allow` statement) settle what they
//! can without solving: one that answers the question is a counterexample and makes its
//! statement a reason. A caller comparing one policy with many passes them in
//! ([`Check::run_with`]); a single check computes them only when solving gave no answer (a
//! budget ran out, or the witness did not replay). Failing that, the question is split by
//! `Allow` statement: `(s₁ ∨ … ∨ sₙ) ∧ rest` is UNSAT exactly when every `sᵢ ∧ rest` is, and
//! each part is a smaller search.
//!
//! **Budgets.** A check runs within a time budget ([`CheckConfig::timeout`], 10 s unless said
//! otherwise): one deadline for all its searches, the SAT search and the string searches
//! alike, and for the fallbacks above, which look at it before each solve. A check that has no
//! answer when it passes is UNKNOWN, `time budget of 10 s exhausted`; a FAIL already found
//! stays a FAIL (its counterexample replayed), with a note when the reasons may be incomplete.
//! Memory is bounded by each string search's budget ([`keyaki_solver::Budget`]).

use crate::encode::Encoder;
use crate::exemplars::Exemplars;
use crate::public::Fixed;
use crate::resource_type::ResourceType;
use crate::vocabulary::Vocabulary;
use crate::witness::{Preferences, Solved, not_replayed, solve, with_example_accounts};
use keyaki_logic::{Atom, Context, Formula, Pattern};
use keyaki_policy::eval::statement_matches;
use keyaki_policy::{Decision, Effect, ParsedPolicy, Policy, PolicyType, Request, evaluate};
use keyaki_solver::{Deadline, SmtConfig};
use std::cell::OnceCell;
use std::time::Duration;

/// One statement responsible for a FAIL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Access Analyzer's sentence (`New access in the statement with index: 1.`).
    pub description: String,
    /// The statement's 0-based index.
    pub statement_index: usize,
    /// Its `Sid`, when it has one.
    pub statement_id: Option<String>,
}

/// The answer of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Proved for every request.
    Pass,
    /// A request witnesses the failure; it replayed through the concrete evaluator.
    Fail {
        /// The statements responsible.
        reasons: Vec<Reason>,
        /// The witness.
        counterexample: Request,
    },
    /// No sound answer: a budget ran out, or an approximation made the witness unconfirmed.
    Unknown(String),
}

/// A verdict with what was approximated on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The answer.
    pub verdict: Verdict,
    /// One line per approximation (empty when the encoding was exact).
    pub approximations: Vec<String>,
}

/// One entry of `--access`: some listed action on some listed resource (either list may be
/// empty, meaning any).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Access {
    /// Actions, IAM wildcards allowed.
    pub actions: Vec<String>,
    /// Resource ARNs, IAM wildcards allowed.
    pub resources: Vec<String>,
}

/// How long a check may take when nothing else is said: 10 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Limits of one check.
#[derive(Debug, Clone, Copy)]
pub struct CheckConfig {
    /// The solver's limits: a conflict budget, each string search's memory budget, and the
    /// deadline, which [`CheckConfig::started`] sets from `timeout`.
    pub smt: SmtConfig,
    /// How long the whole check may take ([`DEFAULT_TIMEOUT`] by default; `None`: no limit).
    /// Past it, every search stops and the answer is UNKNOWN, `time budget of 10 s exhausted`.
    pub timeout: Option<Duration>,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            smt: SmtConfig::default(),
            timeout: Some(DEFAULT_TIMEOUT),
        }
    }
}

impl CheckConfig {
    /// The limits of a check that starts now: the deadline is `timeout` from now, for the SAT
    /// search and every string search alike. A deadline already set is kept, so that work done
    /// on behalf of a check (its exemplars, say) shares the check's budget.
    pub fn started(self) -> CheckConfig {
        if self.smt.deadline().is_some() {
            return self;
        }
        CheckConfig {
            smt: self.smt.with_deadline(self.timeout.map(Deadline::after)),
            ..self
        }
    }

    /// The deadline, once [`CheckConfig::started`].
    pub fn deadline(&self) -> Option<Deadline> {
        self.smt.deadline()
    }

    /// Whether the deadline has passed.
    pub fn expired(&self) -> bool {
        keyaki_solver::expired(self.deadline())
    }
}

/// A check: the question and what it is asked of.
#[derive(Debug, Clone, Copy)]
pub enum Check<'a> {
    /// Does `new` allow a request `existing` does not?
    NoNewAccess {
        /// The updated policy.
        new: &'a ParsedPolicy,
        /// The policy it replaces.
        existing: &'a ParsedPolicy,
    },
    /// Does `policy` allow one of the listed accesses?
    AccessNotGranted {
        /// The policy.
        policy: &'a ParsedPolicy,
        /// The accesses.
        access: &'a [Access],
    },
    /// Does the resource policy let a public caller use the resource?
    NoPublicAccess {
        /// The resource policy.
        policy: &'a ParsedPolicy,
        /// The resource's type.
        resource_type: ResourceType,
    },
}

/// A check's question, built: the named formulas it is made of, and what the solver decides.
#[derive(Debug, Clone)]
pub struct Question {
    /// The parts, named as in the question's shape (`P_new`, `P_old`, …).
    pub parts: Vec<(String, Formula)>,
    /// The whole question, with the request domain: SAT means FAIL.
    pub formula: Formula,
    /// What the subject's `Deny` statements match.
    pub(crate) denies: Formula,
    /// Everything besides the subject's `Allow` statements (for the reasons).
    pub(crate) rest: Formula,
    /// The subject's `Allow` statements: index, Sid, formula.
    pub(crate) candidates: Vec<(usize, Option<String>, Formula)>,
}

impl<'a> Check<'a> {
    /// The policy whose statements the reasons name.
    pub fn subject(&self) -> &'a ParsedPolicy {
        match self {
            Check::NoNewAccess { new, .. } => new,
            Check::AccessNotGranted { policy, .. } | Check::NoPublicAccess { policy, .. } => policy,
        }
    }

    /// The question's shape, in the notation of the formulas.
    pub fn shape(&self) -> &'static str {
        match self {
            Check::NoNewAccess { .. } => "P_new ∧ ¬P_old",
            Check::AccessNotGranted { .. } => "P ∧ Access",
            Check::NoPublicAccess { .. } => "P ∧ PublicCaller ∧ ServiceAction",
        }
    }

    /// The variables of the question.
    pub fn vocabulary(&self) -> Vocabulary {
        match self {
            Check::NoNewAccess { new, existing } => {
                Vocabulary::of(&[&new.policy, &existing.policy])
            }
            _ => Vocabulary::of(&[&self.subject().policy]),
        }
    }

    fn policy_type(&self) -> PolicyType {
        match self {
            Check::NoPublicAccess { .. } => PolicyType::Resource,
            _ => self.subject().policy_type,
        }
    }

    /// Builds the question in `encoder`'s context.
    pub fn build(&self, encoder: &mut Encoder<'_>) -> Question {
        let policy_type = self.policy_type();
        let subject = encoder.policy(&self.subject().policy, policy_type);
        let (mut parts, rest) = match self {
            Check::NoNewAccess { existing, .. } => {
                let old = encoder.policy(&existing.policy, existing.policy_type);
                let not_old = encoder.cx.not(old.allows);
                let parts = vec![
                    ("P_new".to_string(), subject.allows),
                    ("P_old".to_string(), old.allows),
                ];
                (parts, vec![not_old])
            }
            Check::AccessNotGranted { access, .. } => {
                let requested = requested(encoder, access);
                let parts = vec![
                    ("P".to_string(), subject.allows),
                    ("Access".to_string(), requested),
                ];
                (parts, vec![requested])
            }
            Check::NoPublicAccess {
                policy,
                resource_type,
            } => {
                let public = encoder.public_caller(&Fixed::of(&[&policy.policy]));
                let service = service_actions(encoder, resource_type.service);
                let parts = vec![
                    ("P".to_string(), subject.allows),
                    ("PublicCaller".to_string(), public),
                    ("ServiceAction".to_string(), service),
                ];
                (parts, vec![public, service])
            }
        };
        let mut conjuncts = vec![subject.allows];
        conjuncts.extend(rest.iter().copied());
        let question = encoder.cx.and(conjuncts);
        let domain = domain(encoder, policy_type, question);
        if domain != encoder.cx.tru() {
            parts.push(("Domain".to_string(), domain));
        }
        let mut rest = rest;
        rest.push(domain);
        let rest = encoder.cx.and(rest);
        Question {
            parts,
            formula: encoder.cx.and([question, domain]),
            denies: subject.denies,
            rest,
            candidates: allow_statements(self.subject(), &subject.statements),
        }
    }

    /// Access Analyzer's sentence for a statement responsible for a FAIL.
    pub(crate) fn reason(&self, index: usize, sid: Option<&str>) -> String {
        match self {
            Check::NoNewAccess { .. } => {
                format!("New access in the statement with index: {index}.")
            }
            Check::AccessNotGranted { .. } => {
                format!("One or more of the listed actions in the statement with index: {index}.")
            }
            Check::NoPublicAccess { .. } => {
                let place = match sid {
                    Some(sid) => format!("sid: {sid}"),
                    None => format!("index: {index}"),
                };
                format!("Public access granted in the following statement with {place}.")
            }
        }
    }

    /// Whether a concrete request witnesses the failure (the replay).
    pub fn replays(&self, request: &Request) -> bool {
        let allows = |policy: &ParsedPolicy| {
            evaluate(&policy.policy, policy.policy_type, request).decision == Decision::Allow
        };
        let policies: Vec<&Policy> = match self {
            Check::NoNewAccess { new, existing } => vec![&new.policy, &existing.policy],
            _ => vec![&self.subject().policy],
        };
        if !crate::encode::caller_fits_named_roles(&policies, request) {
            return false;
        }
        match self {
            Check::NoNewAccess { new, existing } => allows(new) && !allows(existing),
            Check::AccessNotGranted { policy, access } => allows(policy) && grants(access, request),
            Check::NoPublicAccess {
                policy,
                resource_type,
            } => {
                let prefix = format!("{}:", resource_type.service);
                evaluate(&policy.policy, PolicyType::Resource, request).decision == Decision::Allow
                    && Fixed::of(&[&policy.policy]).is_public_request(request)
                    && request.action.to_ascii_lowercase().starts_with(&prefix)
            }
        }
    }

    /// Runs the check.
    pub fn run(&self, config: CheckConfig) -> Outcome {
        self.run_with(config, None)
    }

    /// Runs the check, trying the subject's [`Exemplars`] first: one that answers the question
    /// is the counterexample, and each that does is a reason, without solving.
    pub fn run_with(&self, config: CheckConfig, exemplars: Option<&Exemplars>) -> Outcome {
        let config = config.started();
        if let Some(outcome) = exemplars.and_then(|e| self.answered_by_exemplars(e)) {
            return outcome;
        }
        self.run_encoded(config, exemplars)
    }

    /// Runs the check on its formula (the exemplars, if any, tried before solving).
    pub(crate) fn run_encoded(
        &self,
        config: CheckConfig,
        exemplars: Option<&Exemplars>,
    ) -> Outcome {
        let vocabulary = self.vocabulary();
        let mut cx = Context::new();
        let mut encoder = Encoder::new(&mut cx, &vocabulary);
        let question = self.build(&mut encoder);
        decide(&mut encoder, self, &question, config, exemplars)
    }
}

/// `check-no-new-access`: FAIL when `new` allows a request `existing` does not.
pub fn check_no_new_access(
    new: &ParsedPolicy,
    existing: &ParsedPolicy,
    config: CheckConfig,
) -> Outcome {
    Check::NoNewAccess { new, existing }.run(config)
}

/// `check-access-not-granted`: FAIL when `policy` allows one of the listed accesses.
pub fn check_access_not_granted(
    policy: &ParsedPolicy,
    access: &[Access],
    config: CheckConfig,
) -> Outcome {
    Check::AccessNotGranted { policy, access }.run(config)
}

/// `check-no-public-access`: FAIL when the resource policy allows a public caller (see
/// [`crate::public`]) some action of the resource type's service.
pub fn check_no_public_access(
    policy: &ParsedPolicy,
    resource_type: ResourceType,
    config: CheckConfig,
) -> Outcome {
    Check::NoPublicAccess {
        policy,
        resource_type,
    }
    .run(config)
}

/// The actions of one service: `Action ∈ "service:*"`.
fn service_actions(encoder: &mut Encoder<'_>, service: &str) -> Formula {
    encoder.cx.atom_formula(Atom::StrIn {
        var: encoder.action,
        pattern: Pattern::parse(&format!("{service}:*")),
        ignore_case: true,
    })
}

/// The listed accesses as a formula: `∨ entries (∨ actions) ∧ (∨ resources)`.
fn requested(encoder: &mut Encoder<'_>, access: &[Access]) -> Formula {
    let mut entries = Vec::new();
    for entry in access {
        let actions: Vec<Formula> = entry
            .actions
            .iter()
            .map(|a| {
                encoder.cx.atom_formula(Atom::StrIn {
                    var: encoder.action,
                    pattern: Pattern::parse(a),
                    ignore_case: true,
                })
            })
            .collect();
        let resources: Vec<Formula> = entry
            .resources
            .iter()
            .map(|r| {
                let pattern = Pattern::arn(&Pattern::parse(r).pieces);
                encoder.cx.atom_formula(Atom::StrIn {
                    var: encoder.resource,
                    pattern,
                    ignore_case: false,
                })
            })
            .collect();
        let any_action = if actions.is_empty() {
            encoder.cx.tru()
        } else {
            encoder.cx.or(actions)
        };
        let any_resource = if resources.is_empty() {
            encoder.cx.tru()
        } else {
            encoder.cx.or(resources)
        };
        entries.push(encoder.cx.and([any_action, any_resource]));
    }
    encoder.cx.or(entries)
}

/// Whether a concrete request is one of the listed accesses (the replay of the question).
fn grants(access: &[Access], request: &Request) -> bool {
    let matches_any = |patterns: &[String], text: &str, arn: bool, ignore_case: bool| {
        patterns.is_empty()
            || patterns.iter().any(|p| {
                let pattern = Pattern::parse(p);
                let pattern = if arn {
                    Pattern::arn(&pattern.pieces)
                } else {
                    pattern
                };
                pattern.matches(text, ignore_case)
            })
    };
    access.iter().any(|entry| {
        matches_any(&entry.actions, &request.action, false, true)
            && matches_any(&entry.resources, &request.resource, true, false)
    })
}

/// What every request satisfies: a resource policy's caller is one of the principal kinds (an
/// identity policy's caller an IAM user or role session), the keys IAM derives from the caller
/// agree with it (`encode/caller.rs`, for the atoms of `question`); and for any policy, the
/// lemmas between opaque comparisons (`encode/lemmas.rs`).
pub fn domain(encoder: &mut Encoder<'_>, policy_type: PolicyType, question: Formula) -> Formula {
    let lemmas = encoder.opaque_lemmas();
    match policy_type {
        PolicyType::Resource => {
            let kinds = encoder.principal_domain();
            let roles = encoder.named_roles_unique();
            let caller_keys = encoder.caller_links(question);
            encoder.cx.and([kinds, roles, caller_keys, lemmas])
        }
        PolicyType::Identity if encoder.uses_caller_keys() => {
            let callers = encoder.identity_callers();
            let caller_keys = encoder.caller_links(question);
            encoder.cx.and([callers, caller_keys, lemmas])
        }
        PolicyType::Identity => lemmas,
    }
}

fn allow_statements(
    policy: &ParsedPolicy,
    statements: &[Formula],
) -> Vec<(usize, Option<String>, Formula)> {
    policy
        .policy
        .statements
        .iter()
        .zip(statements)
        .filter(|(s, _)| s.effect.value == Effect::Allow)
        .map(|(s, f)| (s.index, s.sid.as_ref().map(|sid| sid.value.clone()), *f))
        .collect()
}

/// Whether a solve gave an answer: UNSAT, or a witness that replays.
fn answered(check: &Check<'_>, solved: &Solved) -> bool {
    match solved {
        Solved::Unsat => true,
        Solved::Unknown(_) => false,
        Solved::Witness(request) => check.replays(request),
    }
}

/// The question split by `Allow` statement. It is `(s₁ ∨ … ∨ sₙ) ∧ ¬denies ∧ rest`, so it is
/// UNSAT exactly when every `sᵢ ∧ ¬denies ∧ rest` is, and each of those holds only one
/// statement's atoms: smaller searches, which may succeed where the whole ran out of budget.
/// The first replayed witness is the answer; else UNSAT if every part is; else the last
/// part's failure, or the time budget when it runs out between parts.
fn decide_by_statement(
    encoder: &mut Encoder<'_>,
    check: &Check<'_>,
    question: &Question,
    preferences: &Preferences,
    config: CheckConfig,
) -> Solved {
    let no_deny = encoder.cx.not(question.denies);
    let mut failure = None;
    for (_, _, statement) in &question.candidates {
        if let Some(deadline) = passed(config) {
            return Solved::Unknown(deadline.to_string());
        }
        let part = encoder.cx.and([*statement, no_deny, question.rest]);
        match solve(encoder, part, preferences, config) {
            Solved::Unsat => {}
            Solved::Witness(request) if check.replays(&request) => {
                return Solved::Witness(request);
            }
            other => failure = Some(other),
        }
    }
    failure.unwrap_or(Solved::Unsat)
}

/// The deadline of `config`, if it has passed.
fn passed(config: CheckConfig) -> Option<Deadline> {
    config.deadline().filter(Deadline::passed)
}

/// The exemplar of statement `index`, if it answers the question.
fn replaying_exemplar<'e>(
    check: &Check<'_>,
    exemplars: Option<&'e Exemplars>,
    index: usize,
) -> Option<&'e Request> {
    exemplars?
        .of_statement(index)
        .filter(|request| check.replays(request))
}

/// The first exemplar, in statement order, that answers the question.
fn first_replaying<'e>(
    check: &Check<'_>,
    question: &Question,
    exemplars: Option<&'e Exemplars>,
) -> Option<&'e Request> {
    question
        .candidates
        .iter()
        .find_map(|(index, _, _)| replaying_exemplar(check, exemplars, *index))
}

/// Solves the question (or takes an exemplar that answers it); on SAT builds and replays the
/// counterexample and finds the reasons ([`reasons`]). A check whose time budget runs out
/// before it has an answer is UNKNOWN, and says so.
fn decide(
    encoder: &mut Encoder<'_>,
    check: &Check<'_>,
    question: &Question,
    config: CheckConfig,
    exemplars: Option<&Exemplars>,
) -> Outcome {
    let approximations = encoder.approximations.clone();
    // Worked out on the first solve: a check an exemplar answers needs none.
    let preferences = OnceCell::new();
    let mut computed = None;
    // Whether `solved` is an answer: UNSAT, or a witness that replayed (an exemplar that
    // answers the question has been replayed already).
    let (mut solved, mut confirmed) = match first_replaying(check, question, exemplars) {
        Some(request) => (Solved::Witness(request.clone()), true),
        None => {
            let preferences = preferences.get_or_init(|| Preferences::of(encoder, check.subject()));
            let solved = solve(encoder, question.formula, preferences, config);
            let confirmed = answered(check, &solved);
            (solved, confirmed)
        }
    };
    // No answer (a budget ran out, or an approximation gave a witness that does not replay):
    // a confirmed exemplar of the subject may still witness the failure; failing that, the
    // question split by statement may be answered where the whole was not. Both share the
    // check's deadline.
    if !confirmed && exemplars.is_none() && !config.expired() {
        let exemplars = computed.insert(Exemplars::of(check.subject(), config));
        if let Some(request) = first_replaying(check, question, Some(exemplars)) {
            (solved, confirmed) = (Solved::Witness(request.clone()), true);
        }
    }
    if !confirmed && question.candidates.len() > 1 && !config.expired() {
        let preferences = preferences.get_or_init(|| Preferences::of(encoder, check.subject()));
        let split = decide_by_statement(encoder, check, question, preferences, config);
        if answered(check, &split) {
            (solved, confirmed) = (split, true);
        }
    }
    let exemplars = exemplars.or(computed.as_ref());
    let mut notes = Vec::new();
    let verdict = match (solved, passed(config)) {
        (Solved::Unsat, _) => Verdict::Pass,
        (Solved::Witness(counterexample), _) if confirmed => {
            let counterexample = with_example_accounts(counterexample, |r| check.replays(r));
            let (reasons, undecided) =
                reasons(encoder, check, question, config, exemplars, &counterexample);
            if let Some(why) = undecided {
                notes.push(format!(
                    "the statements responsible may be more than those listed: {why}"
                ));
            }
            Verdict::Fail {
                reasons,
                counterexample,
            }
        }
        // No answer: when the time is up, that is the reason, whatever gave up first.
        (_, Some(deadline)) => Verdict::Unknown(deadline.to_string()),
        (Solved::Unknown(reason), None) => Verdict::Unknown(reason),
        (Solved::Witness(_), None) => Verdict::Unknown(not_replayed(&approximations)),
    };
    let mut approximations = encoder.approximations.clone();
    approximations.extend(notes);
    Outcome {
        verdict,
        approximations,
    }
}

/// The statements responsible for a FAIL: each `Allow` statement that alone (with the `Deny`
/// statements) still answers the question. A statement the counterexample matches is one,
/// and so is one whose exemplar answers the question; the others are asked together, while
/// the time budget lasts ([`keyaki_solver::satisfiable_parts`]: one encoding, one search
/// repeated, each model naming every statement it satisfies). Also why the list may be
/// incomplete, when some question got no answer.
fn reasons(
    encoder: &mut Encoder<'_>,
    check: &Check<'_>,
    question: &Question,
    config: CheckConfig,
    exemplars: Option<&Exemplars>,
    counterexample: &Request,
) -> (Vec<Reason>, Option<String>) {
    let subject = check.subject();
    // The counterexample answers the question and no Deny matches it (the subject allows it);
    // a statement it matches is a reason without another solve.
    let known = |index: usize| {
        let witnessed = subject
            .policy
            .statements
            .get(index)
            .is_some_and(|s| statement_matches(s, check.policy_type(), counterexample));
        witnessed || replaying_exemplar(check, exemplars, index).is_some()
    };
    let open: Vec<&(usize, Option<String>, Formula)> = question
        .candidates
        .iter()
        .filter(|(index, _, _)| !known(*index))
        .collect();
    let (satisfiable, undecided) = match passed(config) {
        _ if open.is_empty() => (Vec::new(), None),
        Some(deadline) => (vec![None; open.len()], Some(deadline.to_string())),
        None => {
            let no_deny = encoder.cx.not(question.denies);
            let root = encoder.cx.and([no_deny, question.rest]);
            let parts: Vec<Formula> = open.iter().map(|(_, _, statement)| *statement).collect();
            let answers = keyaki_solver::satisfiable_parts(encoder.cx, root, &parts, config.smt);
            (answers.satisfiable, answers.unknown)
        }
    };
    let responsible = |index: usize| {
        known(index)
            || open
                .iter()
                .zip(&satisfiable)
                .any(|((i, _, _), answer)| *i == index && *answer == Some(true))
    };
    let reasons = question
        .candidates
        .iter()
        .filter(|(index, _, _)| responsible(*index))
        .map(|(index, sid, _)| Reason {
            description: check.reason(*index, sid.as_deref()),
            statement_index: *index,
            statement_id: sid.clone(),
        })
        .collect();
    (reasons, undecided)
}
