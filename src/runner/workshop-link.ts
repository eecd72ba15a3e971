/**
 * <home>/workshop.json: the workshop this machine joined (server, name, the learner's token), so
 * every grading can light up the instructor's dashboard and `stop` can say how to come back.
 */
import path from 'node:path';
import { CorruptFileError } from '../core/errors.js';
import { isRecord, readJsonFile, writeJsonFile } from '../core/json-file.js';
import { reportProgress, type ReportedStep } from '../workshop/client.js';

export interface WorkshopLink {
  format: 1;
  base: string;
  name: string;
  learnerId: string;
  token: string;
  accountId: string;
}

export const workshopFile = (home: string) => path.join(home, 'workshop.json');

const isLink = (v: unknown): v is WorkshopLink =>
  isRecord(v) && v.format === 1 && typeof v.base === 'string' && typeof v.name === 'string' && typeof v.token === 'string';

/** The joined workshop, if any. An unreadable file is kept aside and reported (CorruptFileError). */
export function readWorkshopLink(home: string): WorkshopLink | undefined {
  return readJsonFile(workshopFile(home), isLink, (u) =>
    new CorruptFileError(`the workshop file ${u.file} could not be read (${u.reason}); it was kept as ${u.keptAs}.`, 2, 'Join again: iam-labs workshop join <url> --name "Your Name" --code <code>.'),
  );
}

export function writeWorkshopLink(home: string, link: WorkshopLink): void {
  writeJsonFile(workshopFile(home), link);
}

/** Called after every grading: tell the dashboard, if this machine joined a workshop. Never throws. */
export async function reportToWorkshop(
  home: string,
  lab: string,
  steps: Array<{ id: string; status: ReportedStep['status']; failing?: string[] }>,
): Promise<void> {
  let link: WorkshopLink | undefined;
  try {
    link = readWorkshopLink(home);
  } catch {
    return; // kept aside; `iam-labs stop` or a new join reports it
  }
  if (!link) return;
  await reportProgress(link.base, link.token, lab, steps);
}
