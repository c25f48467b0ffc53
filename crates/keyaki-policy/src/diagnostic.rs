//! Diagnostics: errors and warnings that point into a source document.
//!
//! A [`Diagnostic`] is a value, not a printed line: it has a severity, a message in the house
//! style (lowercase, no trailing period, user text in backticks), the [`Span`] it is about, and
//! an optional help line. The CLI renders it with the source line and carets; tests compare it.
//! A [`SourceFile`] is the document as it was read, with its name (a path, `<stdin>`,
//! `<inline>`), so that any diagnostic can be turned into `file:line:column`.
//!
//! A diagnostic may also carry a machine-readable [`Diagnostic::code`]: the issue code IAM
//! Access Analyzer gives the same problem (`MISSING_EFFECT`, `INVALID_POLICY_ELEMENT`, …), so
//! that `keyaki validate-policy` reports it without reading the message text.

use crate::issue_code::IssueCode;
use crate::span::{LineColumn, LineIndex, Span};
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// IAM would reject the document, or keyaki cannot read it: exit code 2.
    Error,
    /// IAM accepts it, but it is probably not what the author meant.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One error or warning about a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// The part of the document it is about.
    pub span: Span,
    /// A short note shown under the carets, when the message alone is not enough.
    pub label: Option<String>,
    /// How to fix it, when keyaki can tell.
    pub help: Option<String>,
    /// Other places worth seeing, each with a short note (`first defined`).
    pub related: Vec<(Span, String)>,
    /// Access Analyzer's issue code for this problem, when it has one.
    pub code: Option<IssueCode>,
}

impl Diagnostic {
    /// An error about `span`.
    pub fn error(message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: None,
            help: None,
            related: Vec::new(),
            code: None,
        }
    }

    /// A warning about `span`.
    pub fn warning(message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message, span)
        }
    }

    /// The same diagnostic with a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same diagnostic with a label under the carets.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The same diagnostic with a pointer to another place in the document.
    pub fn with_related(mut self, span: Span, note: impl Into<String>) -> Self {
        self.related.push((span, note.into()));
        self
    }

    /// The same diagnostic with Access Analyzer's issue code (`MISSING_EFFECT`).
    pub fn with_code(mut self, code: IssueCode) -> Self {
        self.code = Some(code);
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A document as read: its name, its text, and where its lines start.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: String,
    invalid_utf8_at: Option<usize>,
    byte_len: usize,
    lines: LineIndex,
}

impl SourceFile {
    /// A document named `name` (a path, `<stdin>`, `<inline>`) with contents `bytes`.
    ///
    /// Invalid UTF-8 is remembered, not fatal here: the parser reports it as an error at its
    /// position, and the text (with replacement characters) can still be shown.
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        let byte_len = bytes.len();
        let (text, invalid_utf8_at) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(error) => {
                let at = error.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
                (lossy, Some(at))
            }
        };
        let lines = LineIndex::new(&text);
        SourceFile {
            name: name.into(),
            text,
            invalid_utf8_at,
            byte_len,
            lines,
        }
    }

    /// The document's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The document's text (invalid UTF-8 replaced by U+FFFD).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The length of the original bytes.
    pub fn byte_len(&self) -> usize {
        self.byte_len
    }

    /// The offset of the first invalid UTF-8 byte, if any.
    pub fn invalid_utf8_at(&self) -> Option<usize> {
        self.invalid_utf8_at
    }

    /// The 1-based line and column of a byte offset.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        self.lines.line_column(&self.text, offset)
    }

    /// `name:line:column` of a span's start, the way compilers name a position.
    pub fn location(&self, span: Span) -> String {
        let at = self.line_column(span.start);
        format!("{}:{}:{}", self.name, at.line, at.column)
    }

    /// A one-line rendering: `file:line:column: error: message`.
    pub fn one_line(&self, diagnostic: &Diagnostic) -> String {
        format!(
            "{}: {}: {}",
            self.location(diagnostic.span),
            diagnostic.severity,
            diagnostic.message
        )
    }
}
