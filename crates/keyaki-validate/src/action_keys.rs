//! Checks that need each action's condition keys (the catalog's `action` lines): a condition
//! key that some actions of its statement do not support, so that the condition is not
//! evaluated for them.
//!
//! - `UNSUPPORTED_ACTION_FOR_CONDITION_KEY`: a service's key (`s3:prefix`) or an identity
//!   provider's (`cognito-identity.amazonaws.com:aud`) with actions that support it neither
//!   themselves nor through their resource types. Global keys (`aws:`, and the Guide's
//!   cross-service keys such as `lambda:SourceFunctionArn`) are exempt.
//! - The four `…_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE` checks: a tag key
//!   (`aws:ResourceTag/…`, `aws:RequestTag/…`, `aws:TagKeys`) with actions of a service none
//!   of whose actions supports it; with `NotAction`, when such a service is left in.
//!
//! Only what the catalog states is judged: an action written with a wildcard is not (the
//! reference: "If the `Action` element has actions with wildcards, IAM Access Analyzer doesn't
//! evaluate those actions for this error"), nor an action or service the catalog lacks or
//! lists with an empty row, nor a key it does not declare by name. A tag key is judged per service, so a wildcard in the
//! action name does not matter there, but one in the service prefix (or `*`) is not judged.

use crate::catalog::{self, GlobalKey, KeyStatus};
use crate::condition_keys::values_span;
use crate::{Document, Finding};
use keyaki_check::catalog::service_actions;
use keyaki_policy::eval::wildcard::Glob;
use keyaki_policy::{Condition, Effect, Span, Statement};
use std::collections::BTreeSet;

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for statement in &document.policy.statements {
        for condition in &statement.conditions {
            findings.extend(unsupported_actions(document, statement, condition));
            findings.extend(unsupported_tag_key(document, statement, condition));
        }
    }
    findings
}

/// `UNSUPPORTED_ACTION_FOR_CONDITION_KEY`: the statement's actions, written without wildcards,
/// that do not support the key; located at each of them, then at the key's values.
fn unsupported_actions(
    document: &Document<'_>,
    statement: &Statement,
    condition: &Condition,
) -> Option<Finding> {
    let key = condition.key.value.as_str();
    if statement.action.negated || is_global(key) || !is_declared(key) {
        return None;
    }
    if !catalog::knows_action_keys() {
        return None;
    }
    let unsupported: Vec<(&str, Span)> = statement
        .action
        .patterns
        .iter()
        .filter(|pattern| !pattern.value.text.contains(['*', '?']))
        .filter(|pattern| catalog::action_supports_key(&pattern.value.text, key) == Some(false))
        .map(|pattern| (pattern.value.text.as_str(), pattern.span))
        .collect();
    if unsupported.is_empty() {
        return None;
    }
    let actions: Vec<&str> = unsupported.iter().map(|(text, _)| *text).collect();
    let mut spans: Vec<Span> = unsupported.iter().map(|(_, span)| *span).collect();
    spans.push(values_span(condition));
    document.finding(
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        &[("actions", &actions.join(", ")), ("key", key)],
        &spans,
    )
}

/// The tag checks: with `Action`, the services of the statement that support the tag key for
/// none of their actions (`…_WITH_UNSUPPORTED_TAG_…`); with `NotAction`, whether such a
/// service has an action the statement leaves in (`…_NOTACTION_WITH_UNSUPPORTED_TAG_…`).
fn unsupported_tag_key(
    document: &Document<'_>,
    statement: &Statement,
    condition: &Condition,
) -> Option<Finding> {
    let key = condition.key.value.as_str();
    if !is_tag_key(key) || !catalog::knows_action_keys() {
        return None;
    }
    let deny = statement.effect.value == Effect::Deny;
    let span = values_span(condition);
    if statement.action.negated {
        if !leaves_in_a_service_without(statement, key) {
            return None;
        }
        let code = if deny {
            "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
        } else {
            "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
        };
        return document.finding(code, &[("conditionKeyName", key)], &[span]);
    }
    let services = services_without(statement, key);
    if services.is_empty() {
        return None;
    }
    let code = if deny {
        "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
    } else {
        "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
    };
    let names: Vec<String> = services.into_iter().collect();
    document.finding(
        code,
        &[
            ("conditionKeyName", key),
            ("serviceNames", &names.join(", ")),
        ],
        &[span],
    )
}

/// The services (lowercase prefixes) of the statement's actions whose actions all ignore `key`.
fn services_without(statement: &Statement, key: &str) -> BTreeSet<String> {
    statement
        .action
        .patterns
        .iter()
        .filter_map(|pattern| pattern.value.text.split_once(':'))
        .map(|(prefix, _)| prefix.to_ascii_lowercase())
        .filter(|prefix| !prefix.contains(['*', '?']))
        .filter(|prefix| catalog::service_supports_key(prefix, key) == Some(false))
        .collect()
}

/// Whether a `NotAction` statement applies to an action of a service none of whose actions
/// supports `key`: an action that none of its patterns matches.
fn leaves_in_a_service_without(statement: &Statement, key: &str) -> bool {
    let globs: Option<Vec<Glob>> = statement
        .action
        .patterns
        .iter()
        .map(|pattern| Glob::from_literal_pattern(&pattern.value))
        .collect();
    let Some(globs) = globs else {
        return false;
    };
    catalog::services_without_key(key)
        .into_iter()
        .any(|prefix| {
            service_actions(prefix)
                .iter()
                .any(|action| !globs.iter().any(|glob| glob.matches_ignoring_case(action)))
        })
}

/// An `aws:` key, or a cross-service key of the Guide's list of global keys.
fn is_global(key: &str) -> bool {
    let aws = key
        .split_once(':')
        .is_some_and(|(prefix, _)| prefix.eq_ignore_ascii_case("aws"));
    aws || catalog::global_key(key) != GlobalKey::Unknown
}

/// Whether a service declares the key by name (not only by the rule that a service's
/// `…:ResourceTag/…` keys exist).
fn is_declared(key: &str) -> bool {
    matches!(catalog::key_status(key), KeyStatus::Declared(Some(_)))
}

/// `aws:ResourceTag/…`, `aws:RequestTag/…` (with a tag) or `aws:TagKeys`.
fn is_tag_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower == "aws:tagkeys"
        || ["aws:resourcetag/", "aws:requesttag/"]
            .iter()
            .any(|prefix| lower.len() > prefix.len() && lower.starts_with(prefix))
}
