//! Tests of pattern reading.

use super::*;

const FULL: PatternSyntax = PatternSyntax {
    wildcards: true,
    variables: true,
};

fn lit(s: &str) -> Segment {
    Segment::Literal(s.to_string())
}

fn var(key: &str, default: Option<&str>) -> Segment {
    Segment::Variable(PolicyVariable {
        key: key.into(),
        default: default.map(Into::into),
    })
}

#[test]
fn reads_wildcards_variables_and_escapes() {
    let p = Pattern::parse("arn:aws:s3:::b/${aws:username}/*", FULL).unwrap();
    assert_eq!(
        p.segments,
        vec![
            lit("arn:aws:s3:::b/"),
            var("aws:username", None),
            lit("/"),
            Segment::AnyRun
        ]
    );
    let p = Pattern::parse("a?b**c", FULL).unwrap();
    assert_eq!(
        p.segments,
        vec![
            lit("a"),
            Segment::AnyChar,
            lit("b"),
            Segment::AnyRun,
            lit("c")
        ]
    );
    let p = Pattern::parse("x${*}y${?}${$}z", FULL).unwrap();
    assert_eq!(p.segments, vec![lit("x*y?$z")]);
    let p = Pattern::parse("home/${aws:username, 'guest'}", FULL).unwrap();
    assert_eq!(
        p.segments,
        vec![lit("home/"), var("aws:username", Some("guest"))]
    );
    let p = Pattern::parse("${aws:PrincipalTag/team,''}", FULL).unwrap();
    assert_eq!(p.segments, vec![var("aws:PrincipalTag/team", Some(""))]);
}

#[test]
fn special_characters_are_literal_where_the_syntax_says_so() {
    let plain = PatternSyntax {
        wildcards: false,
        variables: false,
    };
    assert_eq!(
        Pattern::parse("a*${x}?", plain).unwrap().segments,
        vec![lit("a*${x}?")]
    );
    let no_wild = PatternSyntax {
        wildcards: false,
        variables: true,
    };
    assert_eq!(
        Pattern::parse("a*${x}", no_wild).unwrap().segments,
        vec![lit("a*"), var("x", None)]
    );
    assert_eq!(Pattern::parse("", FULL).unwrap().segments, vec![]);
    assert!(!Pattern::parse("a${*}", FULL).unwrap().has_wildcards());
}

#[test]
fn malformed_variables_are_errors_with_offsets() {
    let e = Pattern::parse("ab${aws:username", FULL).unwrap_err();
    assert_eq!((e.offset, e.len), (2, 2));
    assert!(e.message.contains("unterminated"));
    assert!(
        Pattern::parse("${}", FULL)
            .unwrap_err()
            .message
            .contains("empty")
    );
    assert!(
        Pattern::parse("${a b}", FULL)
            .unwrap_err()
            .message
            .contains("not a valid")
    );
    assert!(
        Pattern::parse("${a, guest}", FULL)
            .unwrap_err()
            .message
            .contains("single quotes")
    );
}
