//! Checks on `Action` and `NotAction`: names IAM does not know, wildcards in the service
//! prefix, and actions the others of the list already cover.
//!
//! Action names are looked up in keyaki's catalog of IAM actions (`keyaki_check::catalog`,
//! 20,455 actions); names are compared ignoring case, as IAM does. A catalog is a snapshot: an
//! action AWS added after it was taken is reported as unknown.

use crate::redundancy::{Element, Limits, redundant_patterns};
use crate::{Document, Finding};
use keyaki_check::catalog::{UnknownAction, look_up_action, service_prefixes};
use keyaki_policy::{Pattern, Span, Spanned};

pub(crate) fn findings(document: &Document<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let limits = Limits::starting_now();
    for statement in &document.policy.statements {
        let patterns = &statement.action.patterns;
        for pattern in patterns {
            findings.extend(unknown_action(document, pattern));
            findings.extend(wildcard_in_service(document, pattern));
        }
        findings.extend(redundant_actions(document, patterns, limits));
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

/// `REDUNDANT_ACTION`: an action the other actions of the same list already cover, so that
/// removing it changes nothing (the reference: "You receive a finding for this policy check
/// when all of the contents of an action are redundant"). Decided exactly, over every action
/// name a request can carry, for `Action` and `NotAction` lists alike ([`crate::redundancy`]):
/// `s3:GetObject` beside `s3:*Object` is redundant, `s3:GetObject*` beside the real actions it
/// matches today is not. Of two actions that cover each other, the first is redundant.
fn redundant_actions(
    document: &Document<'_>,
    patterns: &[Spanned<Pattern>],
    limits: Limits,
) -> Vec<Finding> {
    let redundant = redundant_patterns(patterns, Element::Action, limits);
    let Some(first) = redundant.first() else {
        return Vec::new();
    };
    let spans: Vec<Span> = redundant.iter().map(|pattern| pattern.span).collect();
    document
        .finding(
            "REDUNDANT_ACTION",
            &[
                ("redundantActionCount", &spans.len().to_string()),
                ("redundantAction", &first.value.text),
            ],
            &spans,
        )
        .into_iter()
        .collect()
}
