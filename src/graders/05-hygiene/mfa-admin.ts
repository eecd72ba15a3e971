/**
 * hygiene/mfa-admin: admin-alan has an enabled virtual MFA device. A device is enabled with two
 * consecutive codes from it (EnableMFADevice's AuthenticationCode1 and 2).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html
 */
import {
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  EnableMFADeviceCommand,
  ListMFADevicesCommand,
  paginateListVirtualMFADevices,
  type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { totpWindow } from '../../core/totp.js';
import { isNotFound } from '../aws.js';
import { failed, passed } from '../conditions.js';
import { seedFileFact } from '../facts.js';
import { defineStep, type LabContext } from '../types.js';
import { ALAN, JOHN } from './names.js';

const NAME = `admin-alan has an enabled MFA device`;
const CREATE = `aws iam create-virtual-mfa-device --virtual-mfa-device-name ${ALAN} --outfile alan-mfa.txt --bootstrap-method Base32StringSeed`;
const ENABLE = `iam-labs totp alan-mfa.txt prints two consecutive codes; then aws iam enable-mfa-device --user-name ${ALAN} --serial-number <SerialNumber> --authentication-code1 <first> --authentication-code2 <second>`;

async function virtualDevices(ctx: LabContext): Promise<VirtualMFADevice[]> {
  const out: VirtualMFADevice[] = [];
  for await (const page of paginateListVirtualMFADevices({ client: ctx.clients.iam, stopOnSameToken: true }, {})) out.push(...(page.VirtualMFADevices ?? []));
  return out;
}

/** A new virtual MFA device, enabled for `user` with two consecutive codes, as the chapter does it. */
export async function enableVirtualMfa(ctx: LabContext, user: string, deviceName: string): Promise<{ serial: string; seed: string }> {
  const made = await ctx.clients.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: deviceName }));
  const serial = made.VirtualMFADevice?.SerialNumber ?? '';
  const seed = Buffer.from(made.VirtualMFADevice?.Base32StringSeed ?? new Uint8Array()).toString('ascii');
  const codes = totpWindow(seed);
  await ctx.clients.iam.send(new EnableMFADeviceCommand({ UserName: user, SerialNumber: serial, AuthenticationCode1: codes.current, AuthenticationCode2: codes.next }));
  return { serial, seed };
}

export const mfaAdmin = defineStep({
  id: 'hygiene/mfa-admin',
  async check(ctx) {
    let enabled;
    try {
      enabled = (await ctx.clients.iam.send(new ListMFADevicesCommand({ UserName: ALAN }))).MFADevices ?? [];
    } catch (e) {
      if (!isNotFound(e)) throw e;
      return [failed(NAME, `an MFA device enabled for ${ALAN}`, `no user ${ALAN}`, `User ${ALAN} does not exist any more; this lab needs it.`, 'iam-labs reset brings the lab back to its start.')];
    }
    if (enabled.length) return [passed(NAME, `an MFA device enabled for ${ALAN}`, enabled.map((d) => d.SerialNumber).join(', '))];
    const devices = await virtualDevices(ctx);
    const idle = devices.filter((d) => !d.User);
    const elsewhere = devices.filter((d) => d.User?.UserName);
    if (elsewhere.length) {
      const who = elsewhere.map((d) => d.User?.UserName).join(', ');
      return [
        failed(
          NAME,
          `an MFA device enabled for ${ALAN}`,
          `MFA enabled for ${who}, not ${ALAN}`,
          `The device ${elsewhere[0].SerialNumber} is enabled for ${who}. This step protects the administrator, ${ALAN}: his credentials can do the most harm.`,
          `Create a device for ${ALAN} (${CREATE}) and enable it with --user-name ${ALAN}.`,
        ),
      ];
    }
    if (idle.length) {
      return [
        failed(
          NAME,
          `an MFA device enabled for ${ALAN}`,
          `${idle.map((d) => d.SerialNumber).join(', ')} exists but is not enabled for anyone`,
          'Creating a virtual MFA device only makes its secret; until enable-mfa-device ties it to a user with two consecutive codes, it protects nobody.',
          ENABLE,
        ),
      ];
    }
    return [failed(NAME, `an MFA device enabled for ${ALAN}`, `${ALAN} has no MFA device`, `${ALAN} signs in with a password or an access key alone: whoever learns it is an administrator.`, `${CREATE}; then ${ENABLE}`)];
  },
  async solve(ctx) {
    const { seed } = await enableVirtualMfa(ctx, ALAN, ALAN);
    // step 3 has the learner run `iam-labs totp alan-mfa.txt`: the seed must not be lost with the solution
    ctx.facts.set(seedFileFact('hygiene/mfa-admin', 'alan-mfa.txt'), seed);
  },
  mistakes: [
    { name: 'no MFA device', element: 'MFA device', apply: async () => {}, expectFeedback: /admin-alan has no MFA device[\s\S]*create-virtual-mfa-device --virtual-mfa-device-name admin-alan/ },
    {
      name: 'device created but not enabled',
      element: 'mfa/admin-alan',
      apply: async (ctx) => void (await ctx.clients.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: ALAN }))),
      expectFeedback: /mfa\/admin-alan exists but is not enabled for anyone[\s\S]*iam-labs totp alan-mfa\.txt[\s\S]*enable-mfa-device/,
    },
    {
      name: 'enabled for dev-john instead',
      element: 'dev-john',
      apply: async (ctx) => void (await enableVirtualMfa(ctx, JOHN, JOHN)),
      expectFeedback: /MFA enabled for dev-john, not admin-alan[\s\S]*--user-name admin-alan/,
    },
    {
      name: 'enabled, then deactivated again',
      element: 'mfa/admin-alan',
      apply: async (ctx) => {
        const { serial } = await enableVirtualMfa(ctx, ALAN, ALAN);
        await ctx.clients.iam.send(new DeactivateMFADeviceCommand({ UserName: ALAN, SerialNumber: serial }));
      },
      expectFeedback: /exists but is not enabled for anyone[\s\S]*enable-mfa-device --user-name admin-alan/,
    },
  ],
});
