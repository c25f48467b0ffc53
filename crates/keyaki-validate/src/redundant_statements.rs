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
//! 1. only the statements that may match a request it matches can cover it (their actions and
//!    resources may meet its own: two patterns unless their literal ends differ, a `Not…` list
//!    unless the automata show it excludes all of the other side); with none, it is not
//!    redundant;
//! 2. those statements' actions must cover its actions, and their resources its resources, as
//!    sets of strings (the automata, a `NotAction` or `NotResource` as its complement); more
//!    precisely, for each action pattern, the resources of the statements whose actions meet
//!    it must cover its resources, and the other way round. A statement matches every action
//!    of its list with any of its resources, so an action nobody else names is a request only
//!    it matches, unless it matches no request at all (contradictory conditions), which this
//!    check does not report.
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
    findings_within(document, Limits::starting_now())
}

/// The findings, every question within `limits`: past its deadline nothing more is reported.
fn findings_within(document: &Document<'_>, limits: Limits) -> Vec<Finding> {
    let statements = &document.policy.statements;
    let shapes: Vec<Shape> = statements.iter().map(Shape::of).collect();
    let written = statement_values(document.tree);
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
                let others =
                    candidates_to_cover(statement, index, statements, &shapes, &kept, limits);
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
    limits: Limits,
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
            kept(*other) && may_cover && shape.may_meet(other_shape, limits)
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

/// Condition 2 of the module docs, sharpened: for each action pattern `p` of the statement,
/// the resources of the others whose actions meet `p` must cover its resources (a request
/// with an action of `p` is matched only by those), and the same the other way round. `true`
/// when unsure, so that the solver decides.
fn could_be_covered(shapes: &[Shape], index: usize, others: &[usize], limits: Limits) -> bool {
    let Some(shape) = shapes.get(index) else {
        return false;
    };
    let others: Vec<&Shape> = others.iter().filter_map(|&i| shapes.get(i)).collect();
    let (actions, resources) = (CaseMode::Insensitive, CaseMode::Sensitive);
    let resources_covered = shape.action.starts().iter().all(|p| {
        let meeting: Vec<&Side> = others
            .iter()
            .filter(|o| p.is_none_or(|p| o.action.may_hold(p, actions, limits)))
            .map(|o| &o.resource)
            .collect();
        shape.resource.may_be_covered(&meeting, resources, limits)
    });
    resources_covered
        && shape.resource.starts().iter().all(|q| {
            let meeting: Vec<&Side> = others
                .iter()
                .filter(|o| q.is_none_or(|q| o.resource.may_hold(q, resources, limits)))
                .map(|o| &o.action)
                .collect();
            shape.action.may_be_covered(&meeting, actions, limits)
        })
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

    /// Whether the two may match a common string; `true` when unsure. A negated side meets a
    /// list unless every pattern of the list is inside what it excludes.
    fn may_meet(&self, other: &Side, case: CaseMode, limits: Limits) -> bool {
        match (self.negated, other.negated) {
            (true, true) => true,
            (true, false) => other.globs.iter().any(|g| self.may_hold(g, case, limits)),
            (false, true) => self.globs.iter().any(|g| other.may_hold(g, case, limits)),
            (false, false) => self
                .globs
                .iter()
                .any(|a| other.globs.iter().any(|b| may_meet(a, b, case))),
        }
    }

    /// The patterns to split a question by: each of a list's; one case, `None`, for a negated
    /// or widened side, whose strings are not the union of its patterns.
    fn starts(&self) -> Vec<Option<&GlobPattern>> {
        if self.negated || self.widened || self.globs.is_empty() {
            vec![None]
        } else {
            self.globs.iter().map(Some).collect()
        }
    }

    /// Whether this side may hold some string of `pattern`; `true` when unsure.
    fn may_hold(&self, pattern: &GlobPattern, case: CaseMode, limits: Limits) -> bool {
        if self.negated && self.widened {
            return true;
        }
        if self.negated {
            let excluded: Vec<&GlobPattern> = self.globs.iter().collect();
            return is_covered(&[pattern], &excluded, case, limits) != Some(true);
        }
        self.globs.iter().any(|glob| may_meet(glob, pattern, case))
    }

    /// Whether the union of `covers` may include this side; `true` when unsure (a widened
    /// side or negated cover, too many cases, a search over budget). A negated cover, `x ∉ q₁ ∪ … ∪ qₖ`, leaves
    /// out only strings inside one of its `qᵢ`, so the question splits into one case per choice
    /// of a `qᵢ` in each negated cover, at most [`MAX_CASES`].
    fn may_be_covered(&self, covers: &[&Side], case: CaseMode, limits: Limits) -> bool {
        if self.widened || covers.iter().any(|c| c.negated && c.widened) {
            return true;
        }
        let negated: Vec<&[GlobPattern]> = covers
            .iter()
            .filter(|c| c.negated)
            .map(|c| c.globs.as_slice())
            .collect();
        if negated.iter().any(|globs| globs.is_empty()) {
            return true;
        }
        let mut outside: Vec<&GlobPattern> = covers
            .iter()
            .filter(|c| !c.negated)
            .flat_map(|c| &c.globs)
            .collect();
        let starts: Vec<Vec<&GlobPattern>> = if self.negated {
            outside.extend(&self.globs);
            vec![Vec::new()]
        } else {
            self.globs.iter().map(|glob| vec![glob]).collect()
        };
        starts.iter().all(|start| {
            // Only the patterns of a negated cover that may meet the start can leave part of it
            // out; a cover none of whose patterns does includes all of it.
            let meeting: Vec<Vec<&GlobPattern>> = negated
                .iter()
                .map(|globs| {
                    globs
                        .iter()
                        .filter(|q| start.iter().all(|p| may_meet(p, q, case)))
                        .collect()
                })
                .collect();
            if meeting.iter().any(Vec::is_empty) {
                return true;
            }
            let Some(choices) = choices(&meeting) else {
                return true;
            };
            choices.iter().all(|choice| {
                let mut inside = start.clone();
                inside.extend(choice.iter().copied());
                is_covered(&inside, &outside, case, limits) != Some(false)
            })
        })
    }
}

/// The most cases [`Side::may_be_covered`] splits a question into.
const MAX_CASES: usize = 64;

/// Every way to pick one pattern from each list, or `None` when there are more than
/// [`MAX_CASES`].
fn choices<'a>(lists: &[Vec<&'a GlobPattern>]) -> Option<Vec<Vec<&'a GlobPattern>>> {
    let mut all: Vec<Vec<&GlobPattern>> = vec![Vec::new()];
    for list in lists {
        if all.len().saturating_mul(list.len()) > MAX_CASES {
            return None;
        }
        all = all
            .iter()
            .flat_map(|picked| {
                list.iter().map(move |&glob| {
                    let mut next = picked.clone();
                    next.push(glob);
                    next
                })
            })
            .collect();
    }
    Some(all)
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
    fn may_meet(&self, other: &Shape, limits: Limits) -> bool {
        self.action
            .may_meet(&other.action, CaseMode::Insensitive, limits)
            && self
                .resource
                .may_meet(&other.resource, CaseMode::Sensitive, limits)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ValidatePolicyType;
    use keyaki_policy::{ParseOptions, SourceFile, parse_policy, read_json};

    const TWICE: &str = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/a/*"}]}"#;

    fn redundant_statements(limits: Limits) -> usize {
        let source = SourceFile::new("policy.json", TWICE.as_bytes().to_vec());
        let tree = read_json(&source, ParseOptions::default()).unwrap();
        let parsed = parse_policy(&source, ParseOptions::default()).unwrap();
        let document = Document {
            source: &source,
            tree: &tree,
            policy: &parsed.policy,
            policy_type: ValidatePolicyType::Identity,
            resource_type: None,
        };
        findings_within(&document, limits).len()
    }

    #[test]
    fn a_question_past_the_deadline_reports_nothing() {
        assert_eq!(redundant_statements(Limits::starting_now()), 1);
        assert_eq!(redundant_statements(Limits::already_passed()), 0);
    }
}
