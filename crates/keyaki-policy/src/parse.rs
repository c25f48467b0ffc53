//! From bytes to a [`Policy`]: the IAM policy grammar, with every problem reported in place.
//!
//! Reading happens in three stages, each of which can stop with diagnostics:
//!
//! 1. **Bytes**: the document must fit the size limit and be valid UTF-8.
//! 2. **JSON**: the `json` module builds a spanned tree, rejecting syntax errors, duplicate keys and
//!    deep nesting.
//! 3. **Grammar**: this module walks the tree into the model. It does not stop at the first
//!    problem: every statement is read and every error and warning is collected, so that
//!    `keyaki validate` shows all of them at once. Any error means no policy is returned.
//!
//! Errors are what IAM rejects or what keyaki cannot read (a wrong type, an unknown operator, a
//! malformed date, a `Version` other than `2012-10-17` and `2008-10-17`). Warnings are what IAM accepts but is probably a mistake (`NotPrincipal` with
//! `Allow`, `${…}` in a policy whose version makes it literal text).

mod condition;
mod principal;

pub(crate) use principal::account_of as principal_account;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::issue_code::IssueCode;
use crate::json::{self, Json, JsonLimits, Member};
use crate::model::{
    Effect, PatternList, Policy, PolicyType, Statement, VERSION_2008, VERSION_2012,
};
use crate::pattern::{Pattern, PatternSyntax};
use crate::span::{Span, Spanned};

/// Limits and choices for reading a policy.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    /// The kind of policy, if known; otherwise it is inferred (`Principal` anywhere means a
    /// resource policy).
    pub policy_type: Option<PolicyType>,
    /// The largest document accepted, in bytes.
    pub max_bytes: usize,
    /// The deepest nesting of JSON arrays and objects accepted.
    pub max_depth: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        // IAM's own limits are far lower (6,144 characters for a managed policy, 20 KB for a
        // bucket policy); 1 MiB leaves room for generated policies without letting a hostile
        // document cost real time.
        ParseOptions {
            policy_type: None,
            max_bytes: 1 << 20,
            max_depth: JsonLimits::default().max_depth,
        }
    }
}

/// A policy that was read successfully, with what was noticed on the way.
#[derive(Debug, Clone)]
pub struct ParsedPolicy {
    /// The policy.
    pub policy: Policy,
    /// Its type: the one asked for, or the inferred one.
    pub policy_type: PolicyType,
    /// Warnings (never errors), in document order.
    pub warnings: Vec<Diagnostic>,
}

/// Reads a policy document. On failure, returns every diagnostic found (at least one error,
/// possibly warnings too), in document order.
pub fn parse_policy(
    source: &SourceFile,
    options: ParseOptions,
) -> Result<ParsedPolicy, Vec<Diagnostic>> {
    let tree = read_json(source, options).map_err(|d| vec![d])?;
    policy_from_tree(&tree, options.policy_type)
}

/// Stage 3 alone: reads a policy from a JSON value already read, such as a policy written
/// inline in a scenario file (`crate::scenario`); its spans point into that document.
pub(crate) fn policy_from_tree(
    tree: &Spanned<Json>,
    asked: Option<PolicyType>,
) -> Result<ParsedPolicy, Vec<Diagnostic>> {
    let mut reader = GrammarReader::default();
    let policy = reader.policy(tree);
    let policy_type = reader.settle_policy_type(policy.as_ref(), asked);
    let mut diagnostics = reader.diagnostics;
    diagnostics.sort_by_key(|d| (d.span.start, d.severity));
    match policy {
        Some(policy) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(ParsedPolicy {
            policy,
            policy_type,
            warnings: diagnostics,
        }),
        _ => Err(diagnostics),
    }
}

/// Stages 1 and 2: the bytes and the JSON syntax. Also used to read requests.
pub fn read_json(source: &SourceFile, options: ParseOptions) -> Result<Spanned<Json>, Diagnostic> {
    if source.byte_len() > options.max_bytes {
        return Err(Diagnostic::error(
            format!(
                "the document is larger than the limit of {} bytes",
                options.max_bytes
            ),
            Span::new(0, 0),
        )
        .with_help("IAM policies are at most a few kilobytes; is this the right file?"));
    }
    if let Some(at) = source.invalid_utf8_at() {
        return Err(
            Diagnostic::error("the document is not valid UTF-8", Span::new(at, at + 1))
                .with_help("IAM policy documents are JSON text in UTF-8"),
        );
    }
    json::parse(
        source.text(),
        JsonLimits {
            max_depth: options.max_depth,
        },
    )
    .map_err(|e| {
        let mut diagnostic = Diagnostic::error(format!("invalid JSON: {}", e.message), e.span)
            .with_code(IssueCode::JsonSyntaxError);
        diagnostic.help = e.help;
        diagnostic.related.extend(e.related);
        diagnostic
    })
}

/// Walks the JSON tree into the model, collecting diagnostics.
#[derive(Default)]
struct GrammarReader {
    diagnostics: Vec<Diagnostic>,
    /// Whether `${…}` is a variable (the policy's version is 2012-10-17).
    variables: bool,
    /// Spans of statements that lack `Principal`/`NotPrincipal`, and of those that have one.
    statements_without_principal: Vec<Span>,
    principal_spans: Vec<Span>,
    statements_without_resource: Vec<Span>,
    /// `${` written where it is literal text, for one warning per pattern.
    literal_variable_spans: Vec<Span>,
}

const POLICY_ELEMENTS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl GrammarReader {
    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn policy(&mut self, tree: &Spanned<Json>) -> Option<Policy> {
        let members = self.object(tree, "the policy document")?;
        self.unknown_members(members, POLICY_ELEMENTS, "the policy");
        let version = find(members, "Version").and_then(|m| self.string(&m.value, "`Version`"));
        self.check_version(version.as_ref());
        let id = find(members, "Id").and_then(|m| self.string(&m.value, "`Id`"));
        let Some(statement_member) = find(members, "Statement") else {
            self.error(
                Diagnostic::error("the policy has no `Statement`", opening(tree.span))
                    .with_help("add `\"Statement\": [ … ]` with at least one statement")
                    .with_code(IssueCode::MissingStatement),
            );
            return None;
        };
        let statement_values: Vec<&Spanned<Json>> = match &statement_member.value.value {
            Json::Array(items) => items.iter().collect(),
            Json::Object(_) => vec![&statement_member.value],
            other => {
                self.error(
                    Diagnostic::error(
                        format!(
                            "`Statement` must be an object or an array of objects, found {}",
                            other.type_name()
                        ),
                        statement_member.value.span,
                    )
                    .with_code(IssueCode::DataTypeMismatch),
                );
                return None;
            }
        };
        if statement_values.is_empty() {
            self.error(
                Diagnostic::error("`Statement` is an empty list", statement_member.value.span)
                    .with_help("a policy needs at least one statement"),
            );
        }
        let mut statements = Vec::new();
        for (index, value) in statement_values.into_iter().enumerate() {
            if let Some(statement) = self.statement(index, value) {
                statements.push(statement);
            }
        }
        self.duplicate_sids(&statements);
        Some(Policy {
            version,
            id,
            statements,
            span: tree.span,
        })
    }

    fn check_version(&mut self, version: Option<&Spanned<String>>) {
        match version {
            Some(v) if v.value == VERSION_2012 => self.variables = true,
            Some(v) if v.value == VERSION_2008 => {}
            // IAM supports these two values only (IAM User Guide, "IAM JSON policy elements:
            // Version") and refuses a policy with any other: an error, as AWS treats it.
            Some(v) => self.error(
                Diagnostic::error(format!("unknown policy `Version` `{}`", v.value), v.span)
                    .with_code(IssueCode::InvalidVersion)
                    .with_help(format!(
                        "the valid versions are `{VERSION_2012}` (current, with policy variables) \
                         and `{VERSION_2008}` (older: `${{…}}` is literal text)"
                    )),
            ),
            None => {}
        }
    }

    fn statement(&mut self, index: usize, value: &Spanned<Json>) -> Option<Statement> {
        let members = self.object(value, "a statement")?;
        self.unknown_members(members, STATEMENT_ELEMENTS, "a statement");
        let head = opening(value.span);
        let sid = find(members, "Sid").and_then(|m| self.string(&m.value, "`Sid`"));
        let effect = match find(members, "Effect") {
            Some(member) => self.effect(member),
            None => {
                self.error(
                    Diagnostic::error(format!("statement {index} has no `Effect`"), head)
                        .with_help("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`")
                        .with_code(IssueCode::MissingEffect),
                );
                None
            }
        };
        let principal = self.principal_element(members, head, effect.as_ref());
        let action = self.pattern_list(members, ("Action", "NotAction"), index, head, false);
        let resource = self.pattern_list(members, ("Resource", "NotResource"), index, head, true);
        if resource.is_none() && !either_present(members, ("Resource", "NotResource")) {
            self.statements_without_resource.push(head);
        }
        let conditions = match find(members, "Condition") {
            Some(member) => self.conditions(member),
            None => Vec::new(),
        };
        Some(Statement {
            index,
            sid,
            effect: effect?,
            principal,
            action: action?,
            resource,
            conditions,
            span: value.span,
        })
    }

    fn effect(&mut self, member: &Member) -> Option<Spanned<Effect>> {
        let text = self.string(&member.value, "`Effect`")?;
        match text.value.as_str() {
            "Allow" => Some(Spanned::new(Effect::Allow, text.span)),
            "Deny" => Some(Spanned::new(Effect::Deny, text.span)),
            other => {
                let mut diagnostic = Diagnostic::error(
                    format!("`Effect` must be `Allow` or `Deny`, found `{other}`"),
                    text.span,
                )
                .with_code(IssueCode::InvalidEffect);
                if let Some(fix) = ["Allow", "Deny"]
                    .into_iter()
                    .find(|e| e.eq_ignore_ascii_case(other))
                {
                    diagnostic = diagnostic
                        .with_help(format!("IAM spells it `{fix}`, with this letter case"));
                }
                self.error(diagnostic);
                None
            }
        }
    }

    /// `Action`/`NotAction` (`is_resource` false) or `Resource`/`NotResource` (true).
    fn pattern_list(
        &mut self,
        members: &[Member],
        (positive, negative): (&str, &str),
        index: usize,
        head: Span,
        is_resource: bool,
    ) -> Option<PatternList> {
        let (member, negated) = match (find(members, positive), find(members, negative)) {
            (Some(p), Some(n)) => {
                self.error(
                    Diagnostic::error(
                        format!("a statement cannot have both `{positive}` and `{negative}`"),
                        n.key.span,
                    )
                    .with_help("keep one of them")
                    .with_related(p.key.span, format!("`{positive}` is"))
                    .with_label(format!("`{negative}` here"))
                    .with_code(IssueCode::UnsupportedElementCombination),
                );
                return None;
            }
            (Some(p), None) => (p, false),
            (None, Some(n)) => (n, true),
            (None, None) => {
                if !is_resource {
                    self.error(
                        Diagnostic::error(
                            format!("statement {index} has no `{positive}` or `{negative}`"),
                            head,
                        )
                        .with_help(format!(
                            "add `\"{positive}\": …`, for example `\"s3:GetObject\"`"
                        ))
                        .with_code(IssueCode::MissingAction),
                    );
                }
                return None;
            }
        };
        let element = member.key.value.as_str();
        let syntax = PatternSyntax {
            wildcards: true,
            variables: is_resource && self.variables,
        };
        let mut patterns = Vec::new();
        for text in self.string_list(&member.value, element)? {
            if let Some(pattern) = self.pattern(&text, syntax) {
                if !is_resource && pattern.text != "*" && !pattern.text.contains(':') {
                    self.error(
                        Diagnostic::warning(
                            format!("action `{}` has no service prefix", pattern.text),
                            text.span,
                        )
                        .with_help("actions are written `service:Action`, such as `s3:GetObject`"),
                    );
                }
                if !is_resource && self.variables && pattern.text.contains("${") {
                    self.error(variable_unsupported_in(element, text.span));
                }
                if is_resource && !self.variables && pattern.text.contains("${") {
                    self.literal_variable_spans.push(text.span);
                }
                patterns.push(Spanned::new(pattern, text.span));
            }
        }
        Some(PatternList {
            negated,
            patterns,
            span: member.key.span.to(member.value.span),
        })
    }

    /// Reads one pattern, reporting a malformed policy variable at its place in the string.
    fn pattern(&mut self, text: &Spanned<String>, syntax: PatternSyntax) -> Option<Pattern> {
        match Pattern::parse(&text.value, syntax) {
            Ok(pattern) => Some(pattern),
            Err(e) => {
                // The string's span covers its quotes; without escapes the offsets line up.
                let escaped = text.span.end - text.span.start != text.value.len() + 2;
                let span = if escaped {
                    text.span
                } else {
                    let start = text.span.start + 1 + e.offset;
                    Span::new(start, start + e.len)
                };
                let mut diagnostic = Diagnostic::error(e.message, span).with_help(
                    "policy variables look like `${aws:username}` or `${aws:username, 'default'}`; \
                     write `${$}` for a literal `$`",
                );
                diagnostic.code = e.code;
                self.error(diagnostic);
                None
            }
        }
    }

    /// Settles the policy type (asked for, or inferred) and reports what does not fit it.
    fn settle_policy_type(
        &mut self,
        policy: Option<&Policy>,
        asked: Option<PolicyType>,
    ) -> PolicyType {
        let inferred = if self.principal_spans.is_empty() {
            PolicyType::Identity
        } else {
            PolicyType::Resource
        };
        let policy_type = asked.unwrap_or(inferred);
        match policy_type {
            PolicyType::Identity => {
                for span in std::mem::take(&mut self.principal_spans) {
                    self.error(
                        Diagnostic::error("an identity policy cannot have `Principal` or `NotPrincipal`", span)
                            .with_help("the principal of an identity policy is the identity it is attached to; use `--policy-type RESOURCE_POLICY` for a resource policy")
                            .with_code(IssueCode::UnsupportedPrincipal),
                    );
                }
                for span in std::mem::take(&mut self.statements_without_resource) {
                    let diagnostic = if asked.is_some() {
                        Diagnostic::error("the statement has no `Resource` or `NotResource`", span)
                    } else {
                        Diagnostic::warning(
                            "the statement has no `Resource` or `NotResource`",
                            span,
                        )
                    };
                    self.error(diagnostic.with_code(IssueCode::MissingResource).with_help(
                        "IAM rejects identity policies without `Resource`; add `\"Resource\": \"*\"` or the ARNs meant",
                    ));
                }
            }
            PolicyType::Resource => {
                for span in std::mem::take(&mut self.statements_without_principal) {
                    self.error(
                        Diagnostic::error("a resource policy statement needs `Principal` or `NotPrincipal`", span)
                            .with_help("name who the statement applies to, for example `\"Principal\": {\"AWS\": \"123456789012\"}`")
                            .with_code(IssueCode::MissingPrincipal),
                    );
                }
            }
        }
        if policy.is_some() {
            for span in std::mem::take(&mut self.literal_variable_spans) {
                self.error(
                    Diagnostic::warning("`${…}` is literal text here, not a policy variable", span)
                        .with_code(IssueCode::VariableUnsupportedInVersion)
                        .with_help(format!(
                            "policy variables need `\"Version\": \"{VERSION_2012}\"`"
                        )),
                );
            }
        }
        policy_type
    }

    fn duplicate_sids(&mut self, statements: &[Statement]) {
        for (i, statement) in statements.iter().enumerate() {
            let Some(sid) = &statement.sid else { continue };
            let earlier = statements
                .get(..i)
                .unwrap_or_default()
                .iter()
                .any(|s| s.sid.as_ref().is_some_and(|other| other.value == sid.value));
            if earlier && !sid.value.is_empty() {
                self.error(
                    Diagnostic::warning(
                        format!(
                            "the `Sid` `{}` is used by an earlier statement too",
                            sid.value
                        ),
                        sid.span,
                    )
                    .with_help("statement ids should be unique within a policy")
                    .with_code(IssueCode::UniqueSidsRecommended),
                );
            }
        }
    }

    // ---- small readers for JSON shapes ----

    fn object<'j>(&mut self, value: &'j Spanned<Json>, what: &str) -> Option<&'j [Member]> {
        match &value.value {
            Json::Object(members) => Some(members),
            other => {
                self.error(
                    Diagnostic::error(
                        format!("{what} must be an object, found {}", other.type_name()),
                        value.span,
                    )
                    .with_code(IssueCode::DataTypeMismatch),
                );
                None
            }
        }
    }

    fn string(&mut self, value: &Spanned<Json>, what: &str) -> Option<Spanned<String>> {
        match &value.value {
            Json::String(text) => Some(Spanned::new(text.clone(), value.span)),
            other => {
                self.error(
                    Diagnostic::error(
                        format!("{what} must be a string, found {}", other.type_name()),
                        value.span,
                    )
                    .with_code(IssueCode::DataTypeMismatch),
                );
                None
            }
        }
    }

    /// A string or a non-empty array of strings.
    fn string_list(
        &mut self,
        value: &Spanned<Json>,
        element: &str,
    ) -> Option<Vec<Spanned<String>>> {
        match &value.value {
            Json::String(text) => Some(vec![Spanned::new(text.clone(), value.span)]),
            Json::Array(items) if items.is_empty() => {
                self.error(Diagnostic::error(format!("`{element}` is an empty list"), value.span)
                    .with_help("an empty list matches nothing; remove the statement or name what it is about")
                    .with_code(empty_array_code(element)));
                None
            }
            Json::Array(items) => {
                let strings: Vec<_> = items
                    .iter()
                    .filter_map(|item| self.string(item, &format!("each value of `{element}`")))
                    .collect();
                (strings.len() == items.len()).then_some(strings)
            }
            other => {
                self.error(
                    Diagnostic::error(
                        format!(
                            "`{element}` must be a string or an array of strings, found {}",
                            other.type_name()
                        ),
                        value.span,
                    )
                    .with_code(IssueCode::DataTypeMismatch),
                );
                None
            }
        }
    }

    fn unknown_members(&mut self, members: &[Member], known: &[&str], place: &str) {
        for member in members {
            let name = member.key.value.as_str();
            if known.contains(&name) {
                continue;
            }
            let mut diagnostic = Diagnostic::error(
                format!("unknown element `{name}` in {place}"),
                member.key.span,
            )
            .with_code(IssueCode::InvalidPolicyElement);
            let suggestion = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(name))
                .or_else(|| known.iter().find(|k| edit_distance(k, name) <= 2));
            diagnostic = match suggestion {
                Some(fix) => diagnostic.with_help(format!("did you mean `{fix}`?")),
                None => diagnostic.with_help(format!(
                    "{place} may contain {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            self.error(diagnostic);
        }
    }
}

fn find<'m>(members: &'m [Member], name: &str) -> Option<&'m Member> {
    members.iter().find(|m| m.key.value == name)
}

/// Access Analyzer's issue code for an empty list in `element`.
fn empty_array_code(element: &str) -> IssueCode {
    match element {
        "Action" | "NotAction" => IssueCode::EmptyArrayAction,
        "Resource" | "NotResource" => IssueCode::EmptyArrayResource,
        _ => IssueCode::EmptyArrayPrincipal,
    }
}

fn either_present(members: &[Member], (a, b): (&str, &str)) -> bool {
    find(members, a).is_some() || find(members, b).is_some()
}

/// The first character of a span: where an object opens, for "this statement lacks …".
fn opening(span: Span) -> Span {
    Span::new(span.start, span.start + 1)
}

/// An error for every member of a strict object (a scenario, a manifest) whose key is not one
/// of `known`: `unknown {what} field`, with the nearest known key, or else the list of them
/// (`{container} may contain …`).
pub(crate) fn unknown_fields(
    members: &[Member],
    known: &[&str],
    what: &str,
    container: &str,
) -> Vec<Diagnostic> {
    members
        .iter()
        .filter(|member| !known.contains(&member.key.value.as_str()))
        .map(|member| {
            let name = member.key.value.as_str();
            let nearest = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(name) || edit_distance(k, name) <= 3);
            let help = match nearest {
                Some(fix) => format!("did you mean `{fix}`?"),
                None => format!(
                    "{container} may contain {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            Diagnostic::error(format!("unknown {what} field `{name}`"), member.key.span)
                .with_help(help)
        })
        .collect()
}

/// Levenshtein distance, for "did you mean" suggestions on short names.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let deletion = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insertion = current.get(j).copied().unwrap_or(0) + 1;
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests;

/// `${…}` in an element other than `Resource` and `Condition` (an action, a principal): IAM
/// replaces policy variables only in `Resource` and in string and ARN conditions (IAM User
/// Guide, "Access Analyzer policy check reference", Error – Variable unsupported in element:
/// "You can use policy variables in the `Resource` element and in string comparisons in the
/// `Condition` element"), so there it is literal text.
fn variable_unsupported_in(element: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(
        format!("`${{…}}` is literal text in `{element}`, not a policy variable"),
        span,
    )
    .with_help("policy variables work only in `Resource` and in string and ARN conditions")
    .with_code(IssueCode::VariableUnsupportedInElement)
}
