import type { UserConfig } from 'vitest/config';
/** The shared kit vitest preset (workspace source aliases, forks pool, CI summary reporter). */
export declare function defineKitVitest(overrides?: UserConfig): UserConfig;
