//! `Principal` and `NotPrincipal`: who a resource-policy statement is about.
//!
//! The forms IAM accepts are `"*"`, or an object whose keys are `AWS`, `Service`, `Federated`
//! and `CanonicalUser`, each with one value or a list. Values are normalized here (see
//! [`Principal`]): an account is an account whether written as 12 digits or as its root ARN.
//! Wildcards are allowed only as a whole value `*` (or the whole element): IAM rejects partial
//! wildcards such as `arn:aws:iam::*:role/x` in principals. `{"AWS": "*"}` is everyone;
//! `{"Federated": "*"}` (and likewise `Service`, `CanonicalUser`) is every caller of that
//! kind, which AWS accepts (its published trust-policy samples compare such candidates).

use super::GrammarReader;
use crate::diagnostic::Diagnostic;
use crate::issue_code::IssueCode;
use crate::json::{Json, Member};
use crate::model::{Effect, Principal, PrincipalElement, PrincipalKind};
use crate::span::{Span, Spanned};

const PRINCIPAL_KINDS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

impl GrammarReader {
    pub(super) fn principal_element(
        &mut self,
        members: &[Member],
        head: Span,
        effect: Option<&Spanned<Effect>>,
    ) -> Option<PrincipalElement> {
        let (member, negated) = match (
            super::find(members, "Principal"),
            super::find(members, "NotPrincipal"),
        ) {
            (Some(_), Some(n)) => {
                self.error(
                    Diagnostic::error(
                        "a statement cannot have both `Principal` and `NotPrincipal`",
                        n.key.span,
                    )
                    .with_help("keep one of them")
                    .with_code(IssueCode::UnsupportedElementCombination),
                );
                return None;
            }
            (Some(p), None) => (p, false),
            (None, Some(n)) => (n, true),
            (None, None) => {
                self.statements_without_principal.push(head);
                return None;
            }
        };
        let span = member.key.span.to(member.value.span);
        self.principal_spans.push(span);
        if negated && effect.is_some_and(|e| e.value == Effect::Allow) {
            self.error(
                Diagnostic::warning("`NotPrincipal` with `Allow` grants access to everyone not listed", member.key.span)
                    .with_help("this almost always grants far more than meant; AWS advises against it: name the principals in `Principal` instead")
                    .with_code(IssueCode::AllowWithNotPrincipal),
            );
        }
        let principals = match &member.value.value {
            Json::String(text) => {
                vec![self.aws_principal(&Spanned::new(text.clone(), member.value.span))?]
            }
            Json::Object(kinds) if kinds.is_empty() => {
                self.error(
                    Diagnostic::error(
                        format!("`{}` is an empty object", member.key.value),
                        member.value.span,
                    )
                    .with_help(
                        "name principals under `AWS`, `Service`, `Federated` or `CanonicalUser`",
                    )
                    .with_code(IssueCode::EmptyObjectPrincipal),
                );
                return None;
            }
            Json::Object(kinds) => self.principal_kinds(kinds)?,
            other => {
                self.error(
                    Diagnostic::error(
                        format!(
                            "`{}` must be `\"*\"` or an object, found {}",
                            member.key.value,
                            other.type_name()
                        ),
                        member.value.span,
                    )
                    .with_code(IssueCode::InvalidPrincipalFormat),
                );
                return None;
            }
        };
        Some(PrincipalElement {
            negated,
            principals,
            span,
        })
    }

    fn principal_kinds(&mut self, kinds: &[Member]) -> Option<Vec<Spanned<Principal>>> {
        let mut principals = Vec::new();
        let mut ok = true;
        for kind in kinds {
            let name = kind.key.value.as_str();
            if !PRINCIPAL_KINDS.contains(&name) {
                let fix = PRINCIPAL_KINDS
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(name));
                let diagnostic =
                    Diagnostic::error(format!("unknown principal type `{name}`"), kind.key.span)
                        .with_code(IssueCode::InvalidPrincipalKey);
                self.error(match fix {
                    Some(fix) => diagnostic.with_help(format!("did you mean `{fix}`?")),
                    None => diagnostic.with_help(
                        "principal types are `AWS`, `Service`, `Federated` and `CanonicalUser`",
                    ),
                });
                ok = false;
                continue;
            }
            let Some(values) = self.string_list(&kind.value, &format!("Principal.{name}")) else {
                ok = false;
                continue;
            };
            for value in values {
                if self.variables && value.value.contains("${") {
                    self.error(super::variable_unsupported_in("Principal", value.span));
                }
                let principal = match name {
                    "AWS" => self.aws_principal(&value),
                    _ => self.named_principal(name, &value),
                };
                match principal {
                    Some(p) => principals.push(p),
                    None => ok = false,
                }
            }
        }
        ok.then_some(principals)
    }

    fn aws_principal(&mut self, value: &Spanned<String>) -> Option<Spanned<Principal>> {
        let text = value.value.as_str();
        let principal = if text == "*" {
            Principal::Everyone
        } else if let Some(account) = account_of(text) {
            Principal::Account(account.to_string())
        } else {
            self.no_partial_wildcard(value)?;
            Principal::Aws(text.to_string())
        };
        Some(Spanned::new(principal, value.span))
    }

    fn named_principal(
        &mut self,
        kind: &str,
        value: &Spanned<String>,
    ) -> Option<Spanned<Principal>> {
        if value.value == "*" {
            let kind = match kind {
                "Service" => PrincipalKind::Service,
                "Federated" => PrincipalKind::Federated,
                _ => PrincipalKind::CanonicalUser,
            };
            return Some(Spanned::new(Principal::EveryOfKind(kind), value.span));
        }
        self.no_partial_wildcard(value)?;
        let text = value.value.clone();
        let principal = match kind {
            "Service" => Principal::Service(text),
            "Federated" => Principal::Federated(text),
            _ => Principal::CanonicalUser(text),
        };
        Some(Spanned::new(principal, value.span))
    }

    fn no_partial_wildcard(&mut self, value: &Spanned<String>) -> Option<()> {
        if value.value.contains(['*', '?']) {
            self.error(
                Diagnostic::error(format!("wildcards are not allowed in principal `{}`", value.value), value.span)
                    .with_help("only `\"*\"` or `{\"AWS\": \"*\"}` may stand for many principals; to match principals by pattern use a condition on `aws:PrincipalArn` with `ArnLike`")
                    .with_code(IssueCode::UnsupportedWildcardInPrincipal),
            );
            return None;
        }
        if value.value.is_empty() {
            self.error(
                Diagnostic::error("a principal cannot be the empty string", value.span)
                    .with_code(IssueCode::InvalidPrincipalFormat),
            );
            return None;
        }
        Some(())
    }
}

/// The account id of a principal written as 12 digits or as `arn:PARTITION:iam::ID:root`.
pub(crate) fn account_of(text: &str) -> Option<&str> {
    let is_account = |id: &str| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit());
    if is_account(text) {
        return Some(text);
    }
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", id, "root"] if is_account(id) => Some(id),
        _ => None,
    }
}
