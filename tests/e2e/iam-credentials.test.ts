/**
 * Credentials IAM keeps for other services, through the SDK v3 against a real emulator: SSH
 * public keys, server and signing certificates, service-specific credentials. The
 * service-specific credential expectations are AWS's recorded answers; fingerprints are checked
 * against ssh-keygen's.
 */
import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeleteServerCertificateCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  GetServerCertificateCommand,
  GetSSHPublicKeyCommand,
  ListServerCertificatesCommand,
  ListServerCertificateTagsCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ResetServiceSpecificCredentialCommand,
  TagServerCertificateCommand,
  UpdateServerCertificateCommand,
  UpdateServiceSpecificCredentialCommand,
  UpdateSigningCertificateCommand,
  UpdateSSHPublicKeyCommand,
  UploadServerCertificateCommand,
  UploadSigningCertificateCommand,
  UploadSSHPublicKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';
import { fixture } from '../helpers/saml.js';

let emu: StartedEmulator;
let iam: IAMClient;
const CERT = fixture('server-cert.pem');
const KEY = fixture('server-key.pem');
const SSH = fixture('ci-ssh.pub');

beforeAll(async () => {
  emu = await startTestEmulator();
  iam = clients(emu.endpoint).iam;
  for (const u of ['dev', 'ops', 'gone']) await iam.send(new CreateUserCommand({ UserName: u }));
});
afterAll(async () => {
  await emu?.close();
});

describe('SSH public keys', () => {
  let id = '';
  it('uploads a key with an APKA id and the MD5 fingerprint ssh-keygen prints', async () => {
    const out = await iam.send(new UploadSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyBody: SSH }));
    id = out.SSHPublicKey!.SSHPublicKeyId!;
    expect(id).toMatch(/^APKA[A-Z2-7]{17}$/);
    // ssh-keygen -l -E md5 -f tests/fixtures/key-material/ci-ssh.pub
    expect(out.SSHPublicKey).toMatchObject({ UserName: 'dev', Status: 'Active', Fingerprint: '3b:21:48:39:e7:fa:bd:79:82:3a:59:a7:4a:cf:49:fd' });
  });

  it('hands the key back in SSH or PEM encoding', async () => {
    const ssh = await iam.send(new GetSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyId: id, Encoding: 'SSH' }));
    expect(ssh.SSHPublicKey?.SSHPublicKeyBody).toBe(SSH.trim().split(' ').slice(0, 2).join(' '));
    const pem = await iam.send(new GetSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyId: id, Encoding: 'PEM' }));
    expect(pem.SSHPublicKey?.SSHPublicKeyBody).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('refuses the same key twice and a key that is not ssh-rsa or PEM', async () => {
    await expectAwsError(iam.send(new UploadSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyBody: SSH })), { code: 'DuplicateSSHPublicKey', status: 400 });
    await expectAwsError(iam.send(new UploadSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyBody: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK' })), {
      code: 'UnrecognizedPublicKeyEncoding',
      status: 400,
    });
  });

  it('lists, deactivates and deletes', async () => {
    await iam.send(new UpdateSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyId: id, Status: 'Inactive' }));
    const list = await iam.send(new ListSSHPublicKeysCommand({ UserName: 'dev' }));
    expect(list.SSHPublicKeys).toEqual([expect.objectContaining({ SSHPublicKeyId: id, Status: 'Inactive', UserName: 'dev' })]);
    await iam.send(new DeleteSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyId: id }));
    expect((await iam.send(new ListSSHPublicKeysCommand({ UserName: 'dev' }))).SSHPublicKeys).toEqual([]);
    await expectAwsError(iam.send(new DeleteSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyId: id })), { code: 'NoSuchEntity', status: 404 });
  });
});

describe('server certificates', () => {
  it('uploads a certificate whose key matches; Expiration is the certificate notAfter', async () => {
    const out = await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'www', Path: '/cloudfront/', CertificateBody: CERT, PrivateKey: KEY, Tags: [{ Key: 'site', Value: 'www' }] }));
    expect(out.ServerCertificateMetadata).toMatchObject({
      ServerCertificateName: 'www',
      Path: '/cloudfront/',
      Arn: 'arn:aws:iam::000000000000:server-certificate/cloudfront/www',
    });
    expect(out.ServerCertificateMetadata?.ServerCertificateId).toMatch(/^ASCA/);
    expect(out.ServerCertificateMetadata!.Expiration!.getUTCFullYear()).toBeGreaterThan(2100);
    const got = await iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'www' }));
    expect(got.ServerCertificate?.CertificateBody).toBe(CERT);
    expect(got.ServerCertificate?.Tags).toEqual([{ Key: 'site', Value: 'www' }]);
  });

  it('refuses a private key that does not match, and a body that is not PEM', async () => {
    await expectAwsError(iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'x', CertificateBody: CERT, PrivateKey: fixture('other-key.pem') })), {
      code: 'KeyPairMismatch',
      message: 'The private key did not match the public key provided. Please verify the key material and try again.',
      status: 400,
    });
    await expectAwsError(iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'x', CertificateBody: 'not a certificate', PrivateKey: KEY })), {
      code: 'MalformedCertificate',
      status: 400,
    });
  });

  it('refuses a name already taken', async () => {
    await expectAwsError(iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'www', CertificateBody: CERT, PrivateKey: KEY })), {
      code: 'EntityAlreadyExists',
      message: 'The Server Certificate with name www already exists.',
      status: 409,
    });
  });

  it('renames and moves, tags, lists by path prefix, deletes', async () => {
    await iam.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'www', NewServerCertificateName: 'www2', NewPath: '/elb/' }));
    await iam.send(new TagServerCertificateCommand({ ServerCertificateName: 'www2', Tags: [{ Key: 'env', Value: 'prod' }] }));
    expect((await iam.send(new ListServerCertificateTagsCommand({ ServerCertificateName: 'www2' }))).Tags).toHaveLength(2);
    const list = await iam.send(new ListServerCertificatesCommand({ PathPrefix: '/elb/' }));
    expect(list.ServerCertificateMetadataList?.map((c) => c.Arn)).toEqual(['arn:aws:iam::000000000000:server-certificate/elb/www2']);
    await iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'www2' }));
    await expectAwsError(iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'www2' })), {
      code: 'NoSuchEntity',
      message: 'The Server Certificate with name www2 cannot be found.',
      status: 404,
    });
  });
});

describe('signing certificates', () => {
  it('uploads, lists, deactivates and deletes; two per user at most', async () => {
    const up = await iam.send(new UploadSigningCertificateCommand({ UserName: 'ops', CertificateBody: CERT }));
    const id = up.Certificate!.CertificateId!;
    expect(up.Certificate).toMatchObject({ UserName: 'ops', Status: 'Active', CertificateBody: CERT });
    expect(id.length).toBeGreaterThanOrEqual(24);
    await expectAwsError(iam.send(new UploadSigningCertificateCommand({ UserName: 'dev', CertificateBody: CERT })), { code: 'DuplicateCertificate', status: 409 });
    // The credential report's cert_1 columns show it.
    await iam.send(new GenerateCredentialReportCommand({}));
    const csv = Buffer.from((await iam.send(new GetCredentialReportCommand({}))).Content!).toString('utf8').split('\n');
    const columns = csv[0].split(',');
    const row = csv.find((r) => r.startsWith('ops,'))!.split(',');
    expect(row[columns.indexOf('cert_1_active')]).toBe('true');
    expect(row[columns.indexOf('cert_2_active')]).toBe('false');
    await iam.send(new UpdateSigningCertificateCommand({ UserName: 'ops', CertificateId: id, Status: 'Inactive' }));
    expect((await iam.send(new ListSigningCertificatesCommand({ UserName: 'ops' }))).Certificates?.[0].Status).toBe('Inactive');
    await iam.send(new DeleteSigningCertificateCommand({ UserName: 'ops', CertificateId: id }));
    expect((await iam.send(new ListSigningCertificatesCommand({ UserName: 'ops' }))).Certificates).toEqual([]);
  });
});

describe('service-specific credentials (AWS recorded answers)', () => {
  let id = '';
  it('creates a CodeCommit credential: <user>-at-<account>, a password shown once', async () => {
    const out = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceName: 'codecommit.amazonaws.com' }));
    const c = out.ServiceSpecificCredential!;
    id = c.ServiceSpecificCredentialId!;
    expect(c).toMatchObject({ ServiceName: 'codecommit.amazonaws.com', ServiceUserName: 'dev-at-000000000000', Status: 'Active', UserName: 'dev' });
    expect(c.ServicePassword?.length).toBeGreaterThan(20);
    const list = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'dev' }));
    expect(list.ServiceSpecificCredentials).toEqual([
      { CreateDate: c.CreateDate, ServiceName: 'codecommit.amazonaws.com', ServiceSpecificCredentialId: id, ServiceUserName: 'dev-at-000000000000', Status: 'Active', UserName: 'dev' },
    ]);
    expect(list.IsTruncated).toBeUndefined();
  });

  it('refuses a service without service-specific credentials', async () => {
    await expectAwsError(iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceName: 'lambda.amazonaws.com' })), {
      code: 'NoSuchEntity',
      message: 'No such service lambda.amazonaws.com is supported for Service Specific Credentials',
      status: 404,
    });
    await expectAwsError(iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'non-existent-user', ServiceName: 'nonexistentservice.amazonaws.com' })), {
      code: 'NoSuchEntity',
      message: 'The user with name non-existent-user cannot be found.',
      status: 404,
    });
    const other = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'dev', ServiceName: 'cassandra.amazonaws.com' }));
    expect(other.ServiceSpecificCredentials).toEqual([]);
  });

  it('validates ids and status as AWS words it', async () => {
    await expectAwsError(iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: 'totally-wrong-credential-id-with-hyphens', Status: 'Inactive' })), {
      code: 'ValidationError',
      message: "1 validation error detected: Value at 'serviceSpecificCredentialId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+",
    });
    await expectAwsError(iam.send(new ResetServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: 'satisfiesregexbutstillinvalid' })), {
      code: 'NoSuchEntity',
      message: 'No such credential satisfiesregexbutstillinvalid exists',
    });
    await expectAwsError(iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'wrong-user-name', ServiceSpecificCredentialId: id })), {
      code: 'NoSuchEntity',
      message: 'The user with name wrong-user-name cannot be found.',
    });
    await expectAwsError(iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: id, Status: 'Sleeping' as never })), {
      code: 'ValidationError',
      message: "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set",
    });
  });

  it('keeps the status on reset and issues a new password', async () => {
    await iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: id, Status: 'Inactive' }));
    const reset = await iam.send(new ResetServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: id }));
    expect(reset.ServiceSpecificCredential).toMatchObject({ Status: 'Inactive', ServiceSpecificCredentialId: id });
  });

  it('makes DeleteUser refuse while the user still has one', async () => {
    await expectAwsError(iam.send(new DeleteUserCommand({ UserName: 'dev' })), {
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must remove referenced objects first.',
      status: 409,
    });
    await iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'dev', ServiceSpecificCredentialId: id }));
    await iam.send(new DeleteUserCommand({ UserName: 'dev' }));
  });
});
