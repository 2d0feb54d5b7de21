export type { AuthRequest, AuthStrategy } from './auth-strategy';
