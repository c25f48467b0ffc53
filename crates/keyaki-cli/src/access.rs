//! Reading `--access` of `check-access-not-granted`: the accesses the policy must not grant.
//!
//! `--access` is a JSON array of objects with `actions` and/or `resources`, each a list of
//! strings with IAM wildcards: `[{"actions": ["s3:DeleteBucket"]}, {"resources": ["arn:…"]}]`.
//! Every problem is a located diagnostic, rendered with the source line like a policy's.
//!
//! Each action must name at least one real action of the IAM catalog (keyaki-check's
//! `catalog`): a misspelt action (`s3:GetObjct`, `s3GetObject`) matches no request at all, so
//! the check would PASS for every policy and the typo would go unseen. It is an error that
//! names the nearest real action instead. A pattern is an error only when it matches no action
//! of the catalog; resources are not checked (any ARN may exist).

use crate::document::{DocumentArg, load};
use crate::render::{Style, render};
use keyaki_check::Access;
use keyaki_check::catalog::{UnknownAction, look_up_action};
use keyaki_policy::{Diagnostic, Json, ParseOptions, SourceFile, Spanned, read_json};
use std::io::Read;

/// Reads `--access` (inline JSON, a path, `file://` or `-`). `Err` is what to print on
/// standard error: the problems, rendered.
pub fn load_access(
    argument: &str,
    stdin: &mut dyn Read,
    style: Style,
) -> Result<Vec<Access>, String> {
    let source = match DocumentArg::from_arg(argument) {
        DocumentArg::Inline(text) => SourceFile::new("--access", text.into_bytes()),
        document => load(&document, stdin).map_err(|message| format!("error: {message}\n"))?,
    };
    parse_access(&source).map_err(|diagnostics| {
        diagnostics
            .iter()
            .map(|diagnostic| render(&source, diagnostic, style))
            .collect()
    })
}

/// The accesses of a `--access` document, or every problem found in it.
fn parse_access(source: &SourceFile) -> Result<Vec<Access>, Vec<Diagnostic>> {
    let tree = read_json(source, ParseOptions::default()).map_err(|d| vec![d])?;
    let Json::Array(items) = &tree.value else {
        return Err(vec![
            Diagnostic::error("`--access` must be an array of objects", tree.span)
                .with_help(r#"write for example `[{"actions": ["s3:DeleteBucket"]}]`"#),
        ]);
    };
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        if let Some(entry) = access_entry(item, &mut errors) {
            entries.push(entry);
        }
    }
    if items.is_empty() {
        errors.push(Diagnostic::error("`--access` lists no access", tree.span));
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// One `{"actions": […], "resources": […]}`; problems go to `errors`.
fn access_entry(item: &Spanned<Json>, errors: &mut Vec<Diagnostic>) -> Option<Access> {
    let Json::Object(members) = &item.value else {
        errors.push(Diagnostic::error(
            "each access must be an object",
            item.span,
        ));
        return None;
    };
    let mut entry = Access::default();
    for member in members {
        let field = member.key.value.as_str();
        let Some(list) = strings(&member.value, field, errors) else {
            continue;
        };
        match field {
            "actions" => {
                errors.extend(list.iter().filter_map(unknown_action));
                entry.actions = list.into_iter().map(|action| action.value).collect();
            }
            "resources" => entry.resources = list.into_iter().map(|r| r.value).collect(),
            other => errors.push(
                Diagnostic::error(format!("unknown access field `{other}`"), member.key.span)
                    .with_help("an access has `actions`, `resources` or both"),
            ),
        }
    }
    if entry.actions.is_empty() && entry.resources.is_empty() {
        errors.push(Diagnostic::error(
            "an access needs `actions`, `resources` or both",
            item.span,
        ));
    }
    Some(entry)
}

/// The strings of an array member, each with its place; `None` (and an error) otherwise.
fn strings(
    value: &Spanned<Json>,
    field: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<Vec<Spanned<String>>> {
    let Json::Array(values) = &value.value else {
        errors.push(Diagnostic::error(
            format!("`{field}` must be an array of strings"),
            value.span,
        ));
        return None;
    };
    let mut list = Vec::new();
    for item in values {
        match &item.value {
            Json::String(text) => list.push(Spanned::new(text.clone(), item.span)),
            _ => errors.push(Diagnostic::error(
                format!("`{field}` must hold strings"),
                item.span,
            )),
        }
    }
    Some(list)
}

/// The error for an action that names no real action, located at its string.
fn unknown_action(action: &Spanned<String>) -> Option<Diagnostic> {
    let text = &action.value;
    let (message, nearest) = match look_up_action(text).err()? {
        UnknownAction::Service { service, nearest } => (
            format!("unknown service `{service}` in the action `{text}`"),
            nearest,
        ),
        UnknownAction::Action { nearest } if text.contains(['*', '?']) => {
            (format!("`{text}` matches no IAM action"), nearest)
        }
        UnknownAction::Action { nearest } => (format!("`{text}` is not an IAM action"), nearest),
    };
    let mut help = Vec::new();
    if !text.contains(':') {
        help.push("an action is written `service:Name`".to_string());
    }
    if let Some(nearest) = nearest {
        help.push(format!("the nearest real action is `{nearest}`"));
    }
    let diagnostic = Diagnostic::error(message, action.span);
    Some(if help.is_empty() {
        diagnostic
    } else {
        diagnostic.with_help(help.join("; "))
    })
}
