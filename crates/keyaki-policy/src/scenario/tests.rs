//! Reading scenario documents: the fields, their shapes, and located errors.

use super::*;

fn read(text: &str) -> Result<ParsedScenario, Vec<Diagnostic>> {
    parse_scenario(&SourceFile::new("s.json", text.as_bytes().to_vec()))
}

fn messages(text: &str) -> Vec<String> {
    match read(text) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.into_iter().map(|d| d.message).collect(),
    }
}

const REQUEST: &str = r#""request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}"#;

#[test]
fn every_field_is_read_with_its_policy_type() {
    let allow = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#;
    let open =
        r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}"#;
    let text = format!(
        r#"{{{REQUEST}, "resourceOwner": "111122223333", "managementAccount": "999999999999",
            "identityPolicies": [{allow}], "permissionsBoundaries": [{allow}, {allow}],
            "resourcePolicy": {open}, "sessionPolicy": null,
            "serviceControlPolicies": [[{allow}], [{allow}, {allow}]],
            "resourceControlPolicies": [[{open}]], "vpcEndpointPolicies": [{open}]}}"#
    );
    let scenario = read(&text).unwrap().scenario;
    assert_eq!(scenario.resource_owner.as_deref(), Some("111122223333"));
    assert_eq!(scenario.management_account.as_deref(), Some("999999999999"));
    assert_eq!(scenario.identity_policies.len(), 1);
    assert_eq!(scenario.permissions_boundaries.len(), 2);
    assert!(scenario.session_policy.is_none());
    assert!(scenario.resource_policy.is_some());
    assert_eq!(scenario.service_control_policies.len(), 2);
    assert_eq!(scenario.service_control_policies[1].len(), 2);
    assert_eq!(scenario.resource_control_policies.len(), 1);
    assert_eq!(scenario.vpc_endpoint_policies.len(), 1);
}

#[test]
fn unknown_fields_and_wrong_shapes_are_located_errors() {
    let text = format!(
        "{{{REQUEST},\n \"identityPolicy\": [],\n \"serviceControlPolicies\": [{{}}],\n \"resourceOwner\": \"12\"}}"
    );
    let errors = read(&text).unwrap_err();
    let source = SourceFile::new("s.json", text.as_bytes().to_vec());
    let shown: Vec<String> = errors.iter().map(|d| source.one_line(d)).collect();
    assert!(
        shown[0].contains("s.json:2:2")
            && shown[0].contains("unknown scenario field `identityPolicy`"),
        "{shown:?}"
    );
    assert_eq!(
        errors[0].help.as_deref(),
        Some("did you mean `identityPolicies`?")
    );
    assert!(
        shown[1].contains("s.json:3:29") && shown[1].contains("must be an array of policies"),
        "{shown:?}"
    );
    assert!(
        shown[2].contains("s.json:4:19") && shown[2].contains("12-digit account id"),
        "{shown:?}"
    );
}

#[test]
fn policy_errors_point_into_the_scenario() {
    let text = format!(
        "{{{REQUEST},\n \"resourcePolicy\": {{\"Statement\": {{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}}}}}}"
    );
    let errors = read(&text).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].message,
        "a resource policy statement needs `Principal` or `NotPrincipal`"
    );
    let source = SourceFile::new("s.json", text.as_bytes().to_vec());
    assert!(source.one_line(&errors[0]).contains("s.json:2:34"));
}

#[test]
fn the_request_must_name_its_caller_and_exist() {
    assert_eq!(messages("{}"), vec!["the scenario has no `request`"]);
    assert_eq!(
        messages(r#"{"request": {"action": "s3:GetObject", "resource": "*"}}"#),
        vec!["the scenario's request has no `principal`"]
    );
    assert_eq!(
        messages("[]"),
        vec!["a scenario must be an object, found an array"]
    );
}

#[test]
fn empty_organization_levels_are_errors_but_no_organization_is_not() {
    let allow = r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#;
    assert_eq!(
        messages(&format!(
            r#"{{{REQUEST}, "serviceControlPolicies": [[{allow}], []]}}"#
        )),
        vec!["a level of `serviceControlPolicies` has no policy"]
    );
    assert!(read(&format!(r#"{{{REQUEST}, "serviceControlPolicies": []}}"#)).is_ok());
}

#[test]
fn identity_side_policies_need_a_caller_that_has_them() {
    let allow = r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#;
    let anonymous = format!(
        r#"{{"request": {{"principal": "*", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}}, "identityPolicies": [{allow}]}}"#
    );
    assert_eq!(
        messages(&anonymous),
        vec!["the caller `* (anonymous)` is no IAM identity, so it has no `identityPolicies`"]
    );
    let user_with_session = format!(r#"{{{REQUEST}, "sessionPolicy": {allow}}}"#);
    assert_eq!(
        messages(&user_with_session),
        vec!["only a role session or a federated user session has a session policy"]
    );
    let session = format!(
        r#"{{"request": {{"principal": "arn:aws:sts::111122223333:assumed-role/R/s", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}}, "sessionPolicy": {allow}}}"#
    );
    assert!(read(&session).is_ok());
}

#[test]
fn the_owner_given_must_agree_with_the_arn() {
    let text = r#"{"request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "sqs:SendMessage", "resource": "arn:aws:sqs:us-east-1:444455556666:q"}, "resourceOwner": "111122223333"}"#;
    assert_eq!(
        messages(text),
        vec!["`resourceOwner` `111122223333` contradicts the resource's account `444455556666`"]
    );
}
