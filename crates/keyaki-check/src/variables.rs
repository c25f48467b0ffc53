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

use crate::encode::{Encoder, Meaning, relaxed_arn};
use keyaki_logic::Var;
use keyaki_policy::caller::AwsForm;
use keyaki_policy::{Condition, ConditionValue, Pattern, Request, RequestPrincipal, Segment};
use std::collections::BTreeMap;

/// The value given to a variable the request's text does not determine.
const EXAMPLE_VALUE: &str = "example";

/// Gives the request values for the variables of every opaque atom the model made true; then
/// makes each comparison the model made false fail on the request too.
pub fn bind_variables(encoder: &Encoder<'_>, holds: impl Fn(Var) -> bool, request: &mut Request) {
    bind_true_atoms(encoder, &holds, request);
    break_false_comparisons(encoder, &holds, request);
    fit_caller(request);
}

/// A value given to a key the caller decides (`aws:username = alice`, read off
/// `home/alice/`) says who the caller is: the caller is rewritten to be that one (the IAM user
/// `alice` of the caller's account), and the key is left to the derivation. A value no caller
/// can have stays as it is, and the replay rejects the request.
fn fit_caller(request: &mut Request) {
    for (key, _) in keyaki_policy::caller::conflicts(request) {
        let written = request
            .context()
            .find(|v| v.key == key)
            .and_then(|v| v.values.first().cloned());
        let fitted = written.and_then(|value| caller_with(request, &key, &value));
        if let Some(caller) = fitted {
            request.principal = Some(caller);
            request.remove_context(&key);
        }
    }
}

/// The caller rewritten so that IAM would give `key` the value `value`, where one is.
fn caller_with(request: &Request, key: &str, value: &str) -> Option<RequestPrincipal> {
    let Some(RequestPrincipal::Aws(arn)) = &request.principal else {
        return None;
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", partition, _, _, account, _] = parts.as_slice() else {
        return None;
    };
    let rewritten = match key.to_ascii_lowercase().as_str() {
        "aws:principalarn" => value.to_string(),
        "aws:username" if !value.contains('/') && !value.is_empty() => {
            format!("arn:{partition}:iam::{account}:user/{value}")
        }
        "aws:principalaccount" if !value.contains(':') && !value.is_empty() => {
            let mut fields: Vec<&str> = parts.clone();
            if let Some(field) = fields.get_mut(4) {
                *field = value;
            }
            fields.join(":")
        }
        _ => return None,
    };
    AwsForm::of(&rewritten).map(|_| RequestPrincipal::Aws(rewritten))
}

/// What [`bind_variables`] does for the atoms the model made true. A value read off one atom
/// is kept for the next ones (`fixed`): each atom is satisfied with it, or else by writing its
/// value out with it, so that a later atom never undoes an earlier one's binding.
fn bind_true_atoms(encoder: &Encoder<'_>, holds: &impl Fn(Var) -> bool, request: &mut Request) {
    let mut fixed = Fixed::new();
    let true_meanings: Vec<&Meaning> = encoder
        .opaque
        .iter()
        .filter(|(var, _)| holds(*var))
        .map(|(_, meaning)| meaning)
        .collect();
    for meaning in &true_meanings {
        // The atom is used only beside `Resource ∈ relaxed`: with the resource outside even
        // that, the model made it true without needing it, and the resource stays as it is.
        if let Meaning::Resource(pattern) = meaning
            && relaxed_arn(pattern).matches(&request.resource, false)
        {
            bind_resource(pattern, request, &mut fixed);
        }
    }
    for meaning in &true_meanings {
        match meaning {
            Meaning::Condition(condition) => bind_condition(condition, request, &mut fixed),
            Meaning::Compare { key, value, .. } => {
                bind_comparison(key, value, request, &mut fixed);
            }
            Meaning::Resource(_) | Meaning::Session(_) => {}
        }
    }
}

/// A comparison with a variable that the model made false may still hold on the request: the
/// model gave the key and the variable values without the comparison in view (both empty,
/// say, for `aws:ResourceAccount` = `${aws:PrincipalAccount}`). Changing the key's value, or
/// else a variable's, by a suffix makes it fail; the replay judges the result.
fn break_false_comparisons(
    encoder: &Encoder<'_>,
    holds: &impl Fn(Var) -> bool,
    request: &mut Request,
) {
    let comparisons: Vec<(bool, &Meaning)> = encoder
        .opaque
        .iter()
        .filter(|(_, meaning)| matches!(meaning, Meaning::Compare { .. }))
        .map(|(var, meaning)| (holds(*var), meaning))
        .collect();
    // A change must keep every comparison the model made true (and that holds) holding.
    let keeps_true = |before: &Request, after: &Request| {
        comparisons.iter().all(|(held, comparison)| {
            !*held || !comparison.holds_for(before) || comparison.holds_for(after)
        })
    };
    for (held, comparison) in &comparisons {
        let Meaning::Compare { key, value, .. } = comparison else {
            continue;
        };
        if *held || !comparison.holds_for(request) {
            continue;
        }
        let mut keys = vec![key.clone()];
        if let ConditionValue::Pattern(pattern) = value {
            keys.extend(pattern.segments.iter().filter_map(|segment| match segment {
                Segment::Variable(variable) => Some(variable.key.clone()),
                _ => None,
            }));
        }
        'keys: for changed_key in keys {
            let Some(text) = request.single_value(&changed_key) else {
                continue;
            };
            // A suffix breaks most comparisons; a change of letter case breaks a
            // case-sensitive one while keeping its ignore-case twin.
            for different in [format!("{text}{DIFFERENT_SUFFIX}"), swap_case(&text)] {
                let mut changed = request.clone();
                changed.set_context(&changed_key, vec![different], false);
                fit_caller(&mut changed);
                if !comparison.holds_for(&changed) && keeps_true(request, &changed) {
                    *request = changed;
                    break 'keys;
                }
            }
        }
    }
}

/// The text with every letter's case swapped.
fn swap_case(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_lowercase() {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                c.to_lowercase().next().unwrap_or(c)
            }
        })
        .collect()
}

/// What [`break_false_comparisons`] appends to a value to make a comparison fail.
const DIFFERENT_SUFFIX: &str = "-other";

/// Reads the variables off the resource; if the resource does not fit, writes the resource out
/// from the pattern.
fn bind_resource(pattern: &Pattern, request: &mut Request, fixed: &mut Fixed) {
    if let Some(bindings) = capture_or_rebind(pattern, &request.resource, request, fixed) {
        set_all(bindings, request, fixed);
        return;
    }
    let (text, bindings) = instantiate(&pattern.segments, request);
    set_all(bindings, request, fixed);
    request.resource = text;
}

/// For a positive string comparison with a variable: reads the variables off the key's value,
/// or gives the key the pattern's value written out.
fn bind_condition(condition: &Condition, request: &mut Request, fixed: &mut Fixed) {
    if condition.operator.value.kind.is_negated() {
        return;
    }
    let current = request.single_value(&condition.key.value);
    for value in &condition.values {
        let ConditionValue::Pattern(pattern) = &value.value else {
            continue;
        };
        if !pattern.has_variables() {
            continue;
        }
        match &current {
            Some(text) => {
                if let Some(bindings) = capture(&pattern.segments, text, request) {
                    set_all(bindings, request, fixed);
                    return;
                }
            }
            None => {
                let (text, bindings) = instantiate(&pattern.segments, request);
                set_all(bindings, request, fixed);
                request.set_context(&condition.key.value, vec![text], false);
                return;
            }
        }
    }
}

/// For one comparison with variables: reads the variables off the key's value, or gives the
/// key the value written out: when it has none, or when its value does not fit a variable
/// that an earlier atom fixed.
fn bind_comparison(key: &str, value: &ConditionValue, request: &mut Request, fixed: &mut Fixed) {
    let ConditionValue::Pattern(pattern) = value else {
        return;
    };
    if let Some(text) = request.single_value(key) {
        match capture_or_rebind(pattern, &text, request, fixed) {
            Some(bindings) if caller_can_have(&bindings, request) => {
                set_all(bindings, request, fixed);
                return;
            }
            // No caller has those values, and the pattern names no value the caller gives:
            // the rebinding stands, and the replay judges it.
            Some(bindings) if !names_the_caller(pattern, request) => {
                set_all(bindings, request, fixed);
                return;
            }
            _ => {}
        }
        let uses_fixed = pattern.segments.iter().any(|segment| {
            matches!(segment, Segment::Variable(v) if fixed.contains(&v.key.to_ascii_lowercase()))
        });
        // The caller is who it is: the key takes the value the caller gives the pattern.
        if !uses_fixed && !names_the_caller(pattern, request) {
            return;
        }
    }
    let (text, bindings) = instantiate(&pattern.segments, request);
    set_all(bindings, request, fixed);
    request.set_context(key, vec![text], false);
    fit_caller(request);
    fixed.insert(key.to_ascii_lowercase());
}

/// Whether some caller could have the values `bindings` gives to keys the caller decides
/// (an IAM user's name is never empty, say), so that [`fit_caller`] can name it.
fn caller_can_have(bindings: &BTreeMap<String, String>, request: &Request) -> bool {
    bindings.iter().all(
        |(key, value)| match keyaki_policy::caller::derived(request, key) {
            Some(keyaki_policy::caller::Derived::Value(derived)) => {
                derived == *value || caller_with(request, key, value).is_some()
            }
            Some(keyaki_policy::caller::Derived::Absent) => false,
            _ => true,
        },
    )
}

/// Whether a variable of the pattern is a key the request's caller gives a value.
fn names_the_caller(pattern: &Pattern, request: &Request) -> bool {
    pattern.segments.iter().any(|segment| match segment {
        Segment::Variable(variable) => matches!(
            keyaki_policy::caller::derived(request, &variable.key),
            Some(keyaki_policy::caller::Derived::Value(_))
        ),
        _ => false,
    })
}

/// The keys (in lowercase) whose values an atom has already fixed in this binding pass.
type Fixed = std::collections::BTreeSet<String>;

/// Captures the variables from `text`, first with the request's values, then reading afresh
/// every variable of the pattern that no earlier atom fixed (the model chose those values
/// without the pattern in view).
fn capture_or_rebind(
    pattern: &Pattern,
    text: &str,
    request: &Request,
    fixed: &Fixed,
) -> Option<BTreeMap<String, String>> {
    if let Some(bindings) = capture(&pattern.segments, text, request) {
        return Some(bindings);
    }
    let mut unbound = request.clone();
    for segment in &pattern.segments {
        if let Segment::Variable(variable) = segment
            && !fixed.contains(&variable.key.to_ascii_lowercase())
        {
            unbound.remove_context(&variable.key);
        }
    }
    // A variable the caller decides, and no earlier atom fixed, is read afresh too:
    // `fit_caller` then makes the caller the one whose value was read.
    let caller_fixed = pattern.segments.iter().any(|segment| {
        matches!(segment, Segment::Variable(v) if fixed.contains(&v.key.to_ascii_lowercase()))
    });
    if names_the_caller(pattern, request) && !caller_fixed {
        unbound.principal = None;
    }
    capture(&pattern.segments, text, &unbound)
}

/// Gives the request the values bound, and marks them fixed; a value of a key the caller
/// decides rewrites the caller at once ([`fit_caller`]), so later atoms read it.
fn set_all(bindings: BTreeMap<String, String>, request: &mut Request, fixed: &mut Fixed) {
    for (key, value) in bindings {
        request.set_context(&key, vec![value], false);
        fixed.insert(key.to_ascii_lowercase());
    }
    fit_caller(request);
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
    request.single_value(key).or_else(|| default.cloned())
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]

    use super::*;
    use crate::vocabulary::Vocabulary;
    use keyaki_logic::Context;
    use keyaki_policy::{ParseOptions, SourceFile, parse_policy};

    const SAME_ACCOUNT: &str = r#"{"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "logs:*", "Resource": "arn:aws:logs:*:*:log-group:g-${aws:username}",
       "Condition": {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}}]}"#;

    fn with_encoder(check: impl Fn(&Encoder<'_>)) {
        with_policy(SAME_ACCOUNT, check);
    }

    fn with_policy(text: &str, check: impl Fn(&Encoder<'_>)) {
        let source = SourceFile::new("p.json", text.as_bytes().to_vec());
        let policy = parse_policy(&source, ParseOptions::default()).unwrap();
        let vocabulary = Vocabulary::of(&[&policy.policy]);
        let mut cx = Context::new();
        let mut encoder = Encoder::new(&mut cx, &vocabulary);
        encoder.policy(&policy.policy, policy.policy_type);
        check(&encoder);
    }

    /// A comparison the model made false but that holds on the values it gave (both keys
    /// empty) is made to fail by changing a value.
    #[test]
    fn a_comparison_made_false_fails_on_the_request() {
        with_encoder(|encoder| {
            let mut request = Request::for_identity("logs:GetLogEvents", "arn:aws:s3:::b")
                .with_context_string("aws:ResourceAccount", "")
                .with_context_string("aws:PrincipalAccount", "");
            bind_variables(encoder, |_| false, &mut request);
            let resource = request.single_value("aws:ResourceAccount").unwrap();
            let principal = request.single_value("aws:PrincipalAccount").unwrap();
            assert_ne!(resource, principal);
            assert_eq!(request.resource, "arn:aws:s3:::b");
        });
    }

    /// A resource atom made true is bound only when the resource lies in the pattern read
    /// with "anything" for the variable; otherwise no statement needed it.
    #[test]
    fn a_true_resource_atom_outside_its_pattern_leaves_the_resource_alone() {
        with_encoder(|encoder| {
            let mut outside = Request::for_identity("logs:GetLogEvents", "arn:aws:s3:::b");
            bind_variables(encoder, |_| true, &mut outside);
            assert_eq!(outside.resource, "arn:aws:s3:::b");
            let mut inside = Request::for_identity(
                "logs:GetLogEvents",
                "arn:aws:logs:us-east-1:111122223333:log-group:g-alice",
            );
            bind_variables(encoder, |_| true, &mut inside);
            assert_eq!(
                inside.single_value("aws:username").as_deref(),
                Some("alice")
            );
        });
    }

    /// A variable read off one atom (the team, off the resource) is kept for the next: a
    /// comparison whose key does not fit it gets the value written out with it, instead of
    /// reading the variable afresh and undoing the first atom.
    #[test]
    fn a_later_atom_keeps_a_variable_an_earlier_one_fixed() {
        const TEAM_BUCKET: &str = r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "s3:ListBucket",
           "Resource": "arn:aws:s3:::billing-${aws:PrincipalTag/team}",
           "Condition": {"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}}}]}"#;
        with_policy(TEAM_BUCKET, |encoder| {
            let mut request = Request::for_identity("s3:ListBucket", "arn:aws:s3:::billing-data")
                .with_context_string("aws:RequestTag/team", "")
                .with_context_string("aws:PrincipalTag/team", "");
            bind_variables(encoder, |_| true, &mut request);
            let value = |key: &str| request.single_value(key).unwrap();
            assert_eq!(value("aws:PrincipalTag/team"), "data");
            assert_eq!(value("aws:RequestTag/team"), "data");
            assert_eq!(request.resource, "arn:aws:s3:::billing-data");
        });
    }
}
