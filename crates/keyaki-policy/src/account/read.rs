//! Small located readers shared by the account documents: objects, fields, strings, arrays and
//! policy documents (inline objects, or the URL-encoded strings the raw IAM API returns).
//!
//! Every problem is a [`Diagnostic`] pushed on the reader, never a panic; a value of the wrong
//! shape is reported once and read as absent, so that one pass finds every error.

use super::sourced::{SourceKind, SourcedPolicy};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::json::{Json, Member};
use crate::model::PolicyType;
use crate::parse::{ParseOptions, policy_from_tree, read_json, unknown_fields};
use crate::span::{Span, Spanned};
use std::sync::Arc;

/// Collects diagnostics while reading one document.
pub(super) struct Reader {
    /// The document read, shared by every policy written inline in it.
    pub source: Arc<SourceFile>,
    /// Errors and warnings, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Reader {
    pub fn new(source: &SourceFile) -> Reader {
        Reader {
            source: Arc::new(source.clone()),
            diagnostics: Vec::new(),
        }
    }

    pub fn error(&mut self, message: impl Into<String>, span: Span) {
        self.diagnostics.push(Diagnostic::error(message, span));
    }

    /// The members of an object; `what` names it in the error.
    pub fn object<'t>(&mut self, value: &'t Spanned<Json>, what: &str) -> Option<&'t [Member]> {
        match &value.value {
            Json::Object(members) => Some(members),
            other => {
                self.error(
                    format!("{what} must be an object, found {}", other.type_name()),
                    value.span,
                );
                None
            }
        }
    }

    /// The items of an array field; an absent field is an empty list.
    pub fn array<'t>(&mut self, member: Option<&'t Member>) -> &'t [Spanned<Json>] {
        let Some(member) = member else {
            return &[];
        };
        match &member.value.value {
            Json::Array(items) => items,
            other => {
                self.error(
                    format!(
                        "`{}` must be an array, found {}",
                        member.key.value,
                        other.type_name()
                    ),
                    member.value.span,
                );
                &[]
            }
        }
    }

    /// A string field's value and where it is written.
    pub fn string(&mut self, member: Option<&Member>) -> Option<Spanned<String>> {
        let member = member?;
        match &member.value.value {
            Json::String(text) => Some(Spanned::new(text.clone(), member.value.span)),
            other => {
                self.error(
                    format!(
                        "`{}` must be a string, found {}",
                        member.key.value,
                        other.type_name()
                    ),
                    member.value.span,
                );
                None
            }
        }
    }

    /// A required string field of the object at `span`.
    pub fn required_string(
        &mut self,
        members: &[Member],
        name: &str,
        span: Span,
    ) -> Option<Spanned<String>> {
        let found = self.string(field(members, name));
        if field(members, name).is_none() {
            self.diagnostics.push(
                Diagnostic::error(
                    format!("the object has no `{name}`"),
                    Span::new(span.start, span.start + 1),
                )
                .with_help(format!("add `\"{name}\": …`")),
            );
        }
        found
    }

    /// A 12-digit account id.
    pub fn account_id(&mut self, member: Option<&Member>) -> Option<Spanned<String>> {
        let id = self.string(member)?;
        if is_account_id(&id.value) {
            return Some(id);
        }
        self.diagnostics.push(
            Diagnostic::error(
                format!("an account id has 12 digits, found `{}`", id.value),
                id.span,
            )
            .with_help("write the account id alone, such as `111122223333`"),
        );
        None
    }

    /// Reports every member whose key is not in `known` (the manifest is strict).
    pub fn unknown_fields(&mut self, members: &[Member], known: &[&str], what: &str) {
        self.diagnostics
            .extend(unknown_fields(members, known, what, what));
    }

    /// A policy document: an object written inline (its positions are reported relative to its
    /// own first character), or a string holding the document, URL-encoded as the IAM API
    /// returns it (positions then count in the decoded text).
    pub fn policy(
        &mut self,
        value: &Spanned<Json>,
        policy_type: PolicyType,
        id: &str,
        kind: SourceKind,
    ) -> Option<Arc<SourcedPolicy>> {
        match &value.value {
            Json::Object(_) => {
                let parsed = self.keep(policy_from_tree(value, Some(policy_type)))?;
                Some(Arc::new(SourcedPolicy {
                    id: id.to_string(),
                    kind,
                    policy: parsed,
                    source: Arc::clone(&self.source),
                    start: value.span.start,
                }))
            }
            Json::String(text) => self.encoded_policy(text, value.span, policy_type, id, kind),
            other => {
                self.diagnostics.push(
                    Diagnostic::error(
                        format!("a policy document must be an object or a string, found {}", other.type_name()),
                        value.span,
                    )
                    .with_help("write the document inline, `{\"Version\": \"2012-10-17\", \"Statement\": […]}`"),
                );
                None
            }
        }
    }

    fn keep(
        &mut self,
        parsed: Result<crate::parse::ParsedPolicy, Vec<Diagnostic>>,
    ) -> Option<crate::model::Policy> {
        match parsed {
            Ok(parsed) => {
                self.diagnostics.extend(parsed.warnings);
                Some(parsed.policy)
            }
            Err(diagnostics) => {
                self.diagnostics.extend(diagnostics);
                None
            }
        }
    }

    /// A document in a string: URL-encoded (`%7B%22Version…`), or plain JSON text.
    fn encoded_policy(
        &mut self,
        text: &str,
        span: Span,
        policy_type: PolicyType,
        id: &str,
        kind: SourceKind,
    ) -> Option<Arc<SourcedPolicy>> {
        let decoded = if text.trim_start().starts_with('{') {
            text.as_bytes().to_vec()
        } else {
            match percent_decode(text) {
                Ok(bytes) => bytes,
                Err(at) => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            format!("the policy document `{id}` is a string but not URL-encoded JSON: `%` at character {} is not followed by two hex digits", at + 1),
                            span,
                        )
                        .with_help("write the document as a JSON object, or URL-encoded as the IAM API returns it"),
                    );
                    return None;
                }
            }
        };
        let name = format!("{} (policy `{id}`, decoded)", self.source.name());
        let inner = SourceFile::new(name, decoded);
        let parsed = read_json(&inner, ParseOptions::default())
            .map_err(|d| vec![d])
            .and_then(|tree| policy_from_tree(&tree, Some(policy_type)));
        match parsed {
            Ok(parsed) => {
                // Warnings inside the decoded text are shown at the string that holds it.
                for warning in parsed.warnings {
                    let at = inner.line_column(warning.span.start);
                    self.diagnostics.push(Diagnostic::warning(
                        format!(
                            "in the decoded policy `{id}`, line {} column {}: {}",
                            at.line, at.column, warning.message
                        ),
                        span,
                    ));
                }
                Some(Arc::new(SourcedPolicy {
                    id: id.to_string(),
                    kind,
                    policy: parsed.policy,
                    source: Arc::new(inner),
                    start: 0,
                }))
            }
            Err(errors) => {
                for error in errors.into_iter().filter(Diagnostic::is_error) {
                    let at = inner.line_column(error.span.start);
                    let mut shown = Diagnostic::error(
                        format!(
                            "in the decoded policy `{id}`, line {} column {}: {}",
                            at.line, at.column, error.message
                        ),
                        span,
                    );
                    shown.help = error.help;
                    self.diagnostics.push(shown);
                }
                None
            }
        }
    }
}

/// The member named `name`, if any.
pub(super) fn field<'t>(members: &'t [Member], name: &str) -> Option<&'t Member> {
    members.iter().find(|m| m.key.value == name)
}

/// Whether `text` is 12 ASCII digits.
pub(super) fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Decodes `%XX` escapes (RFC 3986); `Err` is the character index of a bad `%`. A `+` stays a
/// `+`: the IAM API encodes spaces as `%20`.
pub(super) fn percent_decode(text: &str) -> Result<Vec<u8>, usize> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte != b'%' {
            decoded.push(byte);
            at += 1;
            continue;
        }
        let hex = |offset: usize| {
            bytes
                .get(at + offset)
                .and_then(|b| (*b as char).to_digit(16))
        };
        match (hex(1), hex(2)) {
            (Some(high), Some(low)) => {
                decoded.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                at += 3;
            }
            _ => return Err(text.get(..at).map_or(at, |t| t.chars().count())),
        }
    }
    Ok(decoded)
}
