import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'baoxue:public';

/** The route needs no log-in (POST /api/auth/login, GET /api/health). Everything else does. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
