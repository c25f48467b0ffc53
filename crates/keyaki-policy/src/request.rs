//! A request: the one concrete question the evaluator answers, and the shape of every
//! counterexample keyaki prints.
//!
//! ```json
//! {"principal": {"AWS": "arn:aws:iam::111122223333:role/R"},
//!  "action": "s3:GetObject",
//!  "resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET/key",
//!  "context": {"aws:SourceIp": "10.1.2.3", "aws:TagKeys": ["team", "env"]}}
//! ```
//!
//! The principal is `{"AWS": arn-or-account}`, `{"Service": …}`, `{"Federated": …}`,
//! `{"CanonicalUser": …}`, a plain ARN string, or `"*"` for an anonymous caller. Context keys
//! compare case-insensitively. A context value is a string, number or boolean (a *single-valued*
//! key) or an array of them (a *multi-valued* key, such as `aws:TagKeys`). Each value keeps its
//! text; an operator reads the text as its type needs (a number, a date, an address), so a
//! policy value and a request value written alike always compare equal.
//!
//! Keys that describe the caller (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username`,
//! …) are IAM's to set, not the request's: [`crate::caller`] derives them from the principal,
//! and a request whose context contradicts its principal is rejected when read.

use crate::caller::Derived;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::json::{Json, Member};
use crate::parse::principal_account;
use crate::parse::{ParseOptions, read_json};
use crate::span::Spanned;
use std::collections::BTreeMap;
use std::fmt;

/// Who makes a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RequestPrincipal {
    /// An unauthenticated caller (`"*"`).
    Anonymous,
    /// An AWS principal, by ARN (an account is `arn:aws:iam::ID:root`).
    Aws(String),
    /// An AWS service, such as `lambda.amazonaws.com`.
    Service(String),
    /// A federated identity provider.
    Federated(String),
    /// An S3 canonical user id.
    CanonicalUser(String),
}

impl RequestPrincipal {
    /// The account of an AWS principal: the fifth field of its ARN, when it is not empty.
    ///
    /// Real account ids are 12 digits; any non-empty field is taken as written, so that the
    /// encoding (which can say "a field without colons" but not "12 digits") agrees exactly.
    pub fn account(&self) -> Option<&str> {
        match self {
            RequestPrincipal::Aws(arn) => {
                let account = arn.split(':').nth(4)?;
                (!account.is_empty()).then_some(account)
            }
            _ => None,
        }
    }
}

impl fmt::Display for RequestPrincipal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestPrincipal::Anonymous => f.write_str("* (anonymous)"),
            RequestPrincipal::Aws(arn) => write!(f, "AWS {arn}"),
            RequestPrincipal::Service(name) => write!(f, "Service {name}"),
            RequestPrincipal::Federated(name) => write!(f, "Federated {name}"),
            RequestPrincipal::CanonicalUser(id) => write!(f, "CanonicalUser {id}"),
        }
    }
}

/// The values of one context key, each as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextValue {
    /// The key as written in the request.
    pub key: String,
    /// The values (one for a single-valued key; none for an empty list).
    pub values: Vec<String>,
    /// Whether the request wrote an array (a multi-valued key).
    pub multi_valued: bool,
}

/// One request: principal, action, resource and context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The caller; `None` when not given (identity policies do not need it).
    pub principal: Option<RequestPrincipal>,
    /// The action, such as `s3:GetObject`.
    pub action: String,
    /// The resource ARN.
    pub resource: String,
    /// The context, by lowercased key.
    context: BTreeMap<String, ContextValue>,
}

impl Request {
    /// A request with no principal and an empty context, as identity policies see it.
    pub fn for_identity(action: &str, resource: &str) -> Request {
        Request {
            principal: None,
            action: action.to_string(),
            resource: resource.to_string(),
            context: BTreeMap::new(),
        }
    }

    /// The same request made by `principal`.
    pub fn with_principal(mut self, principal: RequestPrincipal) -> Request {
        self.principal = Some(principal);
        self
    }

    /// The same request with a single-valued context key set.
    pub fn with_context_string(mut self, key: &str, value: &str) -> Request {
        self.set_context(key, vec![value.to_string()], false);
        self
    }

    /// Sets a context key; `multi_valued` says whether it was written as a list.
    pub fn set_context(&mut self, key: &str, values: Vec<String>, multi_valued: bool) {
        let value = ContextValue {
            key: key.to_string(),
            values,
            multi_valued,
        };
        self.context.insert(key.to_ascii_lowercase(), value);
    }

    /// Removes a context key (any spelling); keys the caller decides stay derived.
    pub fn remove_context(&mut self, key: &str) {
        self.context.remove(&key.to_ascii_lowercase());
    }

    /// The values of a context key (looked up case-insensitively) as IAM would give them: a
    /// key the caller decides ([`crate::caller`]) comes from the caller, whatever the context
    /// says; any other key from the context. `None` when the key is absent.
    pub fn context_value(&self, key: &str) -> Option<ContextValue> {
        match crate::caller::derived(self, key) {
            Some(Derived::Value(value)) => Some(ContextValue {
                key: key.to_string(),
                values: vec![value],
                multi_valued: false,
            }),
            Some(Derived::Absent) => None,
            Some(Derived::Free) | None => self.context.get(&key.to_ascii_lowercase()).cloned(),
        }
    }

    /// The one value of a context key as written in the context, derived keys not applied.
    pub(crate) fn raw_single_value(&self, key: &str) -> Option<String> {
        let value = self.context.get(&key.to_ascii_lowercase())?;
        if value.multi_valued {
            return None;
        }
        value.values.first().cloned()
    }

    /// The one value of a single-valued context key (looked up as [`Request::context_value`]
    /// does); `None` when the key is absent, empty or multi-valued.
    pub fn single_value(&self, key: &str) -> Option<String> {
        self.context_value(key)
            .filter(|v| !v.multi_valued)
            .and_then(|v| v.values.first().cloned())
    }

    /// The context as written, in key order.
    pub fn context(&self) -> impl Iterator<Item = &ContextValue> {
        self.context.values()
    }
}

/// Reads a request document (the JSON shape in the module docs).
pub fn parse_request(source: &SourceFile) -> Result<Request, Vec<Diagnostic>> {
    let tree = read_json(source, ParseOptions::default()).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let request = read_request(&tree, &mut errors);
    match request {
        Some(request) if errors.is_empty() => Ok(request),
        _ => Err(errors),
    }
}

/// Reads a request from a JSON value (also used for the request inside a scenario file).
pub(crate) fn read_request(tree: &Spanned<Json>, errors: &mut Vec<Diagnostic>) -> Option<Request> {
    let Json::Object(members) = &tree.value else {
        errors.push(Diagnostic::error(
            format!(
                "a request must be an object, found {}",
                tree.value.type_name()
            ),
            tree.span,
        ));
        return None;
    };
    let mut principal = None;
    let mut action = None;
    let mut resource = None;
    let mut context = Vec::new();
    for member in members {
        match member.key.value.as_str() {
            "principal" => principal = read_principal(&member.value, errors),
            "action" => action = read_text(member, errors),
            "resource" => resource = read_text(member, errors),
            "context" => context = read_context(&member.value, errors)?,
            other => errors.push(
                Diagnostic::error(format!("unknown request field `{other}`"), member.key.span)
                    .with_help("a request has `principal`, `action`, `resource` and `context`"),
            ),
        }
    }
    for (field, value) in [("action", &action), ("resource", &resource)] {
        if value.is_none() && !members.iter().any(|m| m.key.value == field) {
            errors.push(Diagnostic::error(
                format!("the request has no `{field}`"),
                crate::span::Span::new(tree.span.start, tree.span.start + 1),
            ));
        }
    }
    let mut request = Request::for_identity(&action?, &resource?);
    request.principal = principal;
    for (key, values, multi_valued) in context {
        request.set_context(&key, values, multi_valued);
    }
    let context_json = members.iter().find(|m| m.key.value == "context");
    for (key, reason) in crate::caller::conflicts(&request) {
        let span = context_key_span(context_json, &key).unwrap_or(tree.span);
        errors.push(
            Diagnostic::error(
                format!("context key `{key}` contradicts the request's principal"),
                span,
            )
            .with_help(format!(
                "{reason}; leave the key out and keyaki derives it from the principal"
            )),
        );
    }
    Some(request)
}

/// Where the context names `key`.
fn context_key_span(context: Option<&Member>, key: &str) -> Option<crate::span::Span> {
    let Json::Object(members) = &context?.value.value else {
        return None;
    };
    members
        .iter()
        .find(|m| m.key.value.eq_ignore_ascii_case(key))
        .map(|m| m.key.span)
}

fn read_text(member: &Member, errors: &mut Vec<Diagnostic>) -> Option<String> {
    match &member.value.value {
        Json::String(text) => Some(text.clone()),
        other => {
            errors.push(Diagnostic::error(
                format!(
                    "`{}` must be a string, found {}",
                    member.key.value,
                    other.type_name()
                ),
                member.value.span,
            ));
            None
        }
    }
}

fn read_principal(value: &Spanned<Json>, errors: &mut Vec<Diagnostic>) -> Option<RequestPrincipal> {
    let aws = |text: &str| match principal_account(text) {
        Some(account) if text.len() == 12 => {
            RequestPrincipal::Aws(format!("arn:aws:iam::{account}:root"))
        }
        _ => RequestPrincipal::Aws(text.to_string()),
    };
    match &value.value {
        Json::String(text) if text == "*" => Some(RequestPrincipal::Anonymous),
        Json::String(text) => Some(aws(text)),
        Json::Object(members) if members.len() == 1 => {
            let member = members.first()?;
            let Json::String(text) = &member.value.value else {
                errors.push(Diagnostic::error(
                    format!("the principal's `{}` must be one string", member.key.value),
                    member.value.span,
                ));
                return None;
            };
            match member.key.value.as_str() {
                "AWS" if text == "*" => Some(RequestPrincipal::Anonymous),
                "AWS" => Some(aws(text)),
                "Service" => Some(RequestPrincipal::Service(text.clone())),
                "Federated" => Some(RequestPrincipal::Federated(text.clone())),
                "CanonicalUser" => Some(RequestPrincipal::CanonicalUser(text.clone())),
                other => {
                    errors.push(
                        Diagnostic::error(
                            format!("unknown principal type `{other}`"),
                            member.key.span,
                        )
                        .with_help(
                            "principal types are `AWS`, `Service`, `Federated` and `CanonicalUser`",
                        ),
                    );
                    None
                }
            }
        }
        _ => {
            errors.push(
                Diagnostic::error("the request's `principal` must be `\"*\"`, an ARN, or an object with one key", value.span)
                    .with_help("for example `{\"AWS\": \"arn:aws:iam::111122223333:role/R\"}` or `{\"Service\": \"lambda.amazonaws.com\"}`"),
            );
            None
        }
    }
}

type ContextEntry = (String, Vec<String>, bool);

fn read_context(value: &Spanned<Json>, errors: &mut Vec<Diagnostic>) -> Option<Vec<ContextEntry>> {
    let Json::Object(members) = &value.value else {
        errors.push(Diagnostic::error(
            format!(
                "`context` must be an object, found {}",
                value.value.type_name()
            ),
            value.span,
        ));
        return None;
    };
    let mut entries = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for member in members {
        let folded = member.key.value.to_ascii_lowercase();
        if seen.contains(&folded) {
            errors.push(Diagnostic::error(
                format!(
                    "context key `{}` is given twice (keys ignore letter case)",
                    member.key.value
                ),
                member.key.span,
            ));
            continue;
        }
        seen.push(folded);
        let (items, multi_valued) = match &member.value.value {
            Json::Array(items) => (items.iter().collect::<Vec<_>>(), true),
            _ => (vec![&member.value], false),
        };
        let mut values = Vec::new();
        for item in items {
            match &item.value {
                Json::String(text) | Json::Number(text) => values.push(text.clone()),
                Json::Bool(b) => values.push(b.to_string()),
                other => errors.push(Diagnostic::error(
                    format!(
                        "a context value must be a string, number or boolean, found {}",
                        other.type_name()
                    ),
                    item.span,
                )),
            }
        }
        entries.push((member.key.value.clone(), values, multi_valued));
    }
    Some(entries)
}
