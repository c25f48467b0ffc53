//! Reading an account from the command line: `--account-details FILE` (the JSON of
//! `aws iam get-account-authorization-details`) and `--manifest FILE` (keyaki's manifest of
//! what that document does not say: the organization, resource policies, VPC endpoints). Errors
//! are rendered against the document they point into.

use crate::Io;
use crate::document::{DocumentArg, load, load_bounded};
use crate::render::{Style, render};
use keyaki_policy::account::{Account, AccountDocument, MAX_DETAILS_BYTES, parse_account_located};
use keyaki_policy::{Diagnostic, SourceFile};

/// Reads the account, rendering its warnings; `None` (after rendering the errors) when it
/// cannot be read.
pub fn load_account(
    details: &str,
    manifest: Option<&str>,
    style: Style,
    io: &mut Io<'_>,
) -> Option<Account> {
    let details = match load_bounded(&DocumentArg::from_arg(details), io.stdin, MAX_DETAILS_BYTES) {
        Ok(source) => source,
        Err(message) => {
            let _ = writeln!(io.stderr, "error: {message}");
            return None;
        }
    };
    let manifest = match manifest.map(|m| load(&DocumentArg::from_arg(m), io.stdin)) {
        None => None,
        Some(Ok(source)) => Some(source),
        Some(Err(message)) => {
            let _ = writeln!(io.stderr, "error: {message}");
            return None;
        }
    };
    match parse_account_located(&details, manifest.as_ref()) {
        Ok(parsed) => {
            report(&details, &parsed.warnings, style, io);
            if let Some(source) = &manifest {
                report(source, &parsed.manifest_warnings, style, io);
            }
            Some(parsed.account)
        }
        Err(errors) => {
            let source = match (errors.document, &manifest) {
                (AccountDocument::Manifest, Some(source)) => source,
                _ => &details,
            };
            report(source, &errors.diagnostics, style, io);
            None
        }
    }
}

fn report(source: &SourceFile, diagnostics: &[Diagnostic], style: Style, io: &mut Io<'_>) {
    for diagnostic in diagnostics {
        let _ = io
            .stderr
            .write_all(render(source, diagnostic, style).as_bytes());
    }
}
