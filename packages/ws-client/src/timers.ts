// The one "run this after a delay on a clock" helper lives in @kit/retry; this name is what the
// client's modules import.
export { startTimer as schedule } from '@kit/retry/internal';
