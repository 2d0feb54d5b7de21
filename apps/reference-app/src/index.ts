// The reference app's programmatic surface (private: for tests, the docs build and the bench). The
// commands are what users run; these are the same pieces without a process around them.
export type { CheckId, CheckProblem, CheckResult, CheckStatus } from './doctor/check-result';
export { CHECK_IDS, CHECK_TITLES } from './doctor/check-result';
export type { ResolvedAddress, Resolver } from './doctor/net-probes';
export type { DoctorReport, RunDoctorOptions } from './doctor/run-doctor';
export { runDoctor } from './doctor/run-doctor';
export type { RunCliOptions } from './main';
export { runCli } from './main';
export type { SessionSummary } from './start/summary';
