//! Checks on `Action` and `NotAction`: names IAM does not know, wildcards in the service
//! prefix, and actions another one of the list already covers.
//!
//! Action names are looked up in keyaki's catalog of IAM actions (`keyaki_check::catalog`,
//! 20,455 actions); names are compared ignoring case, as IAM does. A catalog is a snapshot: an
//! action AWS added after it was taken is reported as unknown.

use crate::{Document, Finding};
use keyaki_check::catalog::{UnknownAction, look_up_action, service_actions, service_prefixes};
use keyaki_policy::eval::wildcard::Glob;
use keyaki_policy::{Pattern, Span, Spanned};

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for statement in &document.policy.statements {
        let patterns = &statement.action.patterns;
        for pattern in patterns {
            findings.extend(unknown_action(document, pattern));
            findings.extend(wildcard_in_service(document, pattern));
        }
        if !statement.action.negated {
            findings.extend(redundant_actions(document, patterns));
        }
    }
    findings
}

/// `INVALID_ACTION` and `INVALID_SERVICE_IN_ACTION`: the text names no action of the catalog.
fn unknown_action(document: &Document<'_>, pattern: &Spanned<Pattern>) -> Option<Finding> {
    let text = pattern.value.text.as_str();
    let (code, values) = match look_up_action(text).err()? {
        UnknownAction::Service { service, .. } => {
            let nearest = nearest_service(&service).unwrap_or_default();
            (
                "INVALID_SERVICE_IN_ACTION",
                vec![("service", service), ("service2", nearest)],
            )
        }
        UnknownAction::Action { nearest } => (
            "INVALID_ACTION",
            vec![
                ("action", text.to_string()),
                ("valid_action", nearest.unwrap_or_default()),
            ],
        ),
    };
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut finding = document.finding(code, &values, &[pattern.span])?;
    if values.iter().any(|(_, value)| value.is_empty()) {
        finding.details = without_suggestion(&finding.details);
    }
    Some(finding)
}

/// The details without their "Did you mean …?" sentence, when there is nothing to suggest.
fn without_suggestion(details: &str) -> String {
    match details.find(" Did you mean") {
        Some(at) => details.get(..at).unwrap_or(details).to_string(),
        None => details.to_string(),
    }
}

/// The service prefix nearest to a misspelt one (`s4` → `s3`), if one is within two edits:
/// a retired service (`mobilehub`) has no near neighbour worth suggesting.
fn nearest_service(service: &str) -> Option<String> {
    let written = service.to_ascii_lowercase();
    service_prefixes()
        .map(|prefix| (strsim::levenshtein(&written, prefix), prefix))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, prefix)| prefix.to_string())
}

/// `WILDCARD_IN_SERVICE_NAME`: `*` or `?` in the service prefix (`s*:GetObject`); a lone `*`
/// is every action, which is not this check's concern.
fn wildcard_in_service(document: &Document<'_>, pattern: &Spanned<Pattern>) -> Option<Finding> {
    let (service, _) = pattern.value.text.split_once(':')?;
    if !service.contains(['*', '?']) {
        return None;
    }
    document.finding("WILDCARD_IN_SERVICE_NAME", &[], &[pattern.span])
}

/// `REDUNDANT_ACTION`: an action whose every real action another action of the same list
/// already allows (the reference: "You receive a finding for this policy check when all of the
/// contents of an action are redundant"). Actions are taken in order, so of two that cover each
/// other (a duplicate) only the later one is redundant.
fn redundant_actions(document: &Document<'_>, patterns: &[Spanned<Pattern>]) -> Vec<Finding> {
    let globs: Vec<Option<Glob>> = patterns
        .iter()
        .map(|p| Glob::from_literal_pattern(&p.value))
        .collect();
    let mut redundant = vec![false; patterns.len()];
    for (index, pattern) in patterns.iter().enumerate() {
        let covered = real_actions(&pattern.value).is_some_and(|actions| {
            actions.iter().all(|action| {
                globs.iter().enumerate().any(|(other, glob)| {
                    other != index
                        && !redundant.get(other).copied().unwrap_or(true)
                        && glob
                            .as_ref()
                            .is_some_and(|g| g.matches_ignoring_case(action))
                })
            })
        });
        if let Some(flag) = redundant.get_mut(index) {
            *flag = covered;
        }
    }
    let spans: Vec<Span> = patterns
        .iter()
        .zip(&redundant)
        .filter(|(_, redundant)| **redundant)
        .map(|(pattern, _)| pattern.span)
        .collect();
    let Some(first) = patterns
        .iter()
        .zip(&redundant)
        .find(|(_, redundant)| **redundant)
    else {
        return Vec::new();
    };
    document
        .finding(
            "REDUNDANT_ACTION",
            &[
                ("redundantActionCount", &spans.len().to_string()),
                ("redundantAction", &first.0.value.text),
            ],
            &spans,
        )
        .into_iter()
        .collect()
}

/// The catalog's actions a pattern with a fixed service prefix matches; `None` for `*`,
/// `s3*:…` and patterns that match no real action (nothing to be redundant about).
fn real_actions(pattern: &Pattern) -> Option<Vec<&'static String>> {
    let (service, _) = pattern.text.split_once(':')?;
    if service.contains(['*', '?']) {
        return None;
    }
    let glob = Glob::from_literal_pattern(pattern)?;
    let actions: Vec<_> = service_actions(service)
        .iter()
        .filter(|action| glob.matches_ignoring_case(action))
        .collect();
    (!actions.is_empty()).then_some(actions)
}
