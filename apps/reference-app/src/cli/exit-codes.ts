/** Exit code of a usage or configuration error (sysexits' EX_USAGE), distinct from doctor's 1 and 2. */
export const EXIT_USAGE = 64;
