import type { HttpRoute } from '@shop/platform/service';
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountRecovery, Mfa, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.ts';
import type { StageConfig } from '../stage.config.ts';

/** The same CORS policy the local gateway applies. */
export const CORS = {
  allowOrigins: ['*'],
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-cart-token', 'x-correlation-id'],
  exposeHeaders: ['location', 'retry-after', 'x-request-id', 'x-correlation-id'],
  maxAgeSeconds: 600,
} as const;

export const USER_GROUPS = ['customer', 'admin'] as const;

/** One JSON object per request; `$context` variables of HTTP APIs. */
const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sub: '$context.authorizer.claims.sub',
};

export interface AuthBindings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
}

export interface ShopApiProps {
  readonly stage: StageConfig;
}

/**
 * The public HTTP API and its identity provider: a Cognito user pool (groups `customer`, `admin`) whose
 * tokens the API's JWT authorizer checks on routes that need a signed-in user, CORS and throttling as in
 * the local gateway, and JSON access logs.
 */
export class ShopApi extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly api: HttpApi;
  readonly auth: AuthBindings;
  private readonly authorizer: HttpJwtAuthorizer;
  private readonly integrations = new Map<IFunction, HttpLambdaIntegration>();
  private readonly routeOwners = new Map<string, string>();

  constructor(scope: Construct, id: string, props: ShopApiProps) {
    super(scope, id);
    const { stage } = props;
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `${stage.name}-shop`,
      // Accounts are created by an administrator (see the README); a public sign-up would also need
      // a trigger that puts new users in the `customer` group.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.removalPolicy,
    });
    acknowledgeNag(
      this.userPool,
      'COG2',
      'MFA is optional (TOTP) rather than required: shoppers are not forced to enroll a second factor to buy; accounts that can do more (admins) should enroll, which the README asks for.',
    );
    acknowledgeNag(
      this.userPool,
      'COG8',
      'The Plus feature plan is billed per monthly active user; the reference deployment stays on Essentials so nothing is billed at rest. Switch featurePlan to PLUS for threat protection.',
    );
    for (const group of USER_GROUPS) {
      this.userPool.addGroup(`${group}Group`, { groupName: group, description: `Shop role "${group}"` });
    }
    this.client = this.userPool.addClient('Client', {
      userPoolClientName: `${stage.name}-shop-client`,
      generateSecret: false,
      // Tokens come from the Cognito API (SRP or password); no hosted UI, so no OAuth flows or callbacks.
      disableOAuth: true,
      // SRP for apps; USER_PASSWORD_AUTH so the README can get a token with the AWS CLI.
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    const region = Stack.of(this).region;
    const issuer = `https://cognito-idp.${region}.${Stack.of(this).urlSuffix}/${this.userPool.userPoolId}`;
    this.auth = {
      issuer,
      audience: this.client.userPoolClientId,
      jwksUrl: `${issuer}/.well-known/jwks.json`,
    };
    this.authorizer = new HttpJwtAuthorizer('CognitoAuthorizer', issuer, {
      authorizerName: 'cognito',
      jwtAudience: [this.client.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${stage.name}-shop`,
      description: 'Shop public REST API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...CORS.allowOrigins],
        allowMethods: CORS.allowMethods.map((method) => CorsHttpMethod[method]),
        allowHeaders: [...CORS.allowHeaders],
        exposeHeaders: [...CORS.exposeHeaders],
        maxAge: Duration.seconds(CORS.maxAgeSeconds),
        allowCredentials: false,
      },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: stage.throttle.rateLimit, burstLimit: stage.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
      },
    });

    new CfnOutput(Stack.of(this), 'ApiUrl', {
      value: this.api.apiEndpoint,
      description: 'Base URL of the API',
    });
    new CfnOutput(Stack.of(this), 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(Stack.of(this), 'UserPoolClientId', { value: this.client.userPoolClientId });
    new CfnOutput(Stack.of(this), 'Issuer', { value: issuer, description: 'JWT issuer (iss) of the tokens' });
  }

  /**
   * Routes requests to `target` (a function's `live` alias), with the JWT authorizer on routes whose
   * auth is `jwt`; the others are public at the gateway, the function deciding for itself.
   */
  addRoutes(owner: string, target: IFunction, routes: readonly HttpRoute[]): void {
    let integration = this.integrations.get(target);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${owner}-integration`, target, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      });
      this.integrations.set(target, integration);
    }
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const previous = this.routeOwners.get(key);
      if (previous) throw new Error(`route ${key} is defined by both ${previous} and ${owner}`);
      this.routeOwners.set(key, owner);
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.auth === 'jwt' ? { authorizer: this.authorizer } : {}),
      });
      if (created && route.auth === 'none') {
        acknowledgeNag(
          created,
          'APIG4',
          `${key} is public at the gateway by definition (anyone, or a guest with a cart token): the function authenticates what it needs itself.`,
        );
      }
    }
  }
}
