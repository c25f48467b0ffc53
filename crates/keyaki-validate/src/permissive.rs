//! The reference's overly permissive grants of `iam:PassRole` (security warnings) and
//! `iam:CreateServiceLinkedRole` (warnings): an `Allow` statement that grants the action on
//! every role, by a wildcard resource or by `NotResource`.
//!
//! Each check has three ways to reach the action (named, through a wildcard action such as
//! `*` or `iam:*`, or through a `NotAction` that does not exclude it) and two ways to reach
//! every resource (`Resource` with a wildcard for the whole role name, or `NotResource`); the
//! six combinations are six issue codes. The condition key the reference recommends
//! (`iam:PassedToService`, `iam:AWSServiceName`) narrows the grant, and silences the check.

use crate::{Document, Finding};
use keyaki_policy::eval::wildcard::Glob;
use keyaki_policy::{Effect, Pattern, PatternList, Span, Spanned, Statement};

/// One action the checks watch, with the codes of its six combinations.
struct Watched {
    action: &'static str,
    narrowing_key: &'static str,
    /// Prefix of the six codes (`PASS_ROLE`, `CREATE_SLR`).
    codes: &'static str,
}

const WATCHED: &[Watched] = &[
    Watched {
        action: "iam:PassRole",
        narrowing_key: "iam:PassedToService",
        codes: "PASS_ROLE",
    },
    Watched {
        action: "iam:CreateServiceLinkedRole",
        narrowing_key: "iam:AWSServiceName",
        codes: "CREATE_SLR",
    },
];

/// How a statement reaches the watched action.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ActionReach {
    Named,
    Wildcard,
    NotAction,
}

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    if !document.policy_type.grants() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for statement in &document.policy.statements {
        if statement.effect.value != Effect::Allow {
            continue;
        }
        for watched in WATCHED {
            findings.extend(check(document, statement, watched));
        }
    }
    findings
}

fn check(document: &Document<'_>, statement: &Statement, watched: &Watched) -> Option<Finding> {
    let narrowed = statement
        .conditions
        .iter()
        .any(|c| c.key.value.eq_ignore_ascii_case(watched.narrowing_key));
    if narrowed {
        return None;
    }
    let reach = action_reach(&statement.action, watched.action)?;
    let resource = statement.resource.as_ref()?;
    let (resource_part, span) = if resource.negated {
        ("NOT_RESOURCE", resource.span)
    } else {
        ("STAR_IN_RESOURCE", every_role(&resource.patterns)?)
    };
    let code = match (reach, resource_part) {
        (ActionReach::Named, part) => format!("{}_WITH_{part}", watched.codes),
        (ActionReach::Wildcard, "NOT_RESOURCE") => {
            format!("{}_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", watched.codes)
        }
        (ActionReach::Wildcard, _) => format!("{}_WITH_STAR_IN_ACTION_AND_RESOURCE", watched.codes),
        (ActionReach::NotAction, "NOT_RESOURCE") => {
            format!("{}_WITH_NOT_ACTION_AND_NOT_RESOURCE", watched.codes)
        }
        (ActionReach::NotAction, _) => {
            format!("{}_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", watched.codes)
        }
    };
    document.finding(&code, &[], &[span])
}

/// Whether, and how, the `Action`/`NotAction` element grants `action`.
fn action_reach(list: &PatternList, action: &str) -> Option<ActionReach> {
    let matching: Vec<&Spanned<Pattern>> = list
        .patterns
        .iter()
        .filter(|p| {
            Glob::from_literal_pattern(&p.value).is_some_and(|g| g.matches_ignoring_case(action))
        })
        .collect();
    match (list.negated, matching.is_empty()) {
        (true, true) => Some(ActionReach::NotAction),
        (true, false) | (false, true) => None,
        (false, false)
            if matching
                .iter()
                .any(|p| p.value.text.eq_ignore_ascii_case(action)) =>
        {
            Some(ActionReach::Named)
        }
        (false, false) => Some(ActionReach::Wildcard),
    }
}

/// The first resource that stands for every role of an account or more: `*`, or an ARN whose
/// resource part is a lone `*` or `role/*` (the reference notes that a narrower name such as
/// `role/Service*` may be a service's naming convention and is not reported).
fn every_role(patterns: &[Spanned<Pattern>]) -> Option<Span> {
    patterns
        .iter()
        .find(|p| {
            let text = p.value.text.as_str();
            text == "*"
                || text
                    .splitn(6, ':')
                    .nth(5)
                    .is_some_and(|resource| resource == "*" || resource == "role/*")
        })
        .map(|p| p.span)
}
