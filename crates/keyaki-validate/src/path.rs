//! Where a finding is, in Access Analyzer's terms: a path through the JSON document and a span
//! of line, column and offset.
//!
//! The path is found by walking down the spanned JSON tree to the deepest value or key that
//! contains the finding's span: through an object member it is `{"value": NAME}`, through an
//! array element `{"index": I}`, and a finding about a key itself ends with `{"key": NAME}`
//! (a condition key, a principal type). Positions follow the API's `Position`: lines from 1,
//! columns and offsets from 0, counted in characters.

use keyaki_policy::{Json, SourceFile, Span, Spanned};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathElement {
    /// An array element, 0-based.
    Index(usize),
    /// An object member, by its key.
    Value(String),
    /// An object key itself.
    Key(String),
}

/// A position in the document, as the API gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 0, in characters.
    pub column: usize,
    /// The offset from the document's start, from 0, in characters.
    pub offset: usize,
}

/// A place a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The path through the JSON document.
    pub path: Vec<PathElement>,
    /// The text the finding is about, in bytes of the document.
    pub span: Span,
    /// Whether the span is a condition's single value written without brackets, which Access
    /// Analyzer measures as the one-element list it stands for: its end two characters further
    /// on the same line (the AWS CLI reference's example: `"us-west-2_EXAMPLE"` at offset 443,
    /// 19 characters, is reported as ending at 464).
    pub measured_as_list: bool,
}

impl Location {
    /// The location of `span` in a document whose JSON tree is `tree`.
    pub fn of(tree: &Spanned<Json>, span: Span) -> Location {
        let (path, node) = walk(tree, span);
        let measured_as_list = node.span == span
            && !matches!(node.value, Json::Array(_) | Json::Object(_))
            && is_condition_key(&path);
        Location {
            path,
            span,
            measured_as_list,
        }
    }

    /// A location with this path and span, measured as written.
    pub fn at(path: Vec<PathElement>, span: Span) -> Location {
        Location {
            path,
            span,
            measured_as_list: false,
        }
    }

    /// Where the span starts and ends, as the API counts.
    pub fn positions(&self, source: &SourceFile) -> (Position, Position) {
        let mut end = position(source, self.span.end);
        if self.measured_as_list {
            end.column += 2;
            end.offset += 2;
        }
        (position(source, self.span.start), end)
    }
}

/// Whether a path ends at a condition key's value: `…, Condition, OPERATOR, KEY`.
fn is_condition_key(path: &[PathElement]) -> bool {
    let Some([condition, PathElement::Value(_), PathElement::Value(_)]) =
        path.len().checked_sub(3).and_then(|at| path.get(at..))
    else {
        return false;
    };
    *condition == PathElement::Value("Condition".to_string())
}

fn position(source: &SourceFile, byte_offset: usize) -> Position {
    let at = source.line_column(byte_offset);
    let offset = source
        .text()
        .get(..byte_offset)
        .map_or(byte_offset, |before| before.chars().count());
    Position {
        line: at.line,
        column: at.column.saturating_sub(1),
        offset,
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The path from the root of `tree` to the deepest node that contains `span`.
pub fn path_to(tree: &Spanned<Json>, span: Span) -> Vec<PathElement> {
    walk(tree, span).0
}

/// The path to the deepest node that contains `span`, and the last node it enters.
fn walk(tree: &Spanned<Json>, span: Span) -> (Vec<PathElement>, &Spanned<Json>) {
    let mut path = Vec::new();
    let mut node = tree;
    loop {
        match &node.value {
            Json::Object(members) => {
                let Some(member) = members
                    .iter()
                    .find(|m| contains(m.key.span.to(m.value.span), span))
                else {
                    return (path, node);
                };
                let name = member.key.value.clone();
                if contains(member.key.span, span) {
                    path.push(PathElement::Key(name));
                    return (path, node);
                }
                path.push(PathElement::Value(name));
                if !contains(member.value.span, span) {
                    return (path, node);
                }
                node = &member.value;
            }
            Json::Array(items) => match items.iter().position(|item| contains(item.span, span)) {
                Some(index) => {
                    path.push(PathElement::Index(index));
                    let Some(item) = items.get(index) else {
                        return (path, node);
                    };
                    node = item;
                }
                None => return (path, node),
            },
            _ => return (path, node),
        }
    }
}
