//! Unit tests of the account reader: both document forms, references, located errors, and the
//! scenarios an account builds.

use super::*;
use crate::eval::Decision;
use crate::eval::scenario::evaluate_scenario;

const ALLOW_S3_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

/// `ALLOW_S3_READ` URL-encoded, as the raw IAM API returns documents.
fn encoded(document: &str) -> String {
    document
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn details(text: &str) -> SourceFile {
    SourceFile::new("details.json", text.as_bytes().to_vec())
}

fn manifest(text: &str) -> SourceFile {
    SourceFile::new("manifest.json", text.as_bytes().to_vec())
}

fn account_of(details_text: &str, manifest_text: Option<&str>) -> Account {
    let manifest_source = manifest_text.map(manifest);
    match parse_account_located(&details(details_text), manifest_source.as_ref()) {
        Ok(parsed) => parsed.account,
        Err(errors) => panic!("{:?}: {:#?}", errors.document, errors.diagnostics),
    }
}

fn errors_of(details_text: &str, manifest_text: Option<&str>) -> (AccountDocument, Vec<String>) {
    let manifest_source = manifest_text.map(manifest);
    let details_source = details(details_text);
    match parse_account_located(&details_source, manifest_source.as_ref()) {
        Ok(_) => panic!("expected errors"),
        Err(errors) => {
            let source = match errors.document {
                AccountDocument::Details => &details_source,
                AccountDocument::Manifest => manifest_source.as_ref().unwrap_or(&details_source),
            };
            let shown = errors
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| source.one_line(d))
                .collect();
            (errors.document, shown)
        }
    }
}

fn one_user(document: &str) -> String {
    format!(
        r#"{{"UserDetailList": [{{"Path": "/", "UserName": "alice",
            "Arn": "arn:aws:iam::111122223333:user/alice",
            "UserPolicyList": [{{"PolicyName": "read", "PolicyDocument": {document}}}]}}]}}"#
    )
}

/// The decision when the bucket (whose ARN names no account) is the account's own.
fn decision_when_owned(mut scenario: Scenario) -> Decision {
    scenario
        .resource_owner
        .get_or_insert_with(|| "111122223333".to_string());
    evaluate_scenario(&scenario).unwrap().decision
}

fn get_object(resource: &str) -> Request {
    Request::for_identity("s3:GetObject", resource)
}

#[test]
fn inline_documents_may_be_objects_or_url_encoded_strings() {
    for document in [
        ALLOW_S3_READ.to_string(),
        format!("\"{}\"", encoded(ALLOW_S3_READ)),
    ] {
        let account = account_of(&one_user(&document), None);
        assert_eq!(account.id(), "111122223333");
        assert_eq!(
            account.principals(),
            ["arn:aws:iam::111122223333:user/alice"]
        );
        let scenario = account
            .scenario_for(
                "arn:aws:iam::111122223333:user/alice",
                get_object("arn:aws:s3:::b/k"),
            )
            .unwrap();
        assert_eq!(scenario.identity_policies.len(), 1);
        assert_eq!(decision_when_owned(scenario), Decision::Allow, "{document}");
    }
}

#[test]
fn statement_positions_count_from_the_document() {
    let text = one_user(ALLOW_S3_READ);
    let account = account_of(&text, None);
    let (_, set) = account
        .attributed_scenario_for(
            "arn:aws:iam::111122223333:user/alice",
            get_object("arn:aws:s3:::b/k"),
        )
        .unwrap();
    let policy = set.identity_policies.first().unwrap();
    let statement = policy.policy.statements.first().unwrap();
    let at = policy.position(statement.span.start);
    assert_eq!(
        (at.line, at.column),
        (1, 38),
        "as in the document written alone"
    );
    let encoded_text = one_user(&format!("\"{}\"", encoded(ALLOW_S3_READ)));
    let account = account_of(&encoded_text, None);
    let (_, set) = account
        .attributed_scenario_for(
            "arn:aws:iam::111122223333:user/alice",
            get_object("arn:aws:s3:::b/k"),
        )
        .unwrap();
    let policy = set.identity_policies.first().unwrap();
    let statement = policy.policy.statements.first().unwrap();
    let at = policy.position(statement.span.start);
    assert_eq!((at.line, at.column), (1, 38), "in the decoded text");
}

#[test]
fn errors_in_documents_are_located_in_the_details_file() {
    let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Alow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let (document, shown) = errors_of(&one_user(bad), None);
    assert_eq!(document, AccountDocument::Details);
    assert!(
        shown.iter().any(|e| e.starts_with("details.json:3:")),
        "{shown:?}"
    );
    let (_, shown) = errors_of(&one_user(&format!("\"{}\"", encoded(bad))), None);
    assert!(
        shown
            .iter()
            .any(|e| e.contains("in the decoded policy `read`, line 1 column")),
        "{shown:?}"
    );
    let (_, shown) = errors_of(&one_user("\"%7B%2\""), None);
    assert!(
        shown.iter().any(|e| e.contains("not URL-encoded JSON")),
        "{shown:?}"
    );
}

#[test]
fn managed_policies_resolve_to_their_default_version() {
    let text = r#"{"RoleDetailList": [{"Path": "/ci/", "RoleName": "deploy",
        "Arn": "arn:aws:iam::111122223333:role/ci/deploy",
        "AssumeRolePolicyDocument": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"sts:AssumeRole"}]},
        "AttachedManagedPolicies": [{"PolicyName": "p", "PolicyArn": "arn:aws:iam::111122223333:policy/p"}],
        "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/p"}}],
      "Policies": [{"PolicyName": "p", "Arn": "arn:aws:iam::111122223333:policy/p",
        "PolicyVersionList": [
          {"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}},
          {"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}]}]}"#;
    let account = account_of(text, None);
    let role = "arn:aws:iam::111122223333:role/ci/deploy";
    let scenario = account
        .scenario_for(role, get_object("arn:aws:s3:::b/k"))
        .unwrap();
    assert_eq!(
        scenario.request.principal,
        Some(RequestPrincipal::Aws(
            "arn:aws:sts::111122223333:assumed-role/deploy/keyaki-session".to_string()
        ))
    );
    assert_eq!(
        scenario.request.single_value("aws:PrincipalArn").as_deref(),
        Some(role)
    );
    assert_eq!(scenario.permissions_boundaries.len(), 1);
    assert_eq!(decision_when_owned(scenario), Decision::Allow);
    let put = Request::for_identity("s3:PutObject", "arn:aws:s3:::b/k");
    let scenario = account.scenario_for(role, put).unwrap();
    assert_eq!(
        decision_when_owned(scenario),
        Decision::ImplicitDeny,
        "v1 allowed everything, but v2 is the default"
    );
    assert!(account.identity(role).unwrap().trust_policy.is_some());
    let session = "arn:aws:sts::111122223333:assumed-role/deploy/build-7";
    let scenario = account
        .scenario_for(session, get_object("arn:aws:s3:::b/k"))
        .unwrap();
    assert_eq!(
        scenario.request.principal,
        Some(RequestPrincipal::Aws(session.to_string()))
    );
}

#[test]
fn a_reference_that_does_not_resolve_is_an_error_at_the_reference() {
    let text = r#"{"UserDetailList": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob",
        "GroupList": ["nobody"],
        "AttachedManagedPolicies": [{"PolicyName": "gone", "PolicyArn": "arn:aws:iam::aws:policy/Gone"}]}]}"#;
    let (_, shown) = errors_of(text, None);
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(shown[0].contains("the group `nobody` is not in `GroupDetailList`"));
    assert!(shown[1].contains("`arn:aws:iam::aws:policy/Gone` is not in `Policies`"));
}

#[test]
fn groups_give_their_policies_to_their_users() {
    let text = format!(
        r#"{{"GroupDetailList": [{{"GroupName": "readers", "GroupPolicyList": [{{"PolicyName": "g", "PolicyDocument": {ALLOW_S3_READ}}}]}}],
            "UserDetailList": [{{"UserName": "carol", "Arn": "arn:aws:iam::111122223333:user/carol", "GroupList": ["readers"]}}]}}"#
    );
    let account = account_of(&text, None);
    let (scenario, set) = account
        .attributed_scenario_for(
            "arn:aws:iam::111122223333:user/carol",
            get_object("arn:aws:s3:::b/k"),
        )
        .unwrap();
    assert_eq!(
        set.identity_policies.first().unwrap().kind,
        SourceKind::Group
    );
    assert_eq!(decision_when_owned(scenario), Decision::Allow);
}

#[test]
fn an_unknown_principal_is_refused_with_a_sentence() {
    let account = account_of(&one_user(ALLOW_S3_READ), None);
    let error = account
        .scenario_for(
            "arn:aws:iam::111122223333:user/alicia",
            get_object("arn:aws:s3:::b/k"),
        )
        .unwrap_err();
    assert_eq!(
        error,
        "`arn:aws:iam::111122223333:user/alicia` is no user or role of account 111122223333; did you mean `arn:aws:iam::111122223333:user/alice`?"
    );
}

const ORGANIZATION: &str = r#"{"accountId": "111122223333", "managementAccount": "999999999999",
  "organization": [
    {"name": "Root", "serviceControlPolicies": [{"name": "FullAWSAccess", "document": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}],
     "resourceControlPolicies": [{"name": "RCPFullAWSAccess", "document": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}}]},
    {"name": "111122223333", "serviceControlPolicies": [{"name": "NoDelete", "document": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}}],
     "resourceControlPolicies": [{"name": "RCPFullAWSAccess", "document": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}}]}],
  "resourcePolicies": [{"resource": "arn:aws:s3:::b", "document": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}}]}"#;

#[test]
fn the_manifest_gives_the_organization_and_resource_policies() {
    let account = account_of(&one_user(ALLOW_S3_READ), Some(ORGANIZATION));
    let alice = "arn:aws:iam::111122223333:user/alice";
    let scenario = account
        .scenario_for(alice, get_object("arn:aws:s3:::b/k"))
        .unwrap();
    assert_eq!(scenario.service_control_policies.len(), 2);
    assert_eq!(
        scenario.resource_control_policies.len(),
        2,
        "the bucket is the account's"
    );
    assert_eq!(scenario.resource_owner.as_deref(), Some("111122223333"));
    assert!(
        scenario.resource_policy.is_some(),
        "the bucket policy covers its objects"
    );
    let delete = Request::for_identity("s3:DeleteObject", "arn:aws:s3:::b/k");
    let scenario = account.scenario_for(alice, delete).unwrap();
    assert_eq!(
        evaluate_scenario(&scenario).unwrap().decision,
        Decision::ExplicitDeny
    );
    let outsider = get_object("arn:aws:s3:::b/k").with_principal(RequestPrincipal::Aws(
        "arn:aws:iam::444455556666:user/dave".to_string(),
    ));
    let scenario = account.scenario_for_external(outsider);
    assert!(
        scenario.service_control_policies.is_empty(),
        "not this account's caller"
    );
    assert!(scenario.identity_policies.is_empty());
    assert_eq!(scenario.resource_control_policies.len(), 2);
    let elsewhere = get_object("arn:aws:s3:::other/k");
    let scenario = account.scenario_for(alice, elsewhere).unwrap();
    assert!(scenario.resource_policy.is_none());
    assert!(
        scenario.resource_control_policies.is_empty(),
        "the owner is unknown"
    );
}

#[test]
fn manifest_errors_are_located_in_the_manifest() {
    let bad = r#"{"accountId": "1111", "organisation": [],
      "organization": [{"name": "Root", "serviceControlPolicies": []}],
      "resourcePolicies": [{"resource": "bucket", "document": {}}]}"#;
    let (document, shown) = errors_of(&one_user(ALLOW_S3_READ), Some(bad));
    assert_eq!(document, AccountDocument::Manifest);
    assert_eq!(
        shown,
        [
            "manifest.json:1:15: error: an account id has 12 digits, found `1111`",
            "manifest.json:1:23: error: unknown manifest field `organisation`",
            "manifest.json:2:24: error: the organization level has no SCP",
            "manifest.json:3:41: error: `bucket` is not an ARN",
        ]
    );
    let contradicting = r#"{"accountId": "999988887777"}"#;
    let (_, shown) = errors_of(&one_user(ALLOW_S3_READ), Some(contradicting));
    assert_eq!(
        shown,
        [
            "manifest.json:1:15: error: `accountId` `999988887777` contradicts the identities of the details, in account `111122223333`"
        ]
    );
}

#[test]
fn a_document_that_is_no_authorization_details_is_refused() {
    let (_, shown) = errors_of(r#"{"Version": "2012-10-17", "Statement": []}"#, None);
    assert_eq!(
        shown,
        [
            "details.json:1:1: error: this is not the output of `aws iam get-account-authorization-details`"
        ]
    );
}

#[test]
fn percent_decoding_reads_escapes_and_reports_bad_ones() {
    assert_eq!(read::percent_decode("%7B%22a%22%7D").unwrap(), b"{\"a\"}");
    assert_eq!(read::percent_decode("a+b%20c").unwrap(), b"a+b c");
    assert_eq!(read::percent_decode("ab%zz"), Err(2));
}

#[test]
fn a_bucket_policy_covers_the_bucket_and_its_objects_only() {
    let account = account_of(&one_user(ALLOW_S3_READ), Some(ORGANIZATION));
    let entry = account.resource_policies().first().unwrap();
    assert!(entry.covers("arn:aws:s3:::b"));
    assert!(entry.covers("arn:aws:s3:::b/k/l"));
    assert!(!entry.covers("arn:aws:s3:::bb/k"), "another bucket");
    assert!(!entry.covers("arn:aws:s3:::b-logs"));
    assert_eq!(
        account.owner_of("arn:aws:s3:::b/k").as_deref(),
        Some("111122223333")
    );
    assert_eq!(account.owner_of("arn:aws:s3:::other/k"), None);
    assert_eq!(
        account
            .owner_of("arn:aws:sqs:us-east-1:444455556666:q")
            .as_deref(),
        Some("444455556666")
    );
}

#[test]
fn accounts_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Account>();
    shareable::<PolicySet>();
}

#[test]
fn a_role_session_of_another_role_is_refused() {
    let text = r#"{"RoleDetailList": [
        {"RoleName": "a", "Arn": "arn:aws:iam::111122223333:role/a"},
        {"RoleName": "b", "Arn": "arn:aws:iam::111122223333:role/b"}]}"#;
    let account = account_of(text, None);
    let request = get_object("arn:aws:s3:::b/k").with_principal(RequestPrincipal::Aws(
        "arn:aws:sts::111122223333:assumed-role/b/s".to_string(),
    ));
    let error = account
        .scenario_for("arn:aws:iam::111122223333:role/a", request)
        .unwrap_err();
    assert_eq!(
        error,
        "the request's principal `arn:aws:sts::111122223333:assumed-role/b/s` is no session of the role `arn:aws:iam::111122223333:role/a`"
    );
}

#[test]
fn a_groups_policies_apply_to_the_user_the_request_names() {
    let text = format!(
        r#"{{"GroupDetailList": [{{"GroupName": "readers", "Arn": "arn:aws:iam::111122223333:group/readers",
              "GroupPolicyList": [{{"PolicyName": "g", "PolicyDocument": {ALLOW_S3_READ}}}]}}],
            "UserDetailList": [{{"UserName": "carol", "Arn": "arn:aws:iam::111122223333:user/carol"}}]}}"#
    );
    let account = account_of(&text, None);
    let group = "arn:aws:iam::111122223333:group/readers";
    let error = account
        .attributed_scenario_for_group(group, get_object("arn:aws:s3:::b/k"))
        .unwrap_err();
    assert_eq!(
        error,
        "a group makes no request: name the IAM user who calls with the policies of `readers`"
    );
    let request = get_object("arn:aws:s3:::b/k").with_principal(RequestPrincipal::Aws(
        "arn:aws:iam::111122223333:user/carol".to_string(),
    ));
    let (scenario, _) = account
        .attributed_scenario_for_group(group, request)
        .unwrap();
    assert_eq!(decision_when_owned(scenario), Decision::Allow);
}

#[test]
fn one_page_of_a_paginated_answer_is_refused() {
    let text = r#"{"UserDetailList": [{"UserName": "a", "Arn": "arn:aws:iam::111122223333:user/a"}],
        "IsTruncated": true, "Marker": "abc"}"#;
    let (_, shown) = errors_of(text, None);
    assert_eq!(
        shown,
        ["details.json:2:24: error: the document is one page of several (`IsTruncated` is true)"]
    );
}
