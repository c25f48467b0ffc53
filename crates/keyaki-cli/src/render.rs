//! Rendering diagnostics for people: the message, `file:line:column`, the source line and
//! carets under the offending text, and the help line.
//!
//! ```text
//! error: `Effect` must be `Allow` or `Deny`, found `allow`
//!  --> policy.json:3:17
//!   |
//! 3 |       "Effect": "allow",
//!   |                 ^^^^^^^
//!   |
//!   = help: IAM spells it `Allow`, with this letter case
//! ```
//!
//! Written here rather than taken from a diagnostics crate because policies are often minified
//! onto one line of several kilobytes: a long line is shown as a window around the offending
//! text, never in full. Colors (ANSI) only when asked, that is on a terminal without `NO_COLOR`.

use keyaki_policy::{Diagnostic, Severity, SourceFile};
use std::fmt::Write as _;

/// Longest line shown whole; longer lines are shown as a window around the span.
const MAX_LINE_CHARS: usize = 120;
/// Characters shown before the span's start in a windowed line.
const WINDOW_BEFORE: usize = 40;

/// Terminal styles, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Plain text, or ANSI colors when `color`.
    pub fn new(color: bool) -> Self {
        Style { color }
    }

    /// `text` in the ANSI style `code` (`1;31` bold red), or plain.
    pub fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(self, severity: Severity) -> String {
        match severity {
            Severity::Error => self.paint("1;31", "error"),
            Severity::Warning => self.paint("1;33", "warning"),
        }
    }

    fn gutter(self, text: &str) -> String {
        self.paint("1;34", text)
    }
}

/// Renders one diagnostic about `source`, ending with a blank line.
/// Writes each diagnostic, rendered against its source, to standard error.
pub fn report_diagnostics(
    source: &SourceFile,
    diagnostics: &[Diagnostic],
    style: Style,
    io: &mut crate::Io<'_>,
) {
    for diagnostic in diagnostics {
        let _ = io
            .stderr
            .write_all(render(source, diagnostic, style).as_bytes());
    }
}

pub fn render(source: &SourceFile, diagnostic: &Diagnostic, style: Style) -> String {
    let title = style.severity(diagnostic.severity);
    render_titled(source, diagnostic, &title, style)
}

/// Renders one diagnostic under `title` (painted by the caller) instead of its severity, as
/// `keyaki scan` does for a finding (`SECURITY_WARNING CHECK_NO_PUBLIC_ACCESS`).
pub fn render_titled(
    source: &SourceFile,
    diagnostic: &Diagnostic,
    title: &str,
    style: Style,
) -> String {
    let start = source.line_column(diagnostic.span.start);
    let line_text = line_of(source.text(), diagnostic.span.start);
    let number = start.line.to_string();
    let pad = " ".repeat(number.len());
    let mut out = String::new();
    let _ = writeln!(out, "{title}: {}", diagnostic.message);
    let _ = writeln!(
        out,
        "{pad}{} {}",
        style.gutter("-->"),
        source.location(diagnostic.span)
    );
    if !(diagnostic.span.start == 0 && diagnostic.span.end == 0) {
        let (shown, caret_at, caret_len) =
            excerpt(line_text, start.column - 1, span_chars(source, diagnostic));
        let _ = writeln!(out, "{pad} {}", style.gutter("|"));
        let _ = writeln!(
            out,
            "{} {} {shown}",
            style.gutter(&number),
            style.gutter("|")
        );
        let carets = style.paint(
            if diagnostic.is_error() {
                "1;31"
            } else {
                "1;33"
            },
            &"^".repeat(caret_len),
        );
        let label = diagnostic
            .label
            .as_ref()
            .map(|l| format!(" {l}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{pad} {} {}{carets}{label}",
            style.gutter("|"),
            " ".repeat(caret_at)
        );
    }
    if diagnostic.help.is_some() || !diagnostic.related.is_empty() {
        let _ = writeln!(out, "{pad} {}", style.gutter("|"));
    }
    for (span, note) in &diagnostic.related {
        let _ = writeln!(
            out,
            "{pad} {} note: {note} at {}",
            style.gutter("="),
            source.location(*span)
        );
    }
    if let Some(help) = &diagnostic.help {
        let _ = writeln!(out, "{pad} {} help: {help}", style.gutter("="));
    }
    out.push('\n');
    out
}

/// The line containing byte `offset`, without its line break.
fn line_of(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |at| at + 1);
    let rest = text.get(start..).unwrap_or("");
    let end = rest.find('\n').unwrap_or(rest.len());
    rest.get(..end).unwrap_or("").trim_end_matches('\r')
}

/// How many characters of the span lie on its first line (at least one, for a caret).
fn span_chars(source: &SourceFile, diagnostic: &Diagnostic) -> usize {
    let text = source.text();
    let start = diagnostic.span.start.min(text.len());
    let end = diagnostic.span.end.clamp(start, text.len());
    let mut chars = 0;
    for (at, c) in text.get(start..).unwrap_or("").char_indices() {
        if start + at >= end || c == '\n' {
            break;
        }
        chars += 1;
    }
    chars.max(1)
}

/// The text to show for a line (tabs expanded, long lines windowed), and where the carets go.
fn excerpt(line: &str, column: usize, caret_len: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    if chars.len() <= MAX_LINE_CHARS {
        return (chars.iter().collect(), column.min(chars.len()), caret_len);
    }
    let from = column.saturating_sub(WINDOW_BEFORE);
    let to = (from + MAX_LINE_CHARS).min(chars.len());
    let mut shown: String = chars.get(from..to).unwrap_or_default().iter().collect();
    let mut caret_at = column - from;
    if from > 0 {
        shown.insert(0, '…');
        caret_at += 1;
    }
    if to < chars.len() {
        shown.push('…');
    }
    let caret_len = caret_len.min(to.saturating_sub(column).max(1));
    (shown, caret_at, caret_len)
}
