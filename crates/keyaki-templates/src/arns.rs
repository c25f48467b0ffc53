//! What `Ref` and `Fn::GetAtt` return for the resource types whose formats CloudFormation
//! documents (each type's page, "Return values").
//!
//! A format is a string with the placeholders `{partition}`, `{region}`, `{account}`,
//! `{url_suffix}`, `{name}` (the resource's name property, or a symbolic value when the name is
//! generated at deployment) and `{id}` (an identifier that only exists after deployment, always
//! symbolic). A type or attribute not listed here resolves to a symbolic value with a warning.

/// The return values of one resource type.
#[derive(Debug, Clone, Copy)]
pub struct Formats {
    /// The property that names the resource (`RoleName`), if it has one.
    pub name_property: Option<&'static str>,
    /// `(attribute, format)`; the attribute `Ref` is what `Ref` returns.
    attributes: &'static [(&'static str, &'static str)],
}

impl Formats {
    /// The format of `attribute` (`Ref` for `Ref`).
    pub fn attribute(&self, attribute: &str) -> Option<&'static str> {
        self.attributes
            .iter()
            .find(|(name, _)| *name == attribute)
            .map(|(_, format)| *format)
    }
}

/// The return values of `resource_type`, when known.
pub fn formats(resource_type: &str) -> Option<Formats> {
    let (name_property, attributes): (Option<&'static str>, &'static [(&str, &str)]) =
        match resource_type {
            "AWS::IAM::Role" => (
                Some("RoleName"),
                &[
                    ("Ref", "{name}"),
                    ("Arn", "arn:{partition}:iam::{account}:role/{name}"),
                    ("RoleId", "{id}"),
                ],
            ),
            "AWS::IAM::User" => (
                Some("UserName"),
                &[
                    ("Ref", "{name}"),
                    ("Arn", "arn:{partition}:iam::{account}:user/{name}"),
                ],
            ),
            "AWS::IAM::Group" => (
                Some("GroupName"),
                &[
                    ("Ref", "{name}"),
                    ("Arn", "arn:{partition}:iam::{account}:group/{name}"),
                ],
            ),
            "AWS::IAM::ManagedPolicy" => (
                Some("ManagedPolicyName"),
                &[
                    ("Ref", "arn:{partition}:iam::{account}:policy/{name}"),
                    ("PolicyArn", "arn:{partition}:iam::{account}:policy/{name}"),
                ],
            ),
            "AWS::S3::Bucket" => (
                Some("BucketName"),
                &[
                    ("Ref", "{name}"),
                    ("Arn", "arn:{partition}:s3:::{name}"),
                    ("DomainName", "{name}.s3.{url_suffix}"),
                ],
            ),
            "AWS::SQS::Queue" => (
                Some("QueueName"),
                &[
                    ("Ref", "https://sqs.{region}.{url_suffix}/{account}/{name}"),
                    (
                        "QueueUrl",
                        "https://sqs.{region}.{url_suffix}/{account}/{name}",
                    ),
                    ("Arn", "arn:{partition}:sqs:{region}:{account}:{name}"),
                    ("QueueName", "{name}"),
                ],
            ),
            "AWS::SNS::Topic" => (
                Some("TopicName"),
                &[
                    ("Ref", "arn:{partition}:sns:{region}:{account}:{name}"),
                    ("TopicArn", "arn:{partition}:sns:{region}:{account}:{name}"),
                    ("TopicName", "{name}"),
                ],
            ),
            "AWS::KMS::Key" => (
                None,
                &[
                    ("Ref", "{id}"),
                    ("KeyId", "{id}"),
                    ("Arn", "arn:{partition}:kms:{region}:{account}:key/{id}"),
                ],
            ),
            "AWS::Lambda::Function" => (
                Some("FunctionName"),
                &[
                    ("Ref", "{name}"),
                    (
                        "Arn",
                        "arn:{partition}:lambda:{region}:{account}:function:{name}",
                    ),
                ],
            ),
            "AWS::ECR::Repository" => (
                Some("RepositoryName"),
                &[
                    ("Ref", "{name}"),
                    (
                        "Arn",
                        "arn:{partition}:ecr:{region}:{account}:repository/{name}",
                    ),
                ],
            ),
            // EventBridge API Reference, `EventBus`: `Ref` is the name.
            "AWS::Events::EventBus" => (
                Some("Name"),
                &[
                    ("Ref", "{name}"),
                    ("Name", "{name}"),
                    (
                        "Arn",
                        "arn:{partition}:events:{region}:{account}:event-bus/{name}",
                    ),
                ],
            ),
            "AWS::DynamoDB::Table" => (
                Some("TableName"),
                &[
                    ("Ref", "{name}"),
                    (
                        "Arn",
                        "arn:{partition}:dynamodb:{region}:{account}:table/{name}",
                    ),
                ],
            ),
            "AWS::SecretsManager::Secret" => (
                None,
                &[
                    (
                        "Ref",
                        "arn:{partition}:secretsmanager:{region}:{account}:secret:{id}",
                    ),
                    (
                        "Id",
                        "arn:{partition}:secretsmanager:{region}:{account}:secret:{id}",
                    ),
                ],
            ),
            _ => return None,
        };
    Some(Formats {
        name_property,
        attributes,
    })
}
