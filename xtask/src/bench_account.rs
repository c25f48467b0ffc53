//! The whole-account section of `cargo xtask bench` (`--only account`): `who-can` for the
//! 20 critical actions over a generated account, and `simulate` throughput.
//!
//! The account is generated, so the section runs without the data folder: 1,000 roles in ten
//! team paths, each with one to three of twelve customer managed policies (several with
//! conditions), an inline policy for every fourth role, a permissions boundary for two roles in
//! three; an organization of three levels (root, an OU, the account) whose SCPs deny leaving
//! the organization, deny requests outside two regions except from the admin roles, and deny
//! stopping CloudTrail except from the security team; an RCP that denies S3 requests without
//! TLS; and resource policies for a bucket, a queue and a key. [`generated_account`] writes it
//! as `get-account-authorization-details` JSON and a manifest, read by keyaki's own reader.

use crate::bench::CRITICAL_ACTIONS;
use keyaki_check::CheckConfig;
use keyaki_check::scenario::Reach;
use keyaki_check::who_can::who_can;
use keyaki_policy::account::{Account, parse_account};
use keyaki_policy::{Decision, Request, SourceFile, evaluate_scenario};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const ACCOUNT: &str = "111122223333";
const ROLES: usize = 1_000;

fn policy(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn allow(actions: Value, resources: Value) -> Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resources})
}

/// The twelve customer managed policies, by name.
fn managed_policies() -> Vec<(&'static str, Value)> {
    let role_arns = format!("arn:aws:iam::{ACCOUNT}:role/app-*");
    vec![
        (
            "S3Read",
            policy(json!([allow(json!(["s3:Get*", "s3:List*"]), json!("*"))])),
        ),
        (
            "S3Full",
            policy(json!([allow(json!("s3:*"), json!("arn:aws:s3:::bench-*"))])),
        ),
        (
            "Ec2Operator",
            policy(json!([allow(
                json!([
                    "ec2:Describe*",
                    "ec2:TerminateInstances",
                    "ec2:AuthorizeSecurityGroupIngress"
                ]),
                json!("*")
            )])),
        ),
        (
            "PassAppRoles",
            policy(
                json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": role_arns, "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}]),
            ),
        ),
        (
            "KmsAdmin",
            policy(json!([allow(json!("kms:*"), json!("*"))])),
        ),
        (
            "LambdaDeploy",
            policy(json!([allow(
                json!(["lambda:UpdateFunctionCode", "lambda:Get*"]),
                json!("*")
            )])),
        ),
        (
            "DataRW",
            policy(json!([allow(
                json!(["dynamodb:*", "rds:Describe*", "rds:DeleteDBInstance"]),
                json!("*")
            )])),
        ),
        (
            "IamUserAdmin",
            policy(json!([allow(
                json!([
                    "iam:CreateUser",
                    "iam:CreateAccessKey",
                    "iam:AttachUserPolicy"
                ]),
                json!("*")
            )])),
        ),
        (
            "RoleAdmin",
            policy(
                json!([allow(json!(["iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"]), json!("*")), {"Effect": "Deny", "Action": "iam:*", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/security/*")}]),
            ),
        ),
        (
            "AssumeAnything",
            policy(
                json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]),
            ),
        ),
        ("Admin", policy(json!([allow(json!("*"), json!("*"))]))),
        (
            "AuditTrail",
            policy(json!([allow(
                json!(["cloudtrail:*", "organizations:Describe*"]),
                json!("*")
            )])),
        ),
    ]
}

/// The three permissions boundaries.
fn boundaries() -> Vec<(&'static str, Value)> {
    vec![
        (
            "DevBoundary",
            policy(json!([allow(
                json!(["s3:*", "dynamodb:*", "lambda:*", "ec2:Describe*"]),
                json!("*")
            )])),
        ),
        (
            "CiBoundary",
            policy(
                json!([allow(json!("*"), json!("*")), {"Effect": "Deny", "Action": ["organizations:*", "cloudtrail:StopLogging", "iam:CreateUser", "iam:CreateAccessKey"], "Resource": "*"}]),
            ),
        ),
    ]
}

fn managed_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/{name}")
}

/// The details document: 1,000 roles and the managed policies they use.
fn details() -> Value {
    let managed = managed_policies();
    let bounds = boundaries();
    let trust = policy(
        json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
    );
    let roles: Vec<Value> = (0..ROLES)
        .map(|i| {
            let team = i % 10;
            let path = if team == 0 { "/security/".to_string() } else { format!("/team{team}/") };
            let name = if i % 100 == 1 { format!("admin-{i}") } else { format!("app-{i}") };
            let attached: Vec<Value> = [i % 12, (i / 12) % 12, (i * 7) % 12]
                .iter()
                .take(1 + i % 3)
                .filter_map(|&k| managed.get(k))
                .map(|(n, _)| json!({"PolicyName": n, "PolicyArn": managed_arn(n)}))
                .collect();
            let inline: Vec<Value> = if i % 4 == 0 {
                vec![json!({"PolicyName": "inline", "PolicyDocument": policy(json!([{"Effect": "Allow", "Action": ["s3:PutBucketPolicy", "s3:DeleteBucket"], "Resource": format!("arn:aws:s3:::bench-{team}"), "Condition": {"StringEquals": {"aws:SourceVpc": format!("vpc-{team}")}}}]))})]
            } else {
                Vec::new()
            };
            let mut role = json!({
                "Path": path,
                "RoleName": name,
                "RoleId": format!("AROA{i:016}"),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:role{path}{name}"),
                "AssumeRolePolicyDocument": trust,
                "RolePolicyList": inline,
                "AttachedManagedPolicies": attached,
            });
            if let (Some(object), Some((bound, _))) = (role.as_object_mut(), bounds.get(i % 3)) {
                object.insert(
                    "PermissionsBoundary".into(),
                    json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": managed_arn(bound)}),
                );
            }
            role
        })
        .collect();
    let policies: Vec<Value> = managed
        .iter()
        .chain(bounds.iter())
        .map(|(name, document)| {
            json!({
                "PolicyName": name,
                "Arn": managed_arn(name),
                "DefaultVersionId": "v1",
                "PolicyVersionList": [{"Document": document, "VersionId": "v1", "IsDefaultVersion": true}],
            })
        })
        .collect();
    json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": roles, "Policies": policies})
}

/// The manifest: a three-level organization with SCPs and RCPs, and three resource policies.
fn manifest() -> Value {
    let full = json!({"name": "FullAWSAccess", "document": policy(json!([allow(json!("*"), json!("*"))]))});
    let rcp_full = json!({"name": "RCPFullAWSAccess", "document": policy(json!([{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]))});
    let guardrails = json!({"name": "Guardrails", "document": policy(json!([
        {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
        {"Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]},
                       "ArnNotLike": {"aws:PrincipalArn": format!("arn:aws:iam::{ACCOUNT}:role/*/admin-*")}}}
    ]))});
    let trail = json!({"name": "ProtectTrail", "document": policy(json!([
        {"Effect": "Deny", "Action": "cloudtrail:StopLogging", "Resource": "*",
         "Condition": {"ArnNotLike": {"aws:PrincipalArn": format!("arn:aws:iam::{ACCOUNT}:role/security/*")}}}
    ]))});
    let tls = json!({"name": "RequireTls", "document": policy(json!([
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}
    ]))});
    json!({
        "accountId": ACCOUNT,
        "managementAccount": "999999999999",
        "organization": [
            {"name": "Root", "serviceControlPolicies": [full], "resourceControlPolicies": [rcp_full]},
            {"name": "ou-workloads", "serviceControlPolicies": [full, guardrails], "resourceControlPolicies": [rcp_full, tls]},
            {"name": ACCOUNT, "serviceControlPolicies": [full, trail], "resourceControlPolicies": [rcp_full]},
        ],
        "resourcePolicies": [
            {"resource": "arn:aws:s3:::bench-data", "document": policy(json!([
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": ["s3:GetObject", "s3:PutBucketPolicy"], "Resource": ["arn:aws:s3:::bench-data", "arn:aws:s3:::bench-data/*"]}
            ]))},
            {"resource": format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/bench"), "document": policy(json!([
                {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "kms:*", "Resource": "*"}
            ]))},
        ],
    })
}

/// The generated account, read by keyaki's reader.
pub fn generated_account() -> Result<Account, String> {
    let text = |v: &Value| serde_json::to_string(v).map_err(|e| e.to_string());
    let details = SourceFile::new("generated-details.json", text(&details())?.into_bytes());
    let manifest = SourceFile::new("generated-manifest.json", text(&manifest())?.into_bytes());
    parse_account(&details, Some(&manifest))
        .map(|parsed| parsed.account)
        .map_err(|errors| {
            let shown: Vec<String> = errors.iter().map(|d| d.message.clone()).collect();
            format!("the generated account does not read: {}", shown.join("; "))
        })
}

/// The resource each critical action is asked about.
fn resource_of(action: &str) -> String {
    let service = action.split(':').next().unwrap_or_default();
    match service {
        "iam" => format!("arn:aws:iam::{ACCOUNT}:role/team3/app-3"),
        "sts" => format!("arn:aws:iam::{ACCOUNT}:role/security/admin-101"),
        "s3" => "arn:aws:s3:::bench-data".to_string(),
        "kms" => format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/bench"),
        "ec2" => format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0123456789abcdef0"),
        "rds" => format!("arn:aws:rds:us-east-1:{ACCOUNT}:db:orders"),
        "dynamodb" => format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"),
        "lambda" => format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:api"),
        "cloudtrail" => format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main"),
        _ => "*".to_string(),
    }
}

/// Runs the section.
pub fn run(config: CheckConfig) -> Result<(), String> {
    let started = Instant::now();
    let account = generated_account()?;
    println!(
        "whole account: generated account of {} roles read in {:.3} s",
        account.principals().len(),
        started.elapsed().as_secs_f64()
    );
    who_can_section(&account, config);
    simulate_section(&account);
    Ok(())
}

fn who_can_section(account: &Account, config: CheckConfig) {
    let started = Instant::now();
    let mut answers: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut per_action: Vec<(Duration, &str)> = Vec::new();
    let mut outside = 0;
    for action in CRITICAL_ACTIONS {
        let began = Instant::now();
        let result = who_can(account, action, &resource_of(action), None, config);
        per_action.push((began.elapsed(), action));
        for principal in &result.principals {
            let word = match &principal.outcome {
                Ok(outcome) => keyaki_check::scenario::reach_word(&outcome.reach),
                Err(_) => "error",
            };
            *answers.entry(word).or_default() += 1;
            if let Ok(outcome) = &principal.outcome
                && let Reach::Unknown(why) = &outcome.reach
                && answers.get("unknown") == Some(&1)
            {
                println!("  first unknown: {} / {action}: {why}", principal.arn);
            }
        }
        outside += result
            .classes
            .iter()
            .filter(|c| matches!(c.reach, keyaki_check::scenario::ClassReach::Some(_)))
            .count();
    }
    let wall = started.elapsed();
    let questions: usize = answers.values().sum();
    println!(
        "who-can: {} roles × 20 critical actions ({questions} questions) in {:.2} s ({:.0} questions/s)",
        account.principals().len(),
        wall.as_secs_f64(),
        questions as f64 / wall.as_secs_f64().max(1e-9)
    );
    let shown: Vec<String> = answers.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!(
        "  answers: {}; outside classes that can: {outside} of 80",
        shown.join(", ")
    );
    per_action.sort_by(|a, b| b.cmp(a));
    let slowest: Vec<String> = per_action
        .iter()
        .take(3)
        .map(|(t, a)| format!("{a} {:.2} s", t.as_secs_f64()))
        .collect();
    println!("  slowest actions: {}\n", slowest.join(", "));
}

/// `simulate`: every role × critical action as one concrete request, evaluated with all its
/// policies.
fn simulate_section(account: &Account) {
    let jobs: Vec<(String, &str)> = account
        .principals()
        .into_iter()
        .flat_map(|arn| CRITICAL_ACTIONS.iter().map(move |a| (arn.clone(), *a)))
        .collect();
    let started = Instant::now();
    let allowed: usize = jobs
        .par_iter()
        .filter(|(arn, action)| {
            let request = Request::for_identity(action, &resource_of(action))
                .with_context_string("aws:RequestedRegion", "us-east-1")
                .with_context_string("aws:SecureTransport", "true");
            account
                .scenario_for(arn, request)
                .ok()
                .and_then(|scenario| evaluate_scenario(&scenario).ok())
                .is_some_and(|outcome| outcome.decision == Decision::Allow)
        })
        .count();
    let wall = started.elapsed();
    println!(
        "simulate: {} scenarios (roles × critical actions) in {:.3} s ({:.0} scenarios/s), {allowed} allowed\n",
        jobs.len(),
        wall.as_secs_f64(),
        jobs.len() as f64 / wall.as_secs_f64().max(1e-9)
    );
}
