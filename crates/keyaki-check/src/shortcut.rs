//! A FAIL that needs no formula: when every `Allow` statement of the subject has an exemplar
//! (a request it allows, found once per policy, [`crate::exemplars`]) that answers the check,
//! and nothing in the check's policies would be approximated by the encoding.
//!
//! One policy compared with many (the pairwise runs, a baseline against a folder) spends most
//! of its time encoding both policies of each pair, only to find that the subject's exemplars
//! already answer it. The full path, [`crate::check::Check::run_with`], would then take the
//! first exemplar that replays as its counterexample, find every statement responsible
//! without a solve (each has a replaying exemplar), and report the encoding's approximation
//! notes, of which there are none when no policy has a condition, a policy variable or a
//! principal (the only places the encoder approximates, `Encoder::opaque_atom`). So the
//! outcome is computed here from the exemplars alone, identical to the full path's; any other
//! case takes the full path. Every request reported was replayed through the concrete
//! evaluator ([`Check::replays`]), as always.

use crate::check::{Check, Outcome, Reason, Verdict};
use crate::exemplars::Exemplars;
use crate::witness::with_example_accounts;
use keyaki_policy::{Effect, Policy};

impl Check<'_> {
    /// The outcome of this check when the exemplars decide it alone (see the module docs).
    pub(crate) fn answered_by_exemplars(&self, exemplars: &Exemplars) -> Option<Outcome> {
        let policies = match self {
            Check::NoNewAccess { new, existing } => [&new.policy, &existing.policy],
            Check::AccessNotGranted { policy, .. } => [&policy.policy, &policy.policy],
            Check::NoPublicAccess { .. } => return None,
        };
        if !policies.iter().all(|policy| encoded_exactly(policy)) {
            return None;
        }
        let mut counterexample = None;
        let mut reasons = Vec::new();
        let allows = self.subject().policy.statements.iter();
        for statement in allows.filter(|s| s.effect.value == Effect::Allow) {
            let request = exemplars
                .of_statement(statement.index)
                .filter(|request| self.replays(request))?;
            counterexample.get_or_insert(request);
            let sid = statement.sid.as_ref().map(|sid| sid.value.clone());
            reasons.push(Reason {
                description: self.reason(statement.index, sid.as_deref()),
                statement_index: statement.index,
                statement_id: sid,
            });
        }
        let counterexample = with_example_accounts(counterexample?.clone(), |r| self.replays(r));
        Some(Outcome {
            verdict: Verdict::Fail {
                reasons,
                counterexample,
            },
            approximations: Vec::new(),
        })
    }
}

/// Whether the encoder models `policy` with no approximation: no condition, no principal,
/// and no policy variable in an action or resource.
fn encoded_exactly(policy: &Policy) -> bool {
    policy.statements.iter().all(|statement| {
        let lists = std::iter::once(&statement.action).chain(statement.resource.as_ref());
        statement.conditions.is_empty()
            && statement.principal.is_none()
            && lists
                .flat_map(|list| &list.patterns)
                .all(|pattern| !pattern.value.has_variables())
    })
}

#[cfg(test)]
mod tests {
    //! The shortcut's outcome is the full path's, wherever it applies: on every ordered pair
    //! of a handful of written policies, and of a sample of the AWS managed policies when
    //! `../shared/data` is present.

    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

    use super::*;
    use crate::Access;
    use crate::check::CheckConfig;
    use keyaki_policy::{ParseOptions, ParsedPolicy, SourceFile, parse_policy};
    use std::path::Path;

    const WRITTEN: [&str; 6] = [
        r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]}"#,
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
          {"Sid": "Tags", "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*"}]}"#,
        r#"{"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
          {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}"#,
        r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
          "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}"#,
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
          "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}"#,
    ];

    fn parsed(name: &str, text: &str) -> ParsedPolicy {
        let source = SourceFile::new(name, text.as_bytes().to_vec());
        parse_policy(&source, ParseOptions::default()).expect("a valid policy")
    }

    /// Counts the pairs the shortcut answered, asserting each answer is the full path's.
    fn compare_all_pairs(policies: &[ParsedPolicy]) -> usize {
        let config = CheckConfig::default();
        let exemplars: Vec<Exemplars> = policies.iter().map(|p| Exemplars::of(p, config)).collect();
        let access = [Access {
            actions: vec!["s3:GetObject".to_string(), "iam:PassRole".to_string()],
            resources: Vec::new(),
        }];
        let mut answered = 0;
        for (new, examples) in policies.iter().zip(&exemplars) {
            let granted = Check::AccessNotGranted {
                policy: new,
                access: &access,
            };
            let checks = policies
                .iter()
                .filter(|existing| !std::ptr::eq(*existing, new))
                .map(|existing| Check::NoNewAccess { new, existing })
                .chain(std::iter::once(granted));
            for check in checks {
                if let Some(short) = check.answered_by_exemplars(examples) {
                    assert_eq!(short, check.run_encoded(config, Some(examples)));
                    answered += 1;
                }
            }
        }
        answered
    }

    #[test]
    fn answers_as_the_full_path_on_written_policies() {
        let policies: Vec<ParsedPolicy> =
            WRITTEN.iter().map(|text| parsed("p.json", text)).collect();
        // Pairs whose subject is one of the first four (exact) against an exact policy.
        assert!(compare_all_pairs(&policies) >= 6);
    }

    #[test]
    fn answers_as_the_full_path_on_managed_policies() {
        let folder =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/aws-managed-policies");
        let Ok(entries) = std::fs::read_dir(&folder) else {
            println!("skipped: {} is absent", folder.display());
            return;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        let policies: Vec<ParsedPolicy> = paths
            .iter()
            .step_by(50)
            .filter_map(|path| {
                let text = std::fs::read_to_string(path).ok()?;
                let source = SourceFile::new(path.display().to_string(), text.into_bytes());
                parse_policy(&source, ParseOptions::default()).ok()
            })
            .collect();
        let answered = compare_all_pairs(&policies);
        println!("{answered} checks answered by the shortcut, each as the full path");
        assert!(answered > 0);
    }
}
