//! The resource types `check-no-public-access` accepts, as Access Analyzer names them, and the
//! service whose actions are access to each.
//!
//! A bucket policy that grants `sqs:SendMessage` to everyone grants nothing on the bucket: only
//! actions of the resource's own service reach it. So the public-access question is asked for
//! the actions of the type's service prefix (`s3:*` for a bucket, `sts:*` for a role's trust
//! policy).

/// Every type Access Analyzer's `CheckNoPublicAccess` accepts, with its service prefix.
pub const RESOURCE_TYPES: [(&str, &str); 26] = [
    ("AWS::DynamoDB::Table", "dynamodb"),
    ("AWS::DynamoDB::Stream", "dynamodb"),
    ("AWS::EFS::FileSystem", "elasticfilesystem"),
    ("AWS::OpenSearchService::Domain", "es"),
    ("AWS::Kinesis::Stream", "kinesis"),
    ("AWS::Kinesis::StreamConsumer", "kinesis"),
    ("AWS::KMS::Key", "kms"),
    ("AWS::Lambda::Function", "lambda"),
    ("AWS::S3::Bucket", "s3"),
    ("AWS::S3::AccessPoint", "s3"),
    ("AWS::S3Express::DirectoryBucket", "s3express"),
    ("AWS::S3::Glacier", "glacier"),
    ("AWS::S3Outposts::Bucket", "s3-outposts"),
    ("AWS::S3Outposts::AccessPoint", "s3-outposts"),
    ("AWS::SecretsManager::Secret", "secretsmanager"),
    ("AWS::SNS::Topic", "sns"),
    ("AWS::SQS::Queue", "sqs"),
    ("AWS::IAM::AssumeRolePolicyDocument", "sts"),
    ("AWS::S3Tables::TableBucket", "s3tables"),
    ("AWS::ApiGateway::RestApi", "execute-api"),
    ("AWS::CodeArtifact::Domain", "codeartifact"),
    ("AWS::Backup::BackupVault", "backup"),
    ("AWS::CloudTrail::Dashboard", "cloudtrail"),
    ("AWS::CloudTrail::EventDataStore", "cloudtrail"),
    ("AWS::S3Tables::Table", "s3tables"),
    ("AWS::S3Express::AccessPoint", "s3express"),
];

/// A resource type Access Analyzer supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    /// Its name, `AWS::S3::Bucket`.
    pub name: &'static str,
    /// The prefix of the actions that reach it, `s3`.
    pub service: &'static str,
}

impl ResourceType {
    /// The type of this name (exact, as Access Analyzer spells it).
    pub fn named(name: &str) -> Option<ResourceType> {
        RESOURCE_TYPES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(name, service)| ResourceType { name, service })
    }

    /// Every supported name, for error messages.
    pub fn names() -> impl Iterator<Item = &'static str> {
        RESOURCE_TYPES.iter().map(|(name, _)| *name)
    }
}
