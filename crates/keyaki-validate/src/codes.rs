//! Access Analyzer's issue codes: what each finding is called, how serious it is, and where
//! the IAM User Guide explains it.
//!
//! The table is `data/issue-codes.tsv`, read from the Guide's "Access Analyzer policy check
//! reference" (see the file's header). It is compiled in, so a finding always carries AWS's
//! exact issue code, finding type, `learnMoreLink` and `findingDetails` text. A code that is
//! not in the table cannot be reported: [`issue`] answers `None`, and the checks are tested to
//! use only codes of the table.

use std::fmt;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/issue-codes.tsv");

/// The page every `learnMoreLink` points into.
const REFERENCE_PAGE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";

/// Where a finding without a check of the reference points: the policy grammar.
const GRAMMAR_PAGE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html";

/// How serious a finding is, in Access Analyzer's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingType {
    /// A part of the policy does not work.
    Error,
    /// The policy allows access that is overly permissive.
    SecurityWarning,
    /// The policy does not follow policy-writing best practice.
    Warning,
    /// A stylistic improvement that does not change access.
    Suggestion,
}

impl FindingType {
    /// The name in Access Analyzer's JSON (`SECURITY_WARNING`).
    pub fn aws_name(self) -> &'static str {
        match self {
            FindingType::Error => "ERROR",
            FindingType::SecurityWarning => "SECURITY_WARNING",
            FindingType::Warning => "WARNING",
            FindingType::Suggestion => "SUGGESTION",
        }
    }

    fn from_aws_name(name: &str) -> Option<FindingType> {
        [
            FindingType::Error,
            FindingType::SecurityWarning,
            FindingType::Warning,
            FindingType::Suggestion,
        ]
        .into_iter()
        .find(|t| t.aws_name() == name)
    }
}

impl fmt::Display for FindingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FindingType::Error => "error",
            FindingType::SecurityWarning => "security warning",
            FindingType::Warning => "warning",
            FindingType::Suggestion => "suggestion",
        })
    }
}

/// One policy check of the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The issue code (`PASS_ROLE_WITH_STAR_IN_RESOURCE`).
    pub code: &'static str,
    /// How serious it is.
    pub finding_type: FindingType,
    /// The check's anchor on the reference page.
    pub anchor: &'static str,
    /// The `findingDetails` text, with `{{name}}` or `${name}` where a value goes.
    pub details: &'static str,
}

impl Issue {
    /// The `learnMoreLink`: the check's section of the reference page.
    pub fn learn_more_link(&self) -> String {
        if self.anchor.is_empty() {
            return GRAMMAR_PAGE.to_string();
        }
        format!(
            "{REFERENCE_PAGE}#access-analyzer-reference-policy-checks-{}",
            self.anchor
        )
    }

    /// The details with each `(name, value)` filled in.
    pub fn details_with(&self, values: &[(&str, &str)]) -> String {
        values
            .iter()
            .fold(self.details.to_string(), |text, (name, value)| {
                text.replace(&format!("{{{{{name}}}}}"), value)
                    .replace(&format!("${{{name}}}"), value)
            })
    }
}

/// Every check of the table, in the reference's order.
pub fn all_issues() -> &'static [Issue] {
    static ISSUES: OnceLock<Vec<Issue>> = OnceLock::new();
    ISSUES.get_or_init(|| TABLE.lines().filter_map(issue_of_line).collect())
}

/// The check with this issue code, if the reference has it.
pub fn issue(code: &str) -> Option<&'static Issue> {
    all_issues().iter().find(|issue| issue.code == code)
}

fn issue_of_line(line: &'static str) -> Option<Issue> {
    if line.starts_with('#') {
        return None;
    }
    let mut fields = line.split('\t');
    let code = fields.next()?;
    let finding_type = FindingType::from_aws_name(fields.next()?)?;
    let anchor = fields.next()?;
    let details = fields.next().unwrap_or("");
    Some(Issue {
        code,
        finding_type,
        anchor,
        details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_every_check_of_the_reference_once() {
        let issues = all_issues();
        assert_eq!(issues.len(), 135);
        let mut codes: Vec<_> = issues.iter().map(|i| i.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), issues.len());
    }

    #[test]
    fn every_code_the_parser_gives_is_a_check_of_the_reference() {
        for code in keyaki_policy::IssueCode::ALL {
            assert!(
                issue(code.as_str()).is_some(),
                "{} is not in the table",
                code.as_str()
            );
        }
    }

    #[test]
    fn a_link_and_details_are_filled_in() {
        let Some(issue) = issue("INVALID_ACTION") else {
            panic!("INVALID_ACTION is in the table")
        };
        assert_eq!(issue.finding_type, FindingType::Error);
        assert_eq!(
            issue.learn_more_link(),
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-action"
        );
        assert_eq!(
            issue.details_with(&[("action", "s3:GetObjct"), ("valid_action", "s3:GetObject")]),
            "The action s3:GetObjct does not exist. Did you mean s3:GetObject?"
        );
    }
}
