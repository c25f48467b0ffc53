//! `cargo xtask bench-checks`: the checks on the real AWS policies under `../shared/data/`.
//!
//! 1. **Critical actions**: every managed policy against `check-access-not-granted` with a
//!    fixed list of 20 critical actions (privilege escalation, data destruction, audit
//!    tampering), each action its own check.
//! 2. **Real updates**: every pair of consecutive versions in `aws-managed-policy-updates/` as
//!    `check-no-new-access` (existing = older, new = newer).
//!
//! For each it prints the number of checks, PASS / FAIL / UNKNOWN counts, checks per second,
//! and the median, p99 and maximum time per check. Every FAIL was replayed through the
//! concrete evaluator by the check itself; an UNKNOWN names its reason, and any UNKNOWN that
//! says *internal error* is listed, because it is a bug. Build with `--release`.

use keyaki_check::{Access, CheckConfig, Verdict, check_access_not_granted, check_no_new_access};
use keyaki_policy::{ParseOptions, ParsedPolicy, PolicyType, SourceFile, parse_policy};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Actions whose grant a security team wants to know about.
const CRITICAL_ACTIONS: [&str; 20] = [
    "iam:CreateAccessKey",
    "iam:CreateUser",
    "iam:AttachUserPolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:PassRole",
    "iam:UpdateAssumeRolePolicy",
    "sts:AssumeRole",
    "s3:DeleteBucket",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "kms:ScheduleKeyDeletion",
    "kms:PutKeyPolicy",
    "ec2:TerminateInstances",
    "ec2:AuthorizeSecurityGroupIngress",
    "rds:DeleteDBInstance",
    "dynamodb:DeleteTable",
    "lambda:UpdateFunctionCode",
    "cloudtrail:StopLogging",
    "organizations:LeaveOrganization",
];

#[derive(Default)]
struct Tally {
    times: Vec<Duration>,
    verdicts: BTreeMap<&'static str, usize>,
    unknown_reasons: BTreeMap<String, usize>,
    internal: Vec<String>,
}

impl Tally {
    fn record(&mut self, name: &str, elapsed: Duration, verdict: &Verdict) {
        self.times.push(elapsed);
        let key = match verdict {
            Verdict::Pass => "PASS",
            Verdict::Fail { .. } => "FAIL",
            Verdict::Unknown(why) => {
                *self.unknown_reasons.entry(why.clone()).or_default() += 1;
                if why.starts_with("internal error") {
                    self.internal.push(name.to_string());
                }
                "UNKNOWN"
            }
        };
        *self.verdicts.entry(key).or_default() += 1;
    }

    fn print(&mut self, title: &str, wall: Duration) {
        self.times.sort();
        let at = |q: f64| {
            let i = ((self.times.len() as f64 - 1.0) * q).round() as usize;
            self.times.get(i).copied().unwrap_or_default()
        };
        let count = self.times.len();
        println!("{title}");
        println!(
            "  checks {count}  PASS {}  FAIL {}  UNKNOWN {}",
            self.verdicts.get("PASS").unwrap_or(&0),
            self.verdicts.get("FAIL").unwrap_or(&0),
            self.verdicts.get("UNKNOWN").unwrap_or(&0)
        );
        println!(
            "  wall {:.2} s  {:.0} checks/s  median {:.3} ms  p99 {:.3} ms  max {:.1} ms",
            wall.as_secs_f64(),
            count as f64 / wall.as_secs_f64().max(1e-9),
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3,
            at(1.0).as_secs_f64() * 1e3
        );
        for (why, n) in &self.unknown_reasons {
            println!("  UNKNOWN ×{n}: {why}");
        }
        for name in self.internal.iter().take(20) {
            println!("  INTERNAL ERROR (a bug): {name}");
        }
        println!();
    }
}

fn read_policy(path: &Path, policy_type: PolicyType) -> Option<ParsedPolicy> {
    let bytes = std::fs::read(path).ok()?;
    let source = SourceFile::new(path.display().to_string(), bytes);
    parse_policy(
        &source,
        ParseOptions {
            policy_type: Some(policy_type),
            ..ParseOptions::default()
        },
    )
    .ok()
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
}

pub fn run(args: &[String]) -> Result<(), String> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    if !data.is_dir() {
        println!("skipped: {} is not present", data.display());
        return Ok(());
    }
    let limit: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(usize::MAX);
    let config = CheckConfig::default();

    let mut tally = Tally::default();
    let started = Instant::now();
    for path in json_files(&data.join("aws-managed-policies"))
        .into_iter()
        .take(limit)
    {
        let Some(policy) = read_policy(&path, PolicyType::Identity) else {
            continue;
        };
        for action in CRITICAL_ACTIONS {
            let access = [Access {
                actions: vec![action.to_string()],
                resources: vec![],
            }];
            let began = Instant::now();
            let outcome = check_access_not_granted(&policy, &access, config);
            tally.record(
                &format!("{} / {action}", path.display()),
                began.elapsed(),
                &outcome.verdict,
            );
        }
    }
    tally.print(
        "check-access-not-granted: managed policies × 20 critical actions",
        started.elapsed(),
    );

    let mut tally = Tally::default();
    let started = Instant::now();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(data.join("aws-managed-policy-updates"))
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders.into_iter().take(limit) {
        let versions = json_files(&folder);
        for pair in versions.windows(2) {
            let (Some(old_path), Some(new_path)) = (pair.first(), pair.get(1)) else {
                continue;
            };
            let (Some(old), Some(new)) = (
                read_policy(old_path, PolicyType::Identity),
                read_policy(new_path, PolicyType::Identity),
            ) else {
                continue;
            };
            let began = Instant::now();
            let outcome = check_no_new_access(&new, &old, config);
            tally.record(
                &format!("{} → {}", old_path.display(), new_path.display()),
                began.elapsed(),
                &outcome.verdict,
            );
        }
    }
    tally.print(
        "check-no-new-access: real managed-policy updates (older → newer)",
        started.elapsed(),
    );
    Ok(())
}
