//! From a solver's model back to a request, which the concrete evaluator then replays.
//!
//! The model gives values to the encoding's variables; the request is built from them the
//! other way round from [`crate::concrete`]: the action and resource as they are, the
//! kind-tagged principal back to its kind, each condition key that the model says is present
//! with its value (a number, date or address whose *readable* flag is false becomes text that
//! is none of those). Opaque atoms have no part in the request: the replay decides them.

use crate::encode::{ANONYMOUS, Encoder, Meaning};
use keyaki_logic::{Atom, Sort, Value};
use keyaki_policy::caller::{Derived, Session, derived};
use keyaki_policy::{Request, RequestPrincipal};
use keyaki_solver::Model;

/// The request a model describes.
pub fn request_of(encoder: &mut Encoder<'_>, model: &Model, with_principal: bool) -> Request {
    let text = |var| match model.values.get(&var) {
        Some(Value::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let mut request = Request::for_identity(&text(encoder.action), &text(encoder.resource));
    if with_principal {
        let caller = text(encoder.principal);
        request.principal = Some(principal_of(&caller));
        name_session(encoder, model, &caller, &mut request);
    }
    let truth =
        |encoder: &Encoder<'_>, atom: Atom| encoder.cx.find_atom(&atom).map(|id| model.atom(id));
    for key in encoder.key_vars() {
        let (name, sort, var) = (key.name.as_str(), key.sort, key.value);
        // IAM derives these from the caller, and so does the evaluator; the encoding ties
        // them to the caller (`encode/caller.rs`), so they are left out here.
        if matches!(
            derived(&request, name),
            Some(Derived::Value(_) | Derived::Absent)
        ) {
            continue;
        }
        let present = truth(encoder, Atom::Present { var }).unwrap_or(false);
        let readable = key
            .readable
            .and_then(|flag| truth(encoder, Atom::BoolTrue { var: flag }))
            .unwrap_or(true);
        let value = model.values.get(&var);
        match (sort, value) {
            (Sort::StrSet, Some(Value::Set(elements))) if !elements.is_empty() => {
                request.set_context(name, elements.clone(), true);
            }
            (Sort::StrSet, _) => {}
            _ if !present => {}
            (Sort::Num | Sort::Date | Sort::Ip, _) if !readable => {
                request.set_context(name, vec![format!("not-{}", sort_word(sort))], false);
            }
            (_, Some(value)) => request.set_context(name, vec![show(value)], false),
            (_, None) => request.set_context(name, vec![default_text(sort)], false),
        }
    }
    request
}

/// A role session the model named by its own ARN (an opaque session atom made true, for the
/// role the model's caller is) becomes the caller, with the role's ARN in `aws:PrincipalArn`
/// when its path is not the root one (the session ARN does not show it).
fn name_session(encoder: &Encoder<'_>, model: &Model, caller: &str, request: &mut Request) {
    let Some(role) = caller.strip_prefix("AWS:") else {
        return;
    };
    let named = encoder
        .opaque
        .iter()
        .find_map(|(var, meaning)| match meaning {
            Meaning::Session(arn) => {
                let holds = encoder
                    .cx
                    .find_atom(&Atom::BoolTrue { var: *var })
                    .is_some_and(|id| model.atom(id));
                let session = Session::of(arn)?;
                (holds && session.is_session_of(role))
                    .then(|| (arn.clone(), session.default_role()))
            }
            _ => None,
        });
    if let Some((arn, default_role)) = named {
        request.principal = Some(RequestPrincipal::Aws(arn));
        if role != default_role {
            request.set_context("aws:PrincipalArn", vec![role.to_string()], false);
        }
        return;
    }
    // The policies name sessions of this role, and the model is none of them: a session with
    // another name.
    let sessions: Vec<Session<'_>> = encoder
        .opaque
        .iter()
        .filter_map(|(_, meaning)| match meaning {
            Meaning::Session(arn) => Session::of(arn).filter(|s| s.is_session_of(role)),
            _ => None,
        })
        .collect();
    let Some(first) = sessions.first() else {
        return;
    };
    let mut name = "session".to_string();
    while sessions.iter().any(|s| s.session_name == name) {
        name.push('-');
    }
    let arn = format!(
        "arn:{}:sts::{}:assumed-role/{}/{name}",
        first.role.partition, first.role.account, first.role.name
    );
    if role != first.default_role() {
        request.set_context("aws:PrincipalArn", vec![role.to_string()], false);
    }
    request.principal = Some(RequestPrincipal::Aws(arn));
}

fn sort_word(sort: Sort) -> &'static str {
    match sort {
        Sort::Num => "a-number",
        Sort::Date => "a-date",
        Sort::Ip => "an-address",
        _ => "a-value",
    }
}

/// A value no condition constrained: any will do.
fn default_text(sort: Sort) -> String {
    match sort {
        Sort::Num => "0".to_string(),
        Sort::Date => "1970-01-01T00:00:00Z".to_string(),
        Sort::Ip => "192.0.2.1".to_string(),
        Sort::Bool => "true".to_string(),
        Sort::Str { .. } | Sort::StrSet => String::new(),
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::Str(s) => s.clone(),
        Value::Num(n) => n.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Ip(a) => a.to_string(),
        Value::Set(elements) => elements.join(","),
    }
}

/// The caller a `Principal` value names (see [`crate::encode`]'s principal encoding).
pub fn principal_of(value: &str) -> RequestPrincipal {
    if value == ANONYMOUS {
        return RequestPrincipal::Anonymous;
    }
    match value.split_once(':') {
        Some(("AWS", arn)) => RequestPrincipal::Aws(arn.to_string()),
        Some(("Service", name)) => RequestPrincipal::Service(name.to_string()),
        Some(("Federated", name)) => RequestPrincipal::Federated(name.to_string()),
        Some(("CanonicalUser", id)) => RequestPrincipal::CanonicalUser(id.to_string()),
        _ => RequestPrincipal::Anonymous,
    }
}

/// A request as the JSON shape of DESIGN.md (`principal`, `action`, `resource`, `context`).
pub fn request_json(request: &Request) -> serde_json::Value {
    let principal = match &request.principal {
        None => serde_json::Value::Null,
        Some(RequestPrincipal::Anonymous) => serde_json::json!("*"),
        Some(RequestPrincipal::Aws(arn)) => serde_json::json!({"AWS": arn}),
        Some(RequestPrincipal::Service(n)) => serde_json::json!({"Service": n}),
        Some(RequestPrincipal::Federated(n)) => serde_json::json!({"Federated": n}),
        Some(RequestPrincipal::CanonicalUser(n)) => serde_json::json!({"CanonicalUser": n}),
    };
    let mut context = serde_json::Map::new();
    for value in request.context() {
        let shown = if value.multi_valued {
            serde_json::json!(value.values)
        } else {
            serde_json::json!(value.values.first().cloned().unwrap_or_default())
        };
        context.insert(value.key.clone(), shown);
    }
    let mut object = serde_json::Map::new();
    if !principal.is_null() {
        object.insert("principal".to_string(), principal);
    }
    object.insert("action".to_string(), serde_json::json!(request.action));
    object.insert("resource".to_string(), serde_json::json!(request.resource));
    object.insert("context".to_string(), serde_json::Value::Object(context));
    serde_json::Value::Object(object)
}
