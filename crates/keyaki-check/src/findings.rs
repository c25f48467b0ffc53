//! Findings: every way a caller outside the zone of trust reaches what a resource policy
//! guards, the detective control of Access Analyzer's external access analyzer.
//!
//! The zone of trust is a list of accounts and, optionally, an organization. A caller is
//! *outside* when it is not a service principal, its account (or its SAML/OIDC provider's)
//! is not trusted, its
//! `aws:PrincipalOrgID` is not the trusted organization and its `aws:PrincipalArn` is not in a
//! trusted account. (Whether an untrusted account belongs to the trusted organization cannot be
//! known offline: keyaki only counts a caller as inside the organization when the request says
//! so, which a policy ensures by requiring `aws:PrincipalOrgID`.)
//!
//! For each `Allow` statement, with the policy's `Deny` statements in force:
//!
//! - a **public** finding when the statement lets a public caller in ([`crate::public`]; the
//!   callers and values it names are the ones this statement and the `Deny` statements name);
//! - a **cross-account** finding for each other outside caller it lets in, found one at a time:
//!   solve, name the caller's class from the witness ([`Caller`]: a named account, provider
//!   or canonical user, or every caller of its kind nobody named), exclude that class, solve
//!   again, until UNSAT (at most [`MAX_PER_STATEMENT`] per statement; reaching it is reported
//!   as unanswered, since the list may then be incomplete).
//!
//! These per-kind *cells* are what [`crate::summary`] merges into findings as Access Analyzer
//! reports them, one per statement and access.
//!
//! Every finding carries a request that replays through the concrete evaluator: the policy
//! allows it, the statement matches it, and the caller is outside and of the finding's kind.

use crate::check::{CheckConfig, domain};
use crate::encode::Encoder;
use crate::public::{Fixed, arn_account};
use crate::vocabulary::Vocabulary;
use crate::witness::{Preferences, Solved, not_replayed, solve};
use keyaki_logic::{Atom, Context, Formula, Pattern, Piece};
use keyaki_policy::eval::statement_matches;
use keyaki_policy::{
    Decision, Effect, ParsedPolicy, PolicyType, Principal, Request, RequestPrincipal, Statement,
    evaluate,
};

/// Cross-account callers reported per statement, at most.
pub const MAX_PER_STATEMENT: usize = 32;

/// The zone of trust.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trust {
    /// Trusted account ids.
    pub accounts: Vec<String>,
    /// The trusted organization id (`o-…`), if any.
    pub organization: Option<String>,
}

/// The kind of external access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AccessKind {
    /// Anyone: anonymous callers or any account.
    Public,
    /// A specific caller outside the zone of trust.
    CrossAccount,
}

/// The class of callers a finding's request stands for: the class the search excludes before
/// looking for the next caller, so no two findings of a statement share one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Caller {
    /// The public: a caller nobody named, with every pinning key unpinned.
    Public,
    /// Anonymous callers (a pinning key keeps them from being the public).
    Anonymous,
    /// AWS principals of accounts nobody named.
    AnyAccount,
    /// Federated users of web identity providers (a name, not an ARN) this statement does not
    /// name.
    AnyWebIdentity,
    /// Federated users of SAML or OIDC providers (an ARN) nobody named.
    AnyProviderArn,
    /// Canonical users nobody named.
    AnyCanonicalUser,
    /// Every AWS principal of an account a principal names.
    Account(String),
    /// An AWS principal whose ARN has no account field.
    AwsArn(String),
    /// A federated identity provider this statement names.
    Federated(String),
    /// A canonical user a principal names.
    CanonicalUser(String),
    /// A service principal (never outside the zone of trust; here so the naming is total).
    Service(String),
}

/// One way in from outside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The statement granting it (0-based).
    pub statement_index: usize,
    /// Its `Sid`.
    pub statement_id: Option<String>,
    /// Public or cross-account.
    pub access: AccessKind,
    /// Who: `*` for the public, `AWS account 999988887777`, `Federated …`, `CanonicalUser …`.
    pub principal: String,
    /// The class of callers the request stands for.
    pub caller: Caller,
    /// The statement's action patterns this caller can use (as written; `NotAction` prefixed).
    pub actions: Vec<String>,
    /// A request by such a caller that the policy allows, replayed.
    pub counterexample: Request,
}

/// All findings of a policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// The findings, by statement, public first.
    pub findings: Vec<Finding>,
    /// Questions that got no answer (a budget, or an approximation not confirmed by replay):
    /// the list of findings may be incomplete, and this says where.
    pub unknown: Vec<String>,
    /// What the encoding approximated.
    pub approximations: Vec<String>,
}

/// Every finding of a resource policy for the zone of trust `trust`.
pub fn findings(policy: &ParsedPolicy, trust: &Trust, config: CheckConfig) -> Findings {
    let config = config.started();
    let vocabulary = Vocabulary::of(&[&policy.policy]);
    let mut cx = Context::new();
    let mut encoder = Encoder::new(&mut cx, &vocabulary);
    let encoded = encoder.policy(&policy.policy, PolicyType::Resource);
    let preferences = Preferences::of(&encoder, policy);
    let outside = outside(&mut encoder, trust);
    let no_deny = encoder.cx.not(encoded.denies);
    let denies: Vec<&Statement> = policy
        .policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Deny)
        .collect();
    let mut result = Findings::default();
    for statement in &policy.policy.statements {
        if statement.effect.value != Effect::Allow {
            continue;
        }
        if let Some(deadline) = config.deadline().filter(|d| d.passed()) {
            result.unknown.push(format!(
                "statement {} and those after it: {deadline}",
                statement.index
            ));
            break;
        }
        let Some(&matches) = encoded.statements.get(statement.index) else {
            continue;
        };
        // What this statement (and the Denies) name: a caller named only by another Allow
        // is, for this statement, anyone.
        let fixed = Fixed::of_statements(std::iter::once(statement).chain(denies.iter().copied()));
        let public = encoder.public_caller(&fixed);
        let not_public = encoder.cx.not(public);
        let base = encoder.cx.and([matches, no_deny, outside]);
        let everything = encoder.cx.and([base, public]);
        let domain = domain(&mut encoder, PolicyType::Resource, everything);
        let base = encoder.cx.and([base, domain]);
        let context = StatementContext {
            policy,
            statement,
            fixed: &fixed,
            trust,
            preferences: &preferences,
            config,
        };
        let public_question = encoder.cx.and([base, public]);
        context.find(
            &mut encoder,
            public_question,
            AccessKind::Public,
            &mut result,
        );
        let mut excluded = Vec::new();
        let mut exhausted = false;
        for _ in 0..MAX_PER_STATEMENT {
            let mut parts = vec![base, not_public];
            parts.extend(excluded.iter().map(|&f| encoder.cx.not(f)));
            let question = encoder.cx.and(parts);
            match context.find(
                &mut encoder,
                question,
                AccessKind::CrossAccount,
                &mut result,
            ) {
                Some(caller) => excluded.push(caller),
                None => {
                    exhausted = true;
                    break;
                }
            }
        }
        if !exhausted {
            result.unknown.push(format!(
                "statement {}: more than {MAX_PER_STATEMENT} classes of outside callers; \
                 the others are not listed",
                statement.index
            ));
        }
    }
    result.approximations = encoder.approximations.clone();
    result
}

/// What one statement's questions share.
struct StatementContext<'p> {
    policy: &'p ParsedPolicy,
    statement: &'p keyaki_policy::Statement,
    fixed: &'p Fixed,
    trust: &'p Trust,
    preferences: &'p Preferences,
    config: CheckConfig,
}

impl StatementContext<'_> {
    /// Solves one question; on a replayed witness records a finding and returns the formula of
    /// "the same caller", for excluding it next time.
    fn find(
        &self,
        encoder: &mut Encoder<'_>,
        question: Formula,
        access: AccessKind,
        result: &mut Findings,
    ) -> Option<Formula> {
        let where_ = format!("statement {}", self.statement.index);
        let request = match solve(encoder, question, self.preferences, self.config) {
            Solved::Unsat => return None,
            Solved::Unknown(reason) => {
                result.unknown.push(format!("{where_}: {reason}"));
                return None;
            }
            Solved::Witness(request) => request,
        };
        if !self.replays(&request, access) {
            let why = not_replayed(&encoder.approximations);
            result.unknown.push(format!("{where_}: {why}"));
            return None;
        }
        let (principal, same_caller, caller) = match access {
            AccessKind::Public => ("*".to_string(), encoder.cx.tru(), Caller::Public),
            AccessKind::CrossAccount => caller_of(encoder, self.fixed, self.statement, &request),
        };
        let class = encoder.cx.and([question, same_caller]);
        let actions = self.actions(encoder, class);
        result.findings.push(Finding {
            statement_index: self.statement.index,
            statement_id: self.statement.sid.as_ref().map(|s| s.value.clone()),
            access,
            principal,
            caller,
            actions,
            counterexample: request,
        });
        Some(same_caller)
    }

    /// The witness is what it claims: allowed, by this statement, for an outside caller of
    /// the finding's kind.
    fn replays(&self, request: &Request, access: AccessKind) -> bool {
        let allowed = evaluate(&self.policy.policy, PolicyType::Resource, request).decision
            == Decision::Allow;
        let by_statement = statement_matches(self.statement, PolicyType::Resource, request);
        let public = self.fixed.is_public_request(request);
        let kind_fits = match access {
            AccessKind::Public => public,
            AccessKind::CrossAccount => !public,
        };
        allowed
            && by_statement
            && kind_fits
            && is_outside(self.trust, request)
            && crate::encode::caller_fits_named_roles(&[&self.policy.policy], request)
    }

    /// The statement's action patterns still open to the finding's callers.
    fn actions(&self, encoder: &mut Encoder<'_>, class: Formula) -> Vec<String> {
        const CHECKED_AT_MOST: usize = 32;
        let list = &self.statement.action;
        let written: Vec<String> = list.patterns.iter().map(|p| p.value.text.clone()).collect();
        if list.negated {
            return vec![format!("NotAction {}", written.join(", "))];
        }
        if written.len() > CHECKED_AT_MOST {
            return written;
        }
        written
            .into_iter()
            .filter(|action| {
                let this = encoder.cx.atom_formula(Atom::StrIn {
                    var: encoder.action,
                    pattern: Pattern::parse(action),
                    ignore_case: true,
                });
                let question = encoder.cx.and([class, this]);
                !matches!(
                    keyaki_solver::check(encoder.cx, question, self.config.smt),
                    keyaki_solver::SmtResult::Unsat
                )
            })
            .collect()
    }
}

/// The caller is outside the zone of trust (module docs), as a formula.
fn outside(encoder: &mut Encoder<'_>, trust: &Trust) -> Formula {
    let service = encoder.tagged_prefix("Service:", "");
    let mut parts = vec![encoder.cx.not(service)];
    for account in &trust.accounts {
        let trusted = encoder.account_principal(account);
        parts.push(encoder.cx.not(trusted));
        let field: Vec<Piece> = account.chars().map(Piece::Char).collect();
        let trusted_provider = encoder.tagged_account_field("Federated:", &field, false);
        parts.push(encoder.cx.not(trusted_provider));
        if let Some(var) = encoder.string_key("aws:PrincipalArn") {
            let pattern = Pattern::arn(&Pattern::parse(&format!("arn:*:*:*:{account}:*")).pieces);
            let in_account = encoder.cx.atom_formula(Atom::StrIn {
                var,
                pattern,
                ignore_case: false,
            });
            parts.push(encoder.cx.not(in_account));
        }
    }
    if let (Some(org), Some(var)) = (
        &trust.organization,
        encoder.string_key("aws:PrincipalOrgID"),
    ) {
        let inside = encoder.cx.atom_formula(Atom::StrIn {
            var,
            pattern: Pattern::literal(org),
            ignore_case: false,
        });
        parts.push(encoder.cx.not(inside));
    }
    encoder.cx.and(parts)
}

/// The concrete test of [`outside`], for replay.
fn is_outside(trust: &Trust, request: &Request) -> bool {
    let principal = request.principal.as_ref();
    if matches!(principal, Some(RequestPrincipal::Service(_))) {
        return false;
    }
    let trusted = |account: &str| trust.accounts.iter().any(|t| t == account);
    let account = match principal {
        Some(p @ RequestPrincipal::Aws(_)) => p.account(),
        Some(RequestPrincipal::Federated(name)) => arn_account(name),
        _ => None,
    };
    if account.is_some_and(trusted) {
        return false;
    }
    let value = |key: &str| {
        request
            .context_value(key)
            .and_then(|v| v.values.first().cloned())
    };
    if let Some(arn) = value("aws:PrincipalArn")
        && arn.split(':').nth(4).is_some_and(trusted)
    {
        return false;
    }
    match (&trust.organization, value("aws:PrincipalOrgID")) {
        (Some(org), Some(given)) => *org != given,
        _ => true,
    }
}

/// Names the witness's caller and its class, with the formula of "a caller of that class" to
/// exclude it from the next search: the same named account, provider or canonical user; or,
/// for a caller nobody named (let in because a condition pins something else), every caller
/// of its kind nobody named, described by the pinned values the witness carries.
fn caller_of(
    encoder: &mut Encoder<'_>,
    fixed: &Fixed,
    statement: &Statement,
    request: &Request,
) -> (String, Formula, Caller) {
    let pinned: Vec<String> = fixed
        .pinned_values(request)
        .into_iter()
        .map(|(key, value)| format!("{key} = {value}"))
        .collect();
    let with_pins = |what: &str| {
        if pinned.is_empty() {
            what.to_string()
        } else {
            format!("{what} with {}", pinned.join(", "))
        }
    };
    match request.principal.as_ref() {
        Some(p @ RequestPrincipal::Aws(arn)) => match p.account() {
            Some(account) if fixed.accounts.iter().any(|a| a == account) => (
                format!("AWS account {account}"),
                encoder.account_principal(account),
                Caller::Account(account.to_string()),
            ),
            Some(_) => {
                let any = encoder.has_account();
                let named: Vec<Formula> = fixed
                    .accounts
                    .iter()
                    .map(|a| encoder.account_principal(a))
                    .collect();
                let named = encoder.cx.or(named);
                let unnamed = encoder.cx.not(named);
                (
                    with_pins("AWS principals of any account"),
                    encoder.cx.and([any, unnamed]),
                    Caller::AnyAccount,
                )
            }
            None => (
                format!("AWS {arn}"),
                encoder.tagged("AWS:", arn),
                Caller::AwsArn(arn.clone()),
            ),
        },
        Some(RequestPrincipal::Federated(name)) => {
            let named = named_of_kind(fixed, statement, "Federated:");
            if named.contains(name) {
                return (
                    with_pins(&format!("Federated {name}")),
                    encoder.tagged("Federated:", name),
                    Caller::Federated(name.clone()),
                );
            }
            // Providers nobody named, of the witness's form: an ARN (SAML, OIDC) or a web
            // identity provider's name.
            let arns = encoder.tagged_prefix("Federated:", "arn:");
            let (form, caller) = if name.starts_with("arn:") {
                (arns, Caller::AnyProviderArn)
            } else {
                let any = encoder.tagged_prefix("Federated:", "");
                let not_arn = encoder.cx.not(arns);
                (encoder.cx.and([any, not_arn]), Caller::AnyWebIdentity)
            };
            let unnamed = unnamed_of_kind(encoder, &named, "Federated:");
            (
                with_pins(&format!("Federated providers nobody named, such as {name}")),
                encoder.cx.and([form, unnamed]),
                caller,
            )
        }
        Some(RequestPrincipal::CanonicalUser(id)) => {
            let named = named_of_kind(fixed, statement, "CanonicalUser:");
            if named.contains(id) {
                return (
                    with_pins(&format!("CanonicalUser {id}")),
                    encoder.tagged("CanonicalUser:", id),
                    Caller::CanonicalUser(id.clone()),
                );
            }
            let any = encoder.tagged_prefix("CanonicalUser:", "");
            let unnamed = unnamed_of_kind(encoder, &named, "CanonicalUser:");
            (
                with_pins(&format!("canonical users nobody named, such as {id}")),
                encoder.cx.and([any, unnamed]),
                Caller::AnyCanonicalUser,
            )
        }
        Some(RequestPrincipal::Service(name)) => (
            format!("Service {name}"),
            encoder.tagged("Service:", name),
            Caller::Service(name.clone()),
        ),
        None | Some(RequestPrincipal::Anonymous) => (
            with_pins("anonymous callers"),
            encoder.anonymous(),
            Caller::Anonymous,
        ),
    }
}

/// The callers of kind `tag` (`Federated:`, `CanonicalUser:`) that the policy's principals
/// name (`fixed`) or this statement writes, without the tag.
fn named_of_kind(fixed: &Fixed, statement: &Statement, tag: &str) -> Vec<String> {
    let written = statement
        .principal
        .iter()
        .flat_map(|e| &e.principals)
        .filter_map(|p| match (&p.value, tag) {
            (Principal::Federated(name), "Federated:") => Some(name.clone()),
            (Principal::CanonicalUser(id), "CanonicalUser:") => Some(id.clone()),
            _ => None,
        });
    let mut named: Vec<String> = fixed
        .named_callers
        .iter()
        .filter_map(|c| c.strip_prefix(tag).map(str::to_string))
        .chain(written)
        .collect();
    named.sort();
    named.dedup();
    named
}

/// The caller is none of `named` (of kind `tag`).
fn unnamed_of_kind(encoder: &mut Encoder<'_>, named: &[String], tag: &str) -> Formula {
    let named: Vec<Formula> = named.iter().map(|n| encoder.tagged(tag, n)).collect();
    let named = encoder.cx.or(named);
    encoder.cx.not(named)
}
