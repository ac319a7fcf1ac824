import { SetMetadata } from '@nestjs/common';

export const ALLOWED_BEFORE_PASSWORD_CHANGE = 'baoxue:allowed-before-password-change';

/**
 * A route an account with a one-time password may call (changing it, reading who it is): every
 * other route answers 403 AUTH.PASSWORD_CHANGE_REQUIRED until the password is changed (AuthGuard).
 */
export const AllowedBeforePasswordChange = () => SetMetadata(ALLOWED_BEFORE_PASSWORD_CHANGE, true);
