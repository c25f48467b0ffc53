//! Tests of the resolver: each intrinsic function against a small template, with the
//! documented default deployment (account 123456789012, region us-east-1).

use super::*;
use crate::yaml::read_yaml;
use keyaki_policy::SourceFile;

const TEMPLATE: &str = r#"
Parameters:
  Env:
    Type: String
    Default: prod
  Buckets:
    Type: CommaDelimitedList
    Default: "a,b"
  NoDefault:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Unknown: !Equals [!Ref NoDefault, x]
Mappings:
  Tiers:
    prod: {Size: large}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: {RoleName: !Sub "app-${Env}"}
  Generated:
    Type: AWS::IAM::Role
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: jobs}
"#;

/// Resolves `expression` (YAML) against [`TEMPLATE`] with the default deployment.
fn resolve(expression: &str) -> (Resolved, Vec<String>) {
    let template = read_yaml(&SourceFile::new("t.yaml", TEMPLATE.into())).unwrap();
    let deployment = Deployment::default();
    let mut resolver = Resolver::new(&template, &deployment);
    let source = SourceFile::new("e.yaml", format!("X: {expression}\n").into_bytes());
    let node = read_yaml(&source).unwrap();
    let resolved = resolver.resolve(node.get("X").unwrap());
    let warnings = resolver
        .warnings
        .iter()
        .map(|w| w.message.clone())
        .collect();
    (resolved, warnings)
}

fn text(expression: &str) -> String {
    match resolve(expression).0 {
        Resolved::One(node) => node.scalar_text().unwrap(),
        other => panic!("{other:?}"),
    }
}

fn texts(expression: &str) -> Vec<String> {
    match resolve(expression).0 {
        Resolved::One(Node {
            value: Value::List(items),
            ..
        })
        | Resolved::Spliced(items) => items.iter().map(|i| i.scalar_text().unwrap()).collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn pseudo_parameters_and_parameters() {
    // Documented defaults: the example account 123456789012 in us-east-1.
    assert_eq!(
        text("!Sub 'arn:${AWS::Partition}:s3:::${Env}-${AWS::AccountId}-${AWS::Region}'"),
        "arn:aws:s3:::prod-123456789012-us-east-1"
    );
    assert_eq!(texts("!Ref Buckets"), ["a", "b"]);
}

#[test]
fn sub_forms_and_literals() {
    assert_eq!(
        text("!Sub ['${A}/${!aws:username}', {A: x}]"),
        "x/${aws:username}"
    );
    assert_eq!(text("{'Fn::Sub': 'q-${Env}'}"), "q-prod");
}

#[test]
fn a_sub_of_a_list_is_symbolic_with_a_warning() {
    let (resolved, warnings) = resolve("!Sub 'x-${Buckets}'");
    let Resolved::One(node) = resolved else {
        panic!()
    };
    assert_eq!(node.as_str(), Some("x-${Unresolved:Buckets}"));
    assert_eq!(
        warnings,
        ["`Buckets` is not a string, in `Fn::Sub`; it is left symbolic"]
    );
}

#[test]
fn join_select_split_and_maps() {
    assert_eq!(text("!Join [':', [a, !Ref Env]]"), "a:prod");
    assert_eq!(text("!Select [1, !Split ['/', 'x/y/z']]"), "y");
    assert_eq!(text("!FindInMap [Tiers, !Ref Env, Size]"), "large");
}

#[test]
fn resources_resolve_to_documented_names_and_arns() {
    assert_eq!(
        text("!GetAtt Role.Arn"),
        "arn:aws:iam::123456789012:role/app-prod"
    );
    assert_eq!(text("!Ref Role"), "app-prod");
    assert_eq!(
        text("!GetAtt Queue.Arn"),
        "arn:aws:sqs:us-east-1:123456789012:jobs"
    );
    assert_eq!(
        text("!Ref Queue"),
        "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    );
    assert_eq!(
        text("!Sub '${Queue.Arn}'"),
        "arn:aws:sqs:us-east-1:123456789012:jobs"
    );
}

#[test]
fn generated_names_are_symbolic_with_a_warning() {
    let (resolved, warnings) = resolve("!GetAtt Generated.Arn");
    let Resolved::One(node) = resolved else {
        panic!()
    };
    assert_eq!(
        node.as_str(),
        Some("arn:aws:iam::123456789012:role/${Unresolved:Generated.Name}")
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}

#[test]
fn conditions_decide_if_or_keep_both_branches() {
    assert_eq!(text("!If [IsProd, p, d]"), "p");
    let (resolved, warnings) = resolve("!If [Unknown, p, d]");
    assert!(matches!(resolved, Resolved::Spliced(ref items) if items.len() == 2));
    assert!(
        warnings.iter().any(|w| w.contains("both branches")),
        "{warnings:?}"
    );
    assert_eq!(resolve("!Ref AWS::NoValue").0, Resolved::Removed);
}

#[test]
fn unknown_intrinsics_and_references_are_symbolic_with_a_warning() {
    let (resolved, warnings) = resolve("!Frobnicate x");
    let Resolved::One(node) = resolved else {
        panic!()
    };
    assert_eq!(node.as_str(), Some("${Unresolved:Fn::Frobnicate}"));
    assert!(warnings[0].contains("`Fn::Frobnicate` is not resolved"));
    let (_, warnings) = resolve("!GetAtt Missing.Arn");
    assert!(warnings[0].contains("`Missing.Arn` cannot be resolved"));
    let (_, warnings) = resolve("!Ref NoDefault");
    assert!(warnings[0].contains("`NoDefault`"));
}
