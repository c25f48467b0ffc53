//! `REDUNDANT_STATEMENT`, decided exactly: a statement is redundant when the policy without it
//! allows and denies exactly the requests the policy does.
//!
//! AWS's check finds a statement written twice; this one proves, with the solver, that removing
//! a statement changes nothing, which also catches a statement covered by the union of others,
//! or by another with a weaker condition. What "changes nothing" asks depends on the effect:
//!
//! - an **`Allow`** statement `s` is redundant when every request it allows is allowed without
//!   it: `check-no-new-access(policy, policy without s)` passes, the question
//!   `s ∧ ¬denies ∧ ¬(other allows)` having no solution (removing an `Allow` never grants more);
//! - a **`Deny`** statement is redundant when the other `Deny` statements refuse every request
//!   it refuses. That the policy alone grants nothing more without it is not enough: its
//!   explicit deny also overrides what *other* policies of the request allow, so the set of
//!   requests the policy denies must stay the same. The question is the same check, asked of
//!   the `Deny` statements read as `Allow` statements.
//!
//! Solving for every statement of a 162-statement policy would be slow, so most statements are
//! settled without the solver, by conditions any redundant statement meets:
//!
//! 1. only the statements that may match a request it matches (their actions and resources may
//!    meet its own, judged by the literal ends of their patterns) can cover it; with none, it
//!    is not redundant;
//! 2. those statements' actions must cover its actions, and their resources its resources, as
//!    sets of strings (the automata). A statement matches every action of its list with any of
//!    its resources, so an action nobody else names is a request only it matches, unless it
//!    matches no request at all (contradictory conditions), which this check does not report.
//!
//! In a resource policy, an `Allow` statement that names principal ARNs is covered only by
//! statements naming the same ARNs ([`names_as_directly`]): a grant to the caller's own ARN
//! counts for more than one to its account or to everyone when the account's policies are
//! combined.
//!
//! The rest are proved by the solver on the policy made of the statement and those that may
//! meet it (the others cannot change the answer), a statement written again but for its `Sid`
//! needing no proof. Statements are taken from last to first, each against the statements not
//! found redundant: of two equal statements the later is reported, and removing all the
//! statements found together changes nothing. Every question shares one deadline
//! ([`Limits`]); a statement whose question runs out of time is not reported.

use crate::redundancy::{Element, Limits, is_covered, may_meet};
use crate::{Document, Finding};
use keyaki_automata::{CaseMode, GlobPattern};
use keyaki_check::check::Check;
use keyaki_check::{Encoder, Vocabulary};
use keyaki_logic::Context;
use keyaki_policy::{
    Effect, Json, Member, ParsedPolicy, PatternList, PolicyType, Principal, PrincipalElement,
    Spanned, Statement,
};
use keyaki_solver::{SmtConfig, SmtResult};

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    let statements = &document.policy.statements;
    let shapes: Vec<Shape> = statements.iter().map(Shape::of).collect();
    let written = statement_values(document.tree);
    let limits = Limits::starting_now();
    let mut removed = vec![false; statements.len()];
    let mut findings = Vec::new();
    for (index, statement) in statements.iter().enumerate().rev() {
        if limits.deadline().passed() {
            break;
        }
        let kept = |other: usize| other != index && !removed.get(other).copied().unwrap_or(true);
        let covering = match written_before(written, index, &kept) {
            Some(first) => vec![first],
            None => {
                let others = candidates_to_cover(statement, index, statements, &shapes, &kept);
                if others.is_empty()
                    || !could_be_covered(&shapes, index, &others, limits)
                    || !proved_redundant(document, statement, &others, limits)
                {
                    continue;
                }
                others
            }
        };
        if let Some(flag) = removed.get_mut(index) {
            *flag = true;
        }
        let mut spans = vec![statement.span];
        spans.extend(
            covering
                .iter()
                .filter_map(|&i| statements.get(i))
                .map(|s| s.span),
        );
        findings.extend(document.finding("REDUNDANT_STATEMENT", &[], &spans));
    }
    findings.reverse();
    findings
}

/// The statements that may help cover statement `index`: for an `Allow`, every kept statement
/// that may match a request it matches (the `Allow`s cover it, the `Deny`s refuse for it); for
/// a `Deny`, the kept `Deny` statements that may.
fn candidates_to_cover(
    statement: &Statement,
    index: usize,
    statements: &[Statement],
    shapes: &[Shape],
    kept: &dyn Fn(usize) -> bool,
) -> Vec<usize> {
    let Some(shape) = shapes.get(index) else {
        return Vec::new();
    };
    statements
        .iter()
        .zip(shapes)
        .enumerate()
        .filter(|(other, (s, other_shape))| {
            let may_cover = match (statement.effect.value, s.effect.value) {
                (Effect::Allow, Effect::Allow) => names_as_directly(s, statement),
                (_, Effect::Deny) => true,
                (Effect::Deny, Effect::Allow) => false,
            };
            kept(*other) && may_cover && shape.may_meet(other_shape)
        })
        .map(|(other, _)| other)
        .collect()
}

/// Whether the `Allow` statement `cover` names every principal ARN that `statement` names:
/// a grant that names its caller's ARN *directly* is not limited by the caller's boundary or
/// session policy (`keyaki_policy::eval::scenario`), so within a resource policy only a
/// statement that names the same ARNs can take over such a grant. `Principal` `*` or an account
/// covering a role or user, as for a KMS key policy's account statement, is not enough.
fn names_as_directly(cover: &Statement, statement: &Statement) -> bool {
    let Some(named) = statement.principal.as_ref().filter(|p| !p.negated) else {
        return true;
    };
    let wanted = arns(named);
    if wanted.is_empty() {
        return true;
    }
    let Some(offered) = cover.principal.as_ref().filter(|p| !p.negated) else {
        return false;
    };
    let offered = arns(offered);
    wanted.iter().all(|arn| offered.contains(arn))
}

/// The `AWS` principals an element names by ARN (not accounts, not `*`).
fn arns(element: &PrincipalElement) -> Vec<&Principal> {
    element
        .principals
        .iter()
        .map(|p| &p.value)
        .filter(|p| matches!(p, Principal::Aws(_)))
        .collect()
}

/// Condition 2 of the module docs: the others' actions cover the statement's actions, and
/// their resources its resources. `true` when unsure, so that the solver decides.
fn could_be_covered(shapes: &[Shape], index: usize, others: &[usize], limits: Limits) -> bool {
    let Some(shape) = shapes.get(index) else {
        return false;
    };
    let others: Vec<&Shape> = others.iter().filter_map(|&i| shapes.get(i)).collect();
    let actions: Vec<&Side> = others.iter().map(|s| &s.action).collect();
    let resources: Vec<&Side> = others.iter().map(|s| &s.resource).collect();
    shape
        .action
        .may_be_covered(&actions, CaseMode::Insensitive, limits)
        && shape
            .resource
            .may_be_covered(&resources, CaseMode::Sensitive, limits)
}

/// What a statement matches along one request variable, as the candidate selection reads it.
struct Side {
    /// `NotAction`, `NotResource`, or no `Resource` at all (matching anything).
    negated: bool,
    /// Its patterns, each variable read as any run.
    globs: Vec<GlobPattern>,
    /// Whether a pattern had a policy variable (the globs are then a superset).
    widened: bool,
}

impl Side {
    fn of(list: Option<&PatternList>, element: Element) -> Side {
        let Some(list) = list else {
            return Side {
                negated: true,
                globs: Vec::new(),
                widened: false,
            };
        };
        Side {
            negated: list.negated,
            globs: list
                .patterns
                .iter()
                .map(|p| element.widened(&p.value))
                .collect(),
            widened: list
                .patterns
                .iter()
                .any(|p| element.exact(&p.value).is_none()),
        }
    }

    /// Whether the two may match a common string; `true` when unsure.
    fn may_meet(&self, other: &Side, case: CaseMode) -> bool {
        self.negated
            || other.negated
            || self
                .globs
                .iter()
                .any(|a| other.globs.iter().any(|b| may_meet(a, b, case)))
    }

    /// Whether the union of `covers` may include this side; `true` when unsure (a negated
    /// cover, a widened side, a search over budget).
    fn may_be_covered(&self, covers: &[&Side], case: CaseMode, limits: Limits) -> bool {
        if self.widened || covers.iter().any(|c| c.negated) {
            return true;
        }
        let union: Vec<&GlobPattern> = covers.iter().flat_map(|c| &c.globs).collect();
        let covered = |members: &[GlobPattern], covers: &[&GlobPattern]| {
            is_covered(members, covers, case, limits) != Some(false)
        };
        if self.negated {
            let mut all: Vec<&GlobPattern> = self.globs.iter().collect();
            all.extend(union.iter().copied());
            return covered(&[], &all);
        }
        self.globs
            .iter()
            .all(|glob| covered(std::slice::from_ref(glob), &union))
    }
}

/// A statement's actions and resources, as the candidate selection reads them.
struct Shape {
    action: Side,
    resource: Side,
}

impl Shape {
    fn of(statement: &Statement) -> Shape {
        Shape {
            action: Side::of(Some(&statement.action), Element::Action),
            resource: Side::of(statement.resource.as_ref(), Element::Resource),
        }
    }

    /// Condition 1 of the module docs.
    fn may_meet(&self, other: &Shape) -> bool {
        self.action.may_meet(&other.action, CaseMode::Insensitive)
            && self.resource.may_meet(&other.resource, CaseMode::Sensitive)
    }
}

/// Whether the solver proves that removing `statement` from the policy made of it and `others`
/// changes nothing (see the module docs for each effect); `false` when it is not so, or not
/// proved within the deadline.
fn proved_redundant(
    document: &Document<'_>,
    statement: &Statement,
    others: &[usize],
    limits: Limits,
) -> bool {
    let as_allow = statement.effect.value == Effect::Deny;
    let mut kept: Vec<&Statement> = others
        .iter()
        .filter_map(|&i| document.policy.statements.get(i))
        .collect();
    let without = sub_policy(document, &kept, as_allow);
    kept.push(statement);
    kept.sort_by_key(|s| s.index);
    let with = sub_policy(document, &kept, as_allow);
    let check = Check::NoNewAccess {
        new: &with,
        existing: &without,
    };
    let vocabulary: Vocabulary = check.vocabulary();
    let mut cx = Context::new();
    let question = check.build(&mut Encoder::new(&mut cx, &vocabulary));
    let config = SmtConfig::default().with_deadline(Some(limits.deadline()));
    matches!(
        keyaki_solver::check(&cx, question.formula, config),
        SmtResult::Unsat
    )
}

/// The document's policy with only `statements`, each made an `Allow` when `as_allow`.
fn sub_policy(document: &Document<'_>, statements: &[&Statement], as_allow: bool) -> ParsedPolicy {
    let mut policy = document.policy.clone();
    policy.statements = statements
        .iter()
        .map(|&s| {
            let mut s = s.clone();
            if as_allow {
                s.effect.value = Effect::Allow;
            }
            s
        })
        .collect();
    ParsedPolicy {
        policy,
        policy_type: policy_type(document),
        warnings: Vec::new(),
    }
}

fn policy_type(document: &Document<'_>) -> PolicyType {
    document.policy_type.grammar()
}

/// An earlier kept statement written the same as statement `index` but for its `Sid`: the
/// reference's own case ("When you include the same statement more than once"), redundant
/// without a proof.
fn written_before(
    written: Option<&[Spanned<Json>]>,
    index: usize,
    kept: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let written = written?;
    let statement = written.get(index)?;
    written
        .get(..index)?
        .iter()
        .enumerate()
        .find(|(other, earlier)| kept(*other) && same_without_sid(earlier, statement))
        .map(|(other, _)| other)
}

/// The statement objects of the document, when `Statement` is a list.
fn statement_values(tree: &Spanned<Json>) -> Option<&[Spanned<Json>]> {
    let Json::Object(members) = &tree.value else {
        return None;
    };
    let statement = members.iter().find(|m| m.key.value == "Statement")?;
    match &statement.value.value {
        Json::Array(items) => Some(items),
        _ => None,
    }
}

fn same_without_sid(a: &Spanned<Json>, b: &Spanned<Json>) -> bool {
    match (&a.value, &b.value) {
        (Json::Object(a), Json::Object(b)) => same_members(
            &a.iter()
                .filter(|m| m.key.value != "Sid")
                .collect::<Vec<_>>(),
            &b.iter()
                .filter(|m| m.key.value != "Sid")
                .collect::<Vec<_>>(),
        ),
        _ => false,
    }
}

/// The same keys with equal values, in any order (keys are unique in a document).
fn same_members(a: &[&Member], b: &[&Member]) -> bool {
    a.len() == b.len()
        && a.iter().all(|ma| {
            b.iter()
                .any(|mb| ma.key.value == mb.key.value && same_json(&ma.value, &mb.value))
        })
}

/// Equal JSON values, whatever their spans and the order of object members.
fn same_json(a: &Spanned<Json>, b: &Spanned<Json>) -> bool {
    match (&a.value, &b.value) {
        (Json::Object(a), Json::Object(b)) => {
            same_members(&a.iter().collect::<Vec<_>>(), &b.iter().collect::<Vec<_>>())
        }
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_json(x, y))
        }
        (x, y) => x == y,
    }
}
