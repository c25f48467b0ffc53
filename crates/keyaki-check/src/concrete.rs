//! A concrete request as values of the encoding's variables.
//!
//! This is the bridge the encoding is tested across: for any request, the policy's formula
//! evaluated on [`assignment_of`] must agree with the concrete evaluator. Opaque atoms (see
//! [`crate::encode`]) are decided by the evaluator's own matching, which is what they stand for.

use crate::encode::principal_value;
use crate::encode::{Encoder, Meaning};
use keyaki_logic::{Assignment, Instant, Number, Sort, Value};
use keyaki_policy::Request;
use keyaki_policy::eval::{arn, condition};
use std::net::IpAddr;

/// The request as an assignment of the encoder's variables; `None` when the request is outside
/// the modelled domain (several values for a key the question treats as single-valued).
pub fn assignment_of(encoder: &mut Encoder<'_>, request: &Request) -> Option<Assignment> {
    let mut assignment = Assignment::default();
    assignment
        .values
        .insert(encoder.action, Value::Str(request.action.clone()));
    assignment
        .values
        .insert(encoder.resource, Value::Str(request.resource.clone()));
    assignment
        .values
        .insert(encoder.principal, Value::Str(principal_value(request)));
    for key in encoder.key_vars() {
        let (name, sort, var) = (key.name.as_str(), key.sort, key.value);
        let given = request.context_value(name).filter(|v| !v.values.is_empty());
        assignment.present.insert(var, given.is_some());
        let Some(given) = given else {
            if sort == Sort::StrSet {
                assignment.values.insert(var, Value::Set(Vec::new()));
            }
            continue;
        };
        if sort != Sort::StrSet && given.values.len() > 1 {
            return None;
        }
        let text = given.values.first().cloned().unwrap_or_default();
        let mut readable = |ok: bool| {
            if let Some(flag) = key.readable {
                assignment.bools.insert(flag, ok);
            }
        };
        match sort {
            Sort::Str { .. } => {
                assignment.values.insert(var, Value::Str(text));
            }
            Sort::StrSet => {
                assignment
                    .values
                    .insert(var, Value::Set(given.values.clone()));
            }
            Sort::Num => {
                let number = keyaki_policy::value::Decimal::parse(&text)
                    .and_then(|d| Number::parse(&d.to_string()));
                readable(number.is_some());
                if let Some(n) = number {
                    assignment.values.insert(var, Value::Num(n));
                }
            }
            Sort::Date => {
                let instant = keyaki_policy::value::Instant::parse(&text);
                readable(instant.is_some());
                if let Some(i) = instant {
                    let nanos = i128::from(i.seconds) * 1_000_000_000 + i128::from(i.nanos);
                    assignment.values.insert(var, Value::Date(Instant(nanos)));
                }
            }
            Sort::Ip => {
                let address = text.parse::<IpAddr>().ok();
                readable(address.is_some());
                if let Some(a) = address {
                    assignment.values.insert(var, Value::Ip(a));
                }
            }
            Sort::Bool => {}
        }
    }
    for (var, meaning) in &encoder.opaque {
        assignment.bools.insert(*var, meaning.holds_for(request));
    }
    Some(assignment)
}

impl Meaning {
    /// Whether what an opaque atom stands for holds for a concrete request, decided by the
    /// evaluator's own matching.
    pub fn holds_for(&self, request: &Request) -> bool {
        match self {
            Meaning::Resource(pattern) => arn::matches(pattern, &request.resource, request),
            Meaning::Condition(c) => condition::holds(c, request),
            Meaning::Compare { key, kind, value } => request
                .single_value(key)
                .is_some_and(|text| condition::value_matches(*kind, value, &text, request)),
            Meaning::Session(arn) => {
                request.principal == Some(keyaki_policy::RequestPrincipal::Aws(arn.clone()))
            }
        }
    }
}
