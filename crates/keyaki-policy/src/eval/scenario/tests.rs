//! The combination rules, one test per rule of the module docs.

use super::*;
use crate::diagnostic::SourceFile;
use crate::scenario::parse_scenario;

const ALLOW_ALL: &str = r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#;
const DENY_ALL: &str = r#"{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}"#;
const ALLOW_OTHER: &str =
    r#"{"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}"#;
const OPEN: &str =
    r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}"#;
const CLOSED: &str =
    r#"{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}"#;
const USER: &str = "arn:aws:iam::111122223333:user/alice";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/Deploy/build";
const OBJECT: &str = "arn:aws:s3:::DOC-EXAMPLE-BUCKET/k";

fn grant_to(arn: &str) -> String {
    format!(
        r#"{{"Statement": {{"Effect": "Allow", "Principal": {{"AWS": "{arn}"}}, "Action": "*", "Resource": "*"}}}}"#
    )
}

/// A scenario by `caller` on `resource`, with extra fields written as JSON members.
fn decide(caller: &str, resource: &str, fields: &str) -> Result<ScenarioOutcome, OwnerNeeded> {
    let principal = if caller == "*" || caller.ends_with(".amazonaws.com") {
        if caller == "*" {
            "\"*\"".to_string()
        } else {
            format!(r#"{{"Service": "{caller}"}}"#)
        }
    } else {
        format!("\"{caller}\"")
    };
    let comma = if fields.is_empty() { "" } else { "," };
    let text = format!(
        r#"{{"request": {{"principal": {principal}, "action": "s3:GetObject", "resource": "{resource}"}}{comma}{fields}}}"#
    );
    let parsed = parse_scenario(&SourceFile::new("s.json", text.into_bytes()))
        .unwrap_or_else(|e| panic!("{:?}", e.iter().map(|d| &d.message).collect::<Vec<_>>()));
    evaluate_scenario(&parsed.scenario)
}

fn decision(caller: &str, fields: &str) -> (Decision, Vec<Layer>) {
    let owned = format!(r#""resourceOwner": "111122223333", {fields}"#);
    let outcome = decide(caller, OBJECT, &owned).unwrap();
    (outcome.decision, outcome.decided_by)
}

#[test]
fn an_explicit_deny_in_any_layer_wins() {
    let base = format!(
        r#""identityPolicies": [{ALLOW_ALL}], "resourcePolicy": {}"#,
        grant_to(USER)
    );
    for (field, deny) in [
        (
            "serviceControlPolicies",
            format!("[[{ALLOW_ALL}, {DENY_ALL}]]"),
        ),
        ("resourceControlPolicies", format!("[[{CLOSED}]]")),
        ("vpcEndpointPolicies", format!("[{CLOSED}]")),
        ("permissionsBoundaries", format!("[{DENY_ALL}]")),
    ] {
        let (decided, by) = decision(USER, &format!(r#"{base}, "{field}": {deny}"#));
        assert_eq!(decided, Decision::ExplicitDeny, "{field}");
        assert_eq!(by[0].field(), field);
    }
    let own_deny = format!(r#""identityPolicies": [{ALLOW_ALL}, {DENY_ALL}]"#);
    assert_eq!(decision(USER, &own_deny).0, Decision::ExplicitDeny);
}

#[test]
fn every_organization_level_must_allow() {
    let levels = format!(
        r#""identityPolicies": [{ALLOW_ALL}], "serviceControlPolicies": [[{ALLOW_ALL}], [{ALLOW_OTHER}], [{ALLOW_ALL}]]"#
    );
    assert_eq!(
        decision(USER, &levels),
        (Decision::ImplicitDeny, vec![Layer::ServiceControl])
    );
    let one_of_two = format!(
        r#""identityPolicies": [{ALLOW_ALL}], "serviceControlPolicies": [[{ALLOW_ALL}], [{ALLOW_OTHER}, {ALLOW_ALL}]]"#
    );
    assert_eq!(decision(USER, &one_of_two).0, Decision::Allow);
}

#[test]
fn service_linked_roles_and_the_management_account_pass_scps() {
    let slr = "arn:aws:iam::111122223333:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing";
    let fields =
        format!(r#""identityPolicies": [{ALLOW_ALL}], "serviceControlPolicies": [[{DENY_ALL}]]"#);
    assert_eq!(decision(slr, &fields).0, Decision::Allow);
    let outcome = decide(
        slr,
        OBJECT,
        &format!(r#""resourceOwner": "111122223333", {fields}"#),
    )
    .unwrap();
    assert!(
        outcome.layers[0]
            .exempt
            .as_deref()
            .is_some_and(|e| e.contains("service-linked"))
    );
    let managed = format!(r#""managementAccount": "111122223333", {fields}"#);
    assert_eq!(decision(USER, &managed).0, Decision::Allow);
    assert_eq!(decision(USER, &fields).0, Decision::ExplicitDeny);
}

#[test]
fn rcps_spare_service_principals_and_management_resources() {
    let fields = format!(r#""resourcePolicy": {OPEN}, "resourceControlPolicies": [[{CLOSED}]]"#);
    assert_eq!(
        decision("cloudtrail.amazonaws.com", &fields).0,
        Decision::Allow
    );
    assert_eq!(decision("*", &fields).0, Decision::ExplicitDeny);
    let managed = format!(r#""managementAccount": "111122223333", {fields}"#);
    assert_eq!(decision("*", &managed).0, Decision::Allow);
}

#[test]
fn within_one_account_identity_and_resource_policies_are_a_union() {
    assert_eq!(
        decision(USER, &format!(r#""identityPolicies": [{ALLOW_ALL}]"#)),
        (Decision::Allow, vec![Layer::Identity])
    );
    let role_grant = grant_to("arn:aws:iam::111122223333:role/Deploy");
    assert_eq!(
        decision(SESSION, &format!(r#""resourcePolicy": {role_grant}"#)),
        (Decision::Allow, vec![Layer::Resource])
    );
    assert_eq!(
        decision(USER, r#""identityPolicies": []"#),
        (
            Decision::ImplicitDeny,
            vec![Layer::Identity, Layer::Resource]
        )
    );
}

#[test]
fn boundaries_limit_all_but_direct_grants() {
    let boundary = format!(r#""permissionsBoundaries": [{ALLOW_OTHER}]"#);
    let identity = format!(r#""identityPolicies": [{ALLOW_ALL}], {boundary}"#);
    assert_eq!(
        decision(USER, &identity),
        (Decision::ImplicitDeny, vec![Layer::PermissionsBoundary])
    );
    let direct_user = format!(r#""resourcePolicy": {}, {boundary}"#, grant_to(USER));
    assert_eq!(
        decision(USER, &direct_user),
        (Decision::Allow, vec![Layer::Resource])
    );
    let by_role = format!(
        r#""resourcePolicy": {}, {boundary}"#,
        grant_to("arn:aws:iam::111122223333:role/Deploy")
    );
    assert_eq!(decision(SESSION, &by_role).0, Decision::ImplicitDeny);
    let by_session = format!(r#""resourcePolicy": {}, {boundary}"#, grant_to(SESSION));
    assert_eq!(decision(SESSION, &by_session).0, Decision::Allow);
    let by_account = format!(
        r#""resourcePolicy": {}, {boundary}"#,
        grant_to("111122223333")
    );
    assert_eq!(decision(USER, &by_account).0, Decision::ImplicitDeny);
}

#[test]
fn session_policies_limit_sessions_and_federated_users_need_one() {
    let limited = format!(r#""identityPolicies": [{ALLOW_ALL}], "sessionPolicy": {ALLOW_OTHER}"#);
    assert_eq!(
        decision(SESSION, &limited),
        (Decision::ImplicitDeny, vec![Layer::Session])
    );
    let federated = "arn:aws:sts::111122223333:federated-user/bob";
    let without = format!(r#""identityPolicies": [{ALLOW_ALL}]"#);
    assert_eq!(
        decision(federated, &without),
        (Decision::ImplicitDeny, vec![Layer::Session])
    );
    assert_eq!(decision(SESSION, &without).0, Decision::Allow);
    let direct = format!(r#""resourcePolicy": {}"#, grant_to(federated));
    assert_eq!(decision(federated, &direct).0, Decision::Allow);
}

#[test]
fn across_accounts_both_sides_must_allow() {
    let other = "arn:aws:iam::444455556666:user/carol";
    let grant = grant_to(other);
    assert_eq!(
        decision(other, &format!(r#""resourcePolicy": {grant}"#)),
        (Decision::ImplicitDeny, vec![Layer::Identity])
    );
    assert_eq!(
        decision(other, &format!(r#""identityPolicies": [{ALLOW_ALL}]"#)),
        (Decision::ImplicitDeny, vec![Layer::Resource])
    );
    let both = format!(r#""identityPolicies": [{ALLOW_ALL}], "resourcePolicy": {grant}"#);
    let outcome = decide(
        other,
        OBJECT,
        &format!(r#""resourceOwner": "111122223333", {both}"#),
    )
    .unwrap();
    assert_eq!(outcome.decision, Decision::Allow);
    assert_eq!(outcome.cross_account, Some(true));
}

#[test]
fn callers_without_identity_need_the_resource_policy_and_root_has_full_access() {
    assert_eq!(
        decision("*", &format!(r#""resourcePolicy": {OPEN}"#)).0,
        Decision::Allow
    );
    assert_eq!(
        decision("*", r#""vpcEndpointPolicies": []"#).0,
        Decision::ImplicitDeny
    );
    assert_eq!(
        decision(
            "arn:aws:iam::111122223333:root",
            r#""vpcEndpointPolicies": []"#
        )
        .0,
        Decision::Allow
    );
}

#[test]
fn an_unknown_owner_decides_only_when_every_owner_agrees() {
    let same = decide(
        USER,
        "arn:aws:s3:::b/k",
        &format!(r#""identityPolicies": [{ALLOW_ALL}], "resourcePolicy": {OPEN}"#),
    )
    .unwrap();
    assert_eq!(same.decision, Decision::Allow);
    assert_eq!(same.resource_owner, None);
    let needed = decide(
        USER,
        "arn:aws:s3:::b/k",
        &format!(r#""identityPolicies": [{ALLOW_ALL}]"#),
    )
    .unwrap_err();
    assert_eq!(
        needed.decisions,
        vec![
            (None, Decision::ImplicitDeny),
            (Some("111122223333".to_string()), Decision::Allow)
        ]
    );
    let in_arn = decide(
        USER,
        "arn:aws:sqs:us-east-1:111122223333:q",
        &format!(r#""identityPolicies": [{ALLOW_ALL}]"#),
    )
    .unwrap();
    assert_eq!(
        (in_arn.decision, in_arn.cross_account),
        (Decision::Allow, Some(false))
    );
}
