//! Values for policy variables in a counterexample.
//!
//! A pattern with a policy variable (`arn:aws:s3:::bucket/${aws:username}/*`) is encoded as an
//! opaque atom ([`crate::encode`]): the solver only decides whether it holds, not which value
//! of `aws:username` makes it hold. So a model that needs the atom true gives a request that
//! does not say who the user is, and the evaluator, where an unresolved variable matches
//! nothing, would not confirm it. This module fills in the missing values, the way a person
//! would: read the variable off the resource (`…/bucket/alice/notes.txt` gives
//! `aws:username = alice`), or off the condition key the pattern is compared with; and where
//! the text offers no value, write the pattern out with an example value.
//!
//! Nothing here decides a verdict: the request is replayed through the concrete evaluator
//! afterwards, and only a confirmed request is ever reported.

use crate::encode::{Encoder, Meaning};
use keyaki_logic::Var;
use keyaki_policy::{Condition, ConditionValue, Pattern, Request, Segment};
use std::collections::BTreeMap;

/// The value given to a variable the request's text does not determine.
const EXAMPLE_VALUE: &str = "example";

/// Gives the request values for the variables of every opaque atom the model made true.
pub fn bind_variables(encoder: &Encoder<'_>, holds: impl Fn(Var) -> bool, request: &mut Request) {
    let true_meanings: Vec<&Meaning> = encoder
        .opaque
        .iter()
        .filter(|(var, _)| holds(*var))
        .map(|(_, meaning)| meaning)
        .collect();
    for meaning in &true_meanings {
        if let Meaning::Resource(pattern) = meaning {
            bind_resource(pattern, request);
        }
    }
    for meaning in &true_meanings {
        match meaning {
            Meaning::Condition(condition) => bind_condition(condition, request),
            Meaning::Compare { key, value, .. } => bind_comparison(key, value, request),
            Meaning::Resource(_) => {}
        }
    }
}

/// Reads the variables off the resource; if the resource does not fit, writes the resource out
/// from the pattern.
fn bind_resource(pattern: &Pattern, request: &mut Request) {
    if let Some(bindings) = capture_or_rebind(pattern, &request.resource, request) {
        set_all(bindings, request);
        return;
    }
    let (text, bindings) = instantiate(&pattern.segments, request);
    set_all(bindings, request);
    request.resource = text;
}

/// For a positive string comparison with a variable: reads the variables off the key's value,
/// or gives the key the pattern's value written out.
fn bind_condition(condition: &Condition, request: &mut Request) {
    if condition.operator.value.kind.is_negated() {
        return;
    }
    let current = request
        .context_value(&condition.key.value)
        .filter(|v| !v.multi_valued)
        .and_then(|v| v.values.first().cloned());
    for value in &condition.values {
        let ConditionValue::Pattern(pattern) = &value.value else {
            continue;
        };
        if !pattern
            .segments
            .iter()
            .any(|s| matches!(s, Segment::Variable(_)))
        {
            continue;
        }
        match &current {
            Some(text) => {
                if let Some(bindings) = capture(&pattern.segments, text, request) {
                    set_all(bindings, request);
                    return;
                }
            }
            None => {
                let (text, bindings) = instantiate(&pattern.segments, request);
                set_all(bindings, request);
                request.set_context(&condition.key.value, vec![text], false);
                return;
            }
        }
    }
}

/// For one comparison with variables: reads the variables off the key's value, or gives the
/// key the value written out.
fn bind_comparison(key: &str, value: &ConditionValue, request: &mut Request) {
    let ConditionValue::Pattern(pattern) = value else {
        return;
    };
    let current = request
        .context_value(key)
        .filter(|v| !v.multi_valued)
        .and_then(|v| v.values.first().cloned());
    match current {
        Some(text) => {
            if let Some(bindings) = capture_or_rebind(pattern, &text, request) {
                set_all(bindings, request);
            }
        }
        None => {
            let (text, bindings) = instantiate(&pattern.segments, request);
            set_all(bindings, request);
            request.set_context(key, vec![text], false);
        }
    }
}

/// Captures the variables from `text`, first with the request's values, then reading every
/// variable of the pattern afresh (the model chose those values without the pattern in view).
fn capture_or_rebind(
    pattern: &Pattern,
    text: &str,
    request: &Request,
) -> Option<BTreeMap<String, String>> {
    if let Some(bindings) = capture(&pattern.segments, text, request) {
        return Some(bindings);
    }
    let mut unbound = request.clone();
    for segment in &pattern.segments {
        if let Segment::Variable(variable) = segment {
            unbound.remove_context(&variable.key);
        }
    }
    capture(&pattern.segments, text, &unbound)
}

fn set_all(bindings: BTreeMap<String, String>, request: &mut Request) {
    for (key, value) in bindings {
        request.set_context(&key, vec![value], false);
    }
}

/// A binding made so far (keys compare case-insensitively).
fn lookup(bindings: &BTreeMap<String, String>, key: &str) -> Option<String> {
    bindings
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.clone())
}

/// The value a variable already has in the request (or its default), if any.
fn bound(key: &str, default: Option<&String>, request: &Request) -> Option<String> {
    request
        .context_value(key)
        .filter(|v| !v.multi_valued)
        .and_then(|v| v.values.first().cloned())
        .or_else(|| default.cloned())
}

/// The pattern written out: wildcards as `example` (or one `x`), variables by their value.
fn instantiate(segments: &[Segment], request: &Request) -> (String, BTreeMap<String, String>) {
    let mut text = String::new();
    let mut bindings = BTreeMap::new();
    for segment in segments {
        match segment {
            Segment::Literal(literal) => text.push_str(literal),
            Segment::AnyRun => text.push_str(EXAMPLE_VALUE),
            Segment::AnyChar => text.push('x'),
            Segment::Variable(variable) => {
                let value = bound(&variable.key, variable.default.as_ref(), request)
                    .or_else(|| lookup(&bindings, &variable.key))
                    .unwrap_or_else(|| EXAMPLE_VALUE.to_string());
                if lookup(&bindings, &variable.key).is_none() {
                    bindings.insert(variable.key.clone(), value.clone());
                }
                text.push_str(&value);
            }
        }
    }
    bindings.retain(|key, _| request.context_value(key).is_none());
    (text, bindings)
}

/// Values for the unbound variables under which `text` matches `segments` (variables already
/// bound count as their text), or `None`. Prefers non-empty values.
fn capture(
    segments: &[Segment],
    text: &str,
    request: &Request,
) -> Option<BTreeMap<String, String>> {
    let text: Vec<char> = text.chars().collect();
    let mut bindings = BTreeMap::new();
    let mut budget = 100_000_usize;
    let found = capture_from(segments, &text, request, &mut bindings, &mut budget);
    found.then_some(bindings)
}

fn capture_from(
    segments: &[Segment],
    text: &[char],
    request: &Request,
    bindings: &mut BTreeMap<String, String>,
    budget: &mut usize,
) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let Some((first, rest)) = segments.split_first() else {
        return text.is_empty();
    };
    match first {
        Segment::Literal(literal) => {
            let literal: Vec<char> = literal.chars().collect();
            text.starts_with(&literal)
                && capture_from(
                    rest,
                    text.get(literal.len()..).unwrap_or_default(),
                    request,
                    bindings,
                    budget,
                )
        }
        Segment::AnyChar => {
            !text.is_empty()
                && capture_from(
                    rest,
                    text.get(1..).unwrap_or_default(),
                    request,
                    bindings,
                    budget,
                )
        }
        Segment::AnyRun => (0..=text.len()).any(|skip| {
            capture_from(
                rest,
                text.get(skip..).unwrap_or_default(),
                request,
                bindings,
                budget,
            )
        }),
        Segment::Variable(variable) => {
            let key = variable.key.clone();
            let known = bound(&variable.key, variable.default.as_ref(), request)
                .or_else(|| lookup(bindings, &key));
            if let Some(value) = known {
                let value: Vec<char> = value.chars().collect();
                return text.starts_with(&value)
                    && capture_from(
                        rest,
                        text.get(value.len()..).unwrap_or_default(),
                        request,
                        bindings,
                        budget,
                    );
            }
            // Non-empty values first, shortest first; the empty value last.
            for length in (1..=text.len()).chain(std::iter::once(0)) {
                let (value, after) = text.split_at(length);
                bindings.insert(key.clone(), value.iter().collect());
                if capture_from(rest, after, request, bindings, budget) {
                    return true;
                }
                bindings.remove(&key);
            }
            false
        }
    }
}
