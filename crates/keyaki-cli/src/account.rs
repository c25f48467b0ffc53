//! Reading an account from the command line: `--account-details FILE` (the JSON of
//! `aws iam get-account-authorization-details`) and `--manifest FILE` (keyaki's manifest of
//! what that document does not say: the organization, resource policies, VPC endpoints). Errors
//! are rendered against the document they point into.

use crate::Io;
use crate::document::load_or_report;
use crate::render::{Style, report_diagnostics};
use keyaki_policy::ParseOptions;
use keyaki_policy::account::{Account, AccountDocument, MAX_DETAILS_BYTES, parse_account_located};

/// Reads the account, rendering its warnings; `None` (after rendering the errors) when it
/// cannot be read.
pub fn load_account(
    details: &str,
    manifest: Option<&str>,
    style: Style,
    io: &mut Io<'_>,
) -> Option<Account> {
    let details = load_or_report(details, MAX_DETAILS_BYTES, io)?;
    let manifest = match manifest {
        Some(arg) => Some(load_or_report(arg, ParseOptions::default().max_bytes, io)?),
        None => None,
    };
    match parse_account_located(&details, manifest.as_ref()) {
        Ok(parsed) => {
            report_diagnostics(&details, &parsed.warnings, style, io);
            if let Some(source) = &manifest {
                report_diagnostics(source, &parsed.manifest_warnings, style, io);
            }
            Some(parsed.account)
        }
        Err(errors) => {
            let source = match (errors.document, &manifest) {
                (AccountDocument::Manifest, Some(source)) => source,
                _ => &details,
            };
            report_diagnostics(source, &errors.diagnostics, style, io);
            None
        }
    }
}
