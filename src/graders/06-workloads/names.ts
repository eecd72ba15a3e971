/** Lab 06's resource names (COURSE.md) and the facts its steps keep. */
export const BUCKET = 'acme-app-data';
export const APP_USER = 'app-user';
export const APP_ROLE = 'AppServerRole';
export const APP_PROFILE = 'AppServerProfile';
/** the Name tag of the seeded instance (instance ids are EC2's, so the lab names it by tag) */
export const LEGACY = 'i-legacy';
/** the Name tag the chapter gives the instance launched in workloads/instance-role */
export const APP_SERVER = 'app-server';
export const REPORT_ROLE = 'ReportBuilderRole';
export const FUNCTION = 'report-builder';
export const REPORT_KEY = 'report.csv';
/** where setup puts the function's deployment package (the learner may have no `zip` command) */
export const PACKAGE_KEY = 'builds/report-builder.zip';
export const REPOSITORY = 'acme-api';
export const CI_USER = 'ci-builder';
/** any well-formed image id: the emulator boots no operating system (the AWS docs' example id) */
export const IMAGE_ID = 'ami-0abcdef1234567890';

/**
 * Facts (the "workloads/" prefix makes `reset` forget them): i-legacy's profile association and
 * whether the embedded key was still active when workloads/fix-missing-profile first passed.
 */
export const LEGACY_FIX_FACT = 'workloads/legacy-profile-association';
