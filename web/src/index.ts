// The admin pages' static assets, served by the bff from this folder.
import { fileURLToPath } from 'node:url';

/** Absolute path of web/public (stylesheet, vendored htmx, icons). */
export const publicDir: string = fileURLToPath(new URL('../public/', import.meta.url));
