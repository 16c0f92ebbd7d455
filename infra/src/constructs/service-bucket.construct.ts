import type { BucketDefinition } from '@shop/platform/service';
import { Duration, Stack } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  EventType,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.ts';
import type { StageConfig } from '../stage.config.ts';

export interface ServiceBucketProps {
  readonly stage: StageConfig;
  readonly definition: BucketDefinition;
}

/**
 * A service's bucket: private (every public access blocked, TLS only, SSE-S3 encryption, server
 * access logs), written through presigned URLs (CORS for browser PUTs), and read by the public only
 * through a CloudFront distribution whose origin access control is the one principal the bucket
 * policy lets read. CloudFormation names the buckets, so a retained prod bucket never blocks a new stack.
 */
export class ServiceBucket extends Construct {
  readonly bucket: Bucket;
  readonly logs: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: ServiceBucketProps) {
    super(scope, id);
    const { stage } = props;
    this.logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are delivered with an ACL; S3 server access logs need none.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: stage.removalPolicy,
    });
    acknowledgeNag(
      this.logs,
      'S1',
      'This is the access-log bucket of the service bucket and its distribution; logging it into itself would loop.',
    );

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'bucket/',
      cors: [
        {
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: [...(props.definition.uploadOrigins ?? ['*'])],
          allowedHeaders: ['content-type', 'content-length'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: stage.removalPolicy,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${stage.name}: ${Stack.of(this).stackName} objects`,
      defaultBehavior: {
        // Origin access control: CloudFront signs its reads; the bucket policy allows only this distribution.
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: false,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cdn/',
    });
    acknowledgeNag(
      this.distribution,
      'CFR1',
      'Product images are public catalog content; where the shop sells is decided at checkout, not by hiding its pictures.',
    );
    acknowledgeNag(
      this.distribution,
      'CFR2',
      'The distribution serves only GET/HEAD of immutable images from a private bucket (no origin logic to protect); a web ACL can be attached per deployment.',
    );
    acknowledgeNag(
      this.distribution,
      'CFR4',
      'The distribution uses the default *.cloudfront.net certificate, whose TLS policy CloudFront fixes; a custom domain with its own certificate sets TLSv1.2_2021.',
    );
  }

  /** Notifies `target` of every object created under `prefix` (S3 invokes it asynchronously). */
  notifyOnObjectCreated(target: IFunction, filter: { prefix?: string; suffix?: string }): void {
    this.bucket.addEventNotification(
      EventType.OBJECT_CREATED,
      new LambdaDestination(target),
      ...(filter.prefix || filter.suffix
        ? [
            {
              ...(filter.prefix ? { prefix: filter.prefix } : {}),
              ...(filter.suffix ? { suffix: filter.suffix } : {}),
            },
          ]
        : []),
    );
    // CDK's singleton that writes the bucket's notification configuration (a custom resource).
    const handler = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (handler) {
      acknowledgeNag(
        handler,
        'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's bucket-notifications custom resource (runs at deploy time only) comes with the AWS-managed basic execution policy.",
      );
      acknowledgeNag(
        handler,
        'IAM5[Resource::*]',
        "CDK's bucket-notifications custom resource needs s3:PutBucketNotification, which it grants on every bucket; it runs at deploy time only.",
      );
    }
  }
}
