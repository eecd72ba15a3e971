/**
 * ECR through the SDK and both AWS CLIs: repositories, login tokens (`aws ecr get-login-password`),
 * image manifests, repository policies enforced with identity policies (same and cross account),
 * and the difference the managed policies make (ReadOnly, PowerUser, FullAccess).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  GetRepositoryPolicyCommand,
  ListImagesCommand,
  PutImageCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { availableClis, awsCli, clients, startTestEmulator, type Creds } from '../helpers/emulator.js';
import { serviceClients } from '../helpers/services.js';
import { ACCOUNT, OTHER_ACCOUNT, OTHER_ROOT, createUserWithKey, policy } from './sts-helpers.js';

let em: StartedEmulator;
let ecr: ReturnType<typeof serviceClients>['ecr'];
let powerUser: Creds;
let readOnly: Creds;
let fullAccess: Creds;
const MANAGED = 'arn:aws:iam::aws:policy/';
const manifest = (n: number) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 100 + n, digest: `sha256:${'c'.repeat(63)}${n}` },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 1000, digest: `sha256:${'a'.repeat(63)}${n}` }],
  });

beforeAll(async () => {
  em = await startTestEmulator();
  const root = clients(em.endpoint);
  ecr = serviceClients(em.endpoint).ecr;
  powerUser = await createUserWithKey(root.iam, 'ci-builder', { attach: [`${MANAGED}AmazonEC2ContainerRegistryPowerUser`] });
  readOnly = await createUserWithKey(root.iam, 'viewer', { attach: [`${MANAGED}AmazonEC2ContainerRegistryReadOnly`] });
  fullAccess = await createUserWithKey(root.iam, 'registry-admin', { attach: [`${MANAGED}AmazonEC2ContainerRegistryFullAccess`] });
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'acme-api' }));
});
afterAll(async () => {
  await em?.close();
});

describe('repositories', () => {
  it('creates a repository with ECR fields and refuses a duplicate or a bad name', async () => {
    const r = await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/web-app' }));
    expect(r.repository).toMatchObject({
      repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team/web-app`,
      registryId: ACCOUNT,
      repositoryName: 'team/web-app',
      repositoryUri: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/team/web-app`,
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: false },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    expect(r.repository!.createdAt).toBeInstanceOf(Date);
    await expectAwsError(ecr.send(new CreateRepositoryCommand({ repositoryName: 'acme-api' })), {
      code: 'RepositoryAlreadyExistsException',
      message: `The repository with name 'acme-api' already exists in the registry with id '${ACCOUNT}'`,
      status: 400,
    });
    await expectAwsError(ecr.send(new CreateRepositoryCommand({ repositoryName: 'Upper' })), { code: 'InvalidParameterException', message: /repositoryName/ });
  });

  it('describes all or named repositories; an unknown name is RepositoryNotFoundException', async () => {
    const all = await ecr.send(new DescribeRepositoriesCommand({}));
    expect(all.repositories!.map((r) => r.repositoryName)).toEqual(['acme-api', 'team/web-app']);
    await expectAwsError(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })), {
      code: 'RepositoryNotFoundException',
      message: `The repository with name 'nope' does not exist in the registry with id '${ACCOUNT}'`,
    });
  });

  it('keeps images as manifests: put, list, describe, batch-get, delete', async () => {
    const put = await ecr.send(new PutImageCommand({ repositoryName: 'team/web-app', imageManifest: manifest(1), imageTag: 'v1' }));
    const digest = put.image!.imageId!.imageDigest!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(put.image).toMatchObject({ imageId: { imageTag: 'v1' }, imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json' });
    await expectAwsError(ecr.send(new PutImageCommand({ repositoryName: 'team/web-app', imageManifest: manifest(1), imageTag: 'v1' })), {
      code: 'ImageAlreadyExistsException',
      message: `Image with digest '${digest}' and tag 'v1' already exists in the repository with name 'team/web-app' in registry with id '${ACCOUNT}'`,
    });
    expect((await ecr.send(new ListImagesCommand({ repositoryName: 'team/web-app' }))).imageIds).toEqual([{ imageDigest: digest, imageTag: 'v1' }]);
    const d = await ecr.send(new DescribeImagesCommand({ repositoryName: 'team/web-app' }));
    expect(d.imageDetails![0]).toMatchObject({ imageDigest: digest, imageTags: ['v1'], imageSizeInBytes: 1101 });
    const got = await ecr.send(new BatchGetImageCommand({ repositoryName: 'team/web-app', imageIds: [{ imageTag: 'v1' }, { imageTag: 'v9' }] }));
    expect(got.images![0].imageManifest).toBe(manifest(1));
    expect(got.failures).toEqual([{ imageId: { imageTag: 'v9' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }]);
    await expectAwsError(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'team/web-app' })), {
      code: 'RepositoryNotEmptyException',
      message: `The repository with name 'team/web-app' in registry with id '${ACCOUNT}' cannot be deleted because it still contains images`,
    });
    const del = await ecr.send(new BatchDeleteImageCommand({ repositoryName: 'team/web-app', imageIds: [{ imageTag: 'v1' }] }));
    expect(del.imageIds).toEqual([{ imageDigest: digest, imageTag: 'v1' }]);
    await ecr.send(new PutImageCommand({ repositoryName: 'team/web-app', imageManifest: manifest(2), imageTag: 'v2' }));
    const forced = await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'team/web-app', force: true }));
    expect(forced.repository!.repositoryName).toBe('team/web-app');
  });

  it('stores, returns and deletes a repository policy; a malformed one is refused', async () => {
    await expectAwsError(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'acme-api' })), {
      code: 'RepositoryPolicyNotFoundException',
      message: `Repository policy does not exist for the repository with name 'acme-api' in the registry with id '${ACCOUNT}'`,
    });
    await expectAwsError(ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'acme-api', policyText: '{"Statement":[]}' })), { code: 'InvalidParameterException' });
  });
});

describe('enforcement', () => {
  it('ReadOnly can pull but not push; PowerUser can push but not delete the repository; FullAccess can delete', async () => {
    const ro = serviceClients(em.endpoint, readOnly).ecr;
    await ro.send(new GetAuthorizationTokenCommand({}));
    await ro.send(new ListImagesCommand({ repositoryName: 'acme-api' }));
    await expectAwsError(ro.send(new PutImageCommand({ repositoryName: 'acme-api', imageManifest: manifest(3), imageTag: 'ro' })), {
      code: 'AccessDeniedException',
      message: `User: arn:aws:iam::${ACCOUNT}:user/viewer is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:us-east-1:${ACCOUNT}:repository/acme-api because no identity-based policy allows the ecr:PutImage action`,
      status: 400,
    });
    const pu = serviceClients(em.endpoint, powerUser).ecr;
    await pu.send(new PutImageCommand({ repositoryName: 'acme-api', imageManifest: manifest(4), imageTag: 'latest' }));
    await expectAwsError(pu.send(new DeleteRepositoryCommand({ repositoryName: 'acme-api', force: true })), { code: 'AccessDeniedException', message: /ecr:DeleteRepository/ });
    await expectAwsError(pu.send(new CreateRepositoryCommand({ repositoryName: 'ci-made' })), { code: 'AccessDeniedException', message: /ecr:CreateRepository/ });
    const fa = serviceClients(em.endpoint, fullAccess).ecr;
    await fa.send(new CreateRepositoryCommand({ repositoryName: 'scratch' }));
    await fa.send(new DeleteRepositoryCommand({ repositoryName: 'scratch' }));
  });

  it('a repository policy grants another account pull access; without it the other account is denied', async () => {
    const other = serviceClients(em.endpoint, OTHER_ROOT).ecr;
    await expectAwsError(other.send(new ListImagesCommand({ registryId: ACCOUNT, repositoryName: 'acme-api' })), { code: 'AccessDeniedException', message: /ecr:ListImages/ });
    await ecr.send(
      new SetRepositoryPolicyCommand({
        repositoryName: 'acme-api',
        policyText: JSON.stringify(policy({ Sid: 'Pull', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: ['ecr:ListImages', 'ecr:BatchGetImage'] })),
      }),
    );
    const listed = await other.send(new ListImagesCommand({ registryId: ACCOUNT, repositoryName: 'acme-api' }));
    expect(listed.imageIds!.length).toBeGreaterThan(0);
    await expectAwsError(other.send(new PutImageCommand({ registryId: ACCOUNT, repositoryName: 'acme-api', imageManifest: manifest(5) })), { code: 'AccessDeniedException' });
    // a same-account user with no identity policy is allowed by a policy naming it
    const nobody = await createUserWithKey(clients(em.endpoint).iam, 'nobody');
    await expectAwsError(serviceClients(em.endpoint, nobody).ecr.send(new DescribeImagesCommand({ repositoryName: 'acme-api' })), { code: 'AccessDeniedException' });
    await ecr.send(
      new SetRepositoryPolicyCommand({
        repositoryName: 'acme-api',
        policyText: JSON.stringify(policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/nobody` }, Action: 'ecr:DescribeImages' })),
      }),
    );
    await serviceClients(em.endpoint, nobody).ecr.send(new DescribeImagesCommand({ repositoryName: 'acme-api' }));
    await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'acme-api' }));
  });
});

describe.each(availableClis())('ECR with CLI $name', (cli) => {
  it('aws ecr get-login-password prints the registry password (the token after "AWS:")', async () => {
    const r = await awsCli(em.endpoint, ['ecr', 'get-login-password'], { bin: cli.bin, creds: powerUser });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^[A-Za-z0-9+/]{100,}={0,2}$/);
  });
  it('describe-repositories and a denied delete-repository', async () => {
    const d = await awsCli(em.endpoint, ['ecr', 'describe-repositories', '--repository-names', 'acme-api'], { bin: cli.bin, creds: powerUser });
    expect(d.json.repositories[0].repositoryUri).toBe(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/acme-api`);
    const del = await awsCli(em.endpoint, ['ecr', 'delete-repository', '--repository-name', 'acme-api', '--force'], { bin: cli.bin, creds: powerUser });
    expect(del.code).not.toBe(0);
    expect(del.stderr).toContain('An error occurred (AccessDeniedException) when calling the DeleteRepository operation: User: arn:aws:iam::000000000000:user/ci-builder is not authorized to perform: ecr:DeleteRepository');
  });
  it('put-image with a manifest file', async () => {
    const r = await awsCli(em.endpoint, ['ecr', 'put-image', '--repository-name', 'acme-api', '--image-tag', `cli-${cli.name}`, '--image-manifest', manifest(cli.name === 'v1' ? 7 : 8)], {
      bin: cli.bin,
      creds: powerUser,
    });
    expect(r.stderr).toBe('');
    expect(r.json.image.imageId.imageTag).toBe(`cli-${cli.name}`);
  });
});
