/**
 * Lab 06 talks to EC2, Lambda, ECR and CloudTrail besides IAM, STS and S3. Their SDK packages load
 * only when a lab 06 grader runs (client-ec2 alone takes half a second), through the context's
 * serviceClient, and these helpers read what the steps share: the lab's instances with their
 * instance profiles, and CloudTrail events.
 */
import type { Credentials, LabContext } from '../types.js';

export const ec2Sdk = () => import('@aws-sdk/client-ec2');
export const lambdaSdk = () => import('@aws-sdk/client-lambda');
export const ecrSdk = () => import('@aws-sdk/client-ecr');
export const cloudTrailSdk = () => import('@aws-sdk/client-cloudtrail');

export async function ec2Client(ctx: LabContext) {
  return ctx.serviceClient((await ec2Sdk()).EC2Client);
}
export async function lambdaClient(ctx: LabContext) {
  return ctx.serviceClient((await lambdaSdk()).LambdaClient);
}
export async function ecrClient(ctx: LabContext, creds?: Credentials) {
  return ctx.serviceClient((await ecrSdk()).ECRClient, creds);
}

export interface LabInstance {
  id: string;
  /** the Name tag */
  name?: string;
  state: string;
  launchTime?: Date;
  /** the instance profile associated now (associating or associated), by ARN */
  profileArn?: string;
  associationId?: string;
  associatedAt?: Date;
}

/** "AppServerProfile" from arn:aws:iam::…:instance-profile/path/AppServerProfile */
export const profileName = (arn: string | undefined): string | undefined => arn?.split('/').pop();

export const isRunning = (i: LabInstance): boolean => i.state === 'running' || i.state === 'pending';

export const describeInstance = (i: LabInstance): string => `${i.id}${i.name ? ` (${i.name})` : ''}`;

/** Every instance of the region (terminated ones while EC2 still lists them), oldest first, with its current profile. */
export async function labInstances(ctx: LabContext): Promise<LabInstance[]> {
  const { paginateDescribeInstances, paginateDescribeIamInstanceProfileAssociations } = await ec2Sdk();
  const client = await ec2Client(ctx);
  const out: LabInstance[] = [];
  for await (const page of paginateDescribeInstances({ client }, {})) {
    for (const i of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      out.push({
        id: i.InstanceId ?? '',
        name: i.Tags?.find((t) => t.Key === 'Name')?.Value,
        state: i.State?.Name ?? 'unknown',
        launchTime: i.LaunchTime,
        profileArn: i.IamInstanceProfile?.Arn,
      });
    }
  }
  // the association (its id and time) says when the profile came; DescribeInstances only that it is there
  for await (const page of paginateDescribeIamInstanceProfileAssociations({ client }, {})) {
    for (const a of page.IamInstanceProfileAssociations ?? []) {
      if (a.State !== 'associated' && a.State !== 'associating') continue;
      const i = out.find((x) => x.id === a.InstanceId);
      if (!i) continue;
      i.profileArn = a.IamInstanceProfile?.Arn ?? i.profileArn;
      i.associationId = a.AssociationId;
      i.associatedAt = a.Timestamp;
    }
  }
  return out.sort((a, b) => (a.launchTime?.getTime() ?? 0) - (b.launchTime?.getTime() ?? 0));
}

/** The seeded instance: the first one launched with the Name tag i-legacy (whatever its state now). */
export function legacyInstance(list: LabInstance[], name: string): LabInstance | undefined {
  return list.find((i) => i.name === name);
}

/** A CloudTrail event as recorded (the CloudTrailEvent JSON), with the fields the graders read. */
export interface TrailEvent {
  eventName: string;
  eventTime: string;
  userAgent?: string;
  errorCode?: string;
  userIdentity?: {
    type?: string;
    arn?: string;
    userName?: string;
    accessKeyId?: string;
    sessionContext?: { sessionIssuer?: { userName?: string }; ec2RoleDelivery?: string };
  };
  requestParameters?: Record<string, unknown> | null;
}

/**
 * The account's CloudTrail events, newest first (at most `max`), optionally with one lookup
 * attribute (Username, EventName, AccessKeyId…), as `aws cloudtrail lookup-events` reads them.
 */
export async function trailEvents(ctx: LabContext, attribute?: { key: 'Username' | 'EventName' | 'AccessKeyId'; value: string }, max = 500): Promise<TrailEvent[]> {
  const { CloudTrailClient, paginateLookupEvents } = await cloudTrailSdk();
  const client = ctx.serviceClient(CloudTrailClient);
  const out: TrailEvent[] = [];
  const input = attribute ? { LookupAttributes: [{ AttributeKey: attribute.key, AttributeValue: attribute.value }], MaxResults: 50 } : { MaxResults: 50 };
  for await (const page of paginateLookupEvents({ client, pageSize: 50 }, input)) {
    for (const e of page.Events ?? []) {
      try {
        out.push(JSON.parse(e.CloudTrailEvent ?? '{}') as TrailEvent);
      } catch {
        /* an event that is not JSON cannot be read: skip it */
      }
    }
    if (out.length >= max) break;
  }
  return out.slice(0, max);
}
