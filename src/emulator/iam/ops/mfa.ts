/**
 * Virtual MFA: CreateVirtualMFADevice, EnableMFADevice (real TOTP check of two consecutive
 * codes), ResyncMFADevice, ListMFADevices, ListVirtualMFADevices, DeactivateMFADevice,
 * DeleteVirtualMFADevice.
 */
import { DeleteConflict, EntityAlreadyExists, InvalidAuthenticationCode, LimitExceeded, NoSuchEntity, ValidationError } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { nameKey, type VirtualMfaDevice } from '../models.js';
import { validateTags } from '../tags.js';
import { newTotpSeed, otpauthUri, qrCodePng, verifyConsecutiveTotp } from '../totp.js';
import { getUser, iam, iamArn, nowIso, paginate, tagsFrom, validatePath } from '../util.js';
import { requiredTargetUserName, targetUserName, userArnOf } from './caller.js';
import { userShape } from './users.js';

/** AWS lets a user have up to 8 MFA devices. */
export const MFA_DEVICES_PER_USER = 8;

/** Find a device by serial number (ARN), case-insensitively like the names it is made of. */
export function findMfaDevice(ctx: RequestContext, serialNumber: string): VirtualMfaDevice | undefined {
  const devices = iam(ctx).mfaDevices;
  if (devices[serialNumber]) return devices[serialNumber];
  const want = serialNumber.toLowerCase();
  return Object.values(devices).find((d) => d.serialNumber.toLowerCase() === want);
}

/** The MFA devices enabled for a user (by name), oldest first. */
export function mfaDevicesOfUser(ctx: RequestContext, userName: string): VirtualMfaDevice[] {
  const key = nameKey(userName);
  return Object.values(iam(ctx).mfaDevices)
    .filter((d) => d.userName !== undefined && nameKey(d.userName) === key)
    .sort((a, b) => (a.enableDate ?? '').localeCompare(b.enableDate ?? ''));
}

function validateSerial(serial: string): void {
  if (serial.length < 9 || serial.length > 256 || !/^[\w+=/:,.@-]+$/.test(serial)) {
    throw new ValidationError(
      `1 validation error detected: Value at 'serialNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=/:,.@-]+`,
    );
  }
}

function validateCode(p: QueryParams, member: 'AuthenticationCode1' | 'AuthenticationCode2'): string {
  const code = p.required(member);
  if (!/^\d{6}$/.test(code)) {
    const at = member.charAt(0).toLowerCase() + member.slice(1);
    throw new ValidationError(
      code.length !== 6
        ? `1 validation error detected: Value at '${at}' failed to satisfy constraint: Member must have length ${code.length < 6 ? 'greater than or equal to' : 'less than or equal to'} 6`
        : `1 validation error detected: Value at '${at}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]+`,
    );
  }
  return code;
}

const noSuchDevice = (serial: string) => new NoSuchEntity(`VirtualMFADevice with serial number ${serial} doesn't exist.`);

/** The two codes must be consecutive TOTP values of the device's seed. */
function checkCodes(device: VirtualMfaDevice, p: QueryParams): void {
  const code1 = validateCode(p, 'AuthenticationCode1');
  const code2 = validateCode(p, 'AuthenticationCode2');
  if (!verifyConsecutiveTotp(device.seed, code1, code2)) {
    throw new InvalidAuthenticationCode('Authentication code for device is not valid.');
  }
}

export const mfaOperations: QueryOperationTable = {
  CreateVirtualMFADevice: {
    resource: (ctx, p) => iamArn(ctx.account.accountId, 'mfa', p.str('Path') ?? '/', p.required('VirtualMFADeviceName')),
    handler: async (ctx, p) => {
      const name = p.required('VirtualMFADeviceName');
      if (name.length > 226 || !/^[\w+=,.@-]+$/.test(name)) {
        throw new ValidationError(
          name.length > 226
            ? `1 validation error detected: Value at 'virtualMFADeviceName' failed to satisfy constraint: Member must have length less than or equal to 226`
            : `1 validation error detected: Value at 'virtualMFADeviceName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
        );
      }
      const path = validatePath(p.str('Path'));
      const tags = tagsFrom(p);
      validateTags(tags);
      const serialNumber = iamArn(ctx.account.accountId, 'mfa', path, name);
      if (findMfaDevice(ctx, serialNumber)) {
        throw new EntityAlreadyExists('MFA device already exists.');
      }
      const device: VirtualMfaDevice = { serialNumber, seed: newTotpSeed(), createDate: nowIso(), tags };
      // The QR code holds the otpauth URI authenticator apps scan, labelled as AWS labels it.
      const png = await qrCodePng(otpauthUri(device.seed, `${name}@${iam(ctx).accountAliases[0] ?? ctx.account.accountId}`));
      if (findMfaDevice(ctx, serialNumber)) throw new EntityAlreadyExists('MFADevice entity at the same path and name already exists.');
      iam(ctx).mfaDevices[serialNumber] = device;
      return {
        VirtualMFADevice: {
          SerialNumber: serialNumber,
          // Blobs travel base64-encoded: the seed's base32 text, and the PNG bytes.
          Base32StringSeed: Buffer.from(device.seed, 'ascii').toString('base64'),
          QRCodePNG: png.toString('base64'),
          Tags: tags.length ? tags : undefined,
        },
      };
    },
  },
  EnableMFADevice: {
    resource: (ctx, p) => userArnOf(ctx, p.required('UserName')),
    handler: (ctx, p) => {
      const user = getUser(ctx, p.required('UserName'));
      const serial = p.required('SerialNumber');
      validateSerial(serial);
      const device = findMfaDevice(ctx, serial);
      if (!device) throw noSuchDevice(serial);
      if (device.userName) throw new EntityAlreadyExists('MFA Device is already in use.');
      if (mfaDevicesOfUser(ctx, user.userName).length >= MFA_DEVICES_PER_USER) {
        throw new LimitExceeded(`Cannot exceed quota for MFADevicesPerUser: ${MFA_DEVICES_PER_USER}`);
      }
      checkCodes(device, p);
      device.userName = user.userName;
      device.enableDate = nowIso();
      return undefined;
    },
  },
  ResyncMFADevice: {
    resource: (ctx, p) => userArnOf(ctx, p.required('UserName')),
    handler: (ctx, p) => {
      const user = getUser(ctx, p.required('UserName'));
      const serial = p.required('SerialNumber');
      validateSerial(serial);
      const device = findMfaDevice(ctx, serial);
      if (!device || !device.userName || nameKey(device.userName) !== nameKey(user.userName)) throw noSuchDevice(serial);
      checkCodes(device, p);
      return undefined;
    },
  },
  DeactivateMFADevice: {
    resource: (ctx, p) => userArnOf(ctx, targetUserName(ctx, p)),
    handler: (ctx, p) => {
      const user = getUser(ctx, requiredTargetUserName(ctx, p));
      const serial = p.required('SerialNumber');
      validateSerial(serial);
      const device = findMfaDevice(ctx, serial);
      if (!device || !device.userName || nameKey(device.userName) !== nameKey(user.userName)) throw noSuchDevice(serial);
      device.userName = undefined;
      device.enableDate = undefined;
      return undefined;
    },
  },
  DeleteVirtualMFADevice: {
    resource: (ctx, p) => p.required('SerialNumber'),
    handler: (ctx, p) => {
      const serial = p.required('SerialNumber');
      validateSerial(serial);
      const device = findMfaDevice(ctx, serial);
      if (!device) throw noSuchDevice(serial);
      if (device.userName) throw new DeleteConflict('MFA VirtualDevice in use. Must deactivate first.');
      delete iam(ctx).mfaDevices[device.serialNumber];
      return undefined;
    },
  },
  ListMFADevices: {
    readOnly: true,
    resource: (ctx, p) => userArnOf(ctx, targetUserName(ctx, p)),
    handler: (ctx, p) => {
      const name = targetUserName(ctx, p);
      // The root user's own MFA is not modelled: root lists none.
      const devices = name ? mfaDevicesOfUser(ctx, getUser(ctx, name).userName) : [];
      const { page, ...more } = paginate(devices, p);
      return {
        MFADevices: page.map((d) => ({ UserName: d.userName, SerialNumber: d.serialNumber, EnableDate: new Date(d.enableDate ?? d.createDate) })),
        ...more,
      };
    },
  },
  ListVirtualMFADevices: {
    readOnly: true,
    handler: (ctx, p) => {
      const status = p.str('AssignmentStatus') ?? 'Any';
      if (!['Assigned', 'Unassigned', 'Any'].includes(status)) {
        throw new ValidationError(
          `1 validation error detected: Value at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set`,
        );
      }
      const users = iam(ctx).users;
      const devices = Object.values(iam(ctx).mfaDevices)
        .filter((d) => status === 'Any' || (status === 'Assigned') === Boolean(d.userName))
        .sort((a, b) => a.serialNumber.localeCompare(b.serialNumber));
      const { page, ...more } = paginate(devices, p);
      return {
        VirtualMFADevices: page.map((d) => {
          const user = d.userName ? users[nameKey(d.userName)] : undefined;
          return {
            SerialNumber: d.serialNumber,
            User: user ? { ...userShape(user), Tags: undefined } : undefined,
            EnableDate: d.enableDate ? new Date(d.enableDate) : undefined,
            Tags: d.tags.length ? d.tags : undefined,
          };
        }),
        ...more,
      };
    },
  },
};
