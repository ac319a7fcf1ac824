/*
 * /app: the shell and every feature's pages. A feature lives in web/<feature>/ (page.js draws it,
 * api.js holds its API calls) and registers its routes here (docs/web.md).
 */
import { start } from './shell.js';
import '../tasks/page.js';
import '../report/page.js';
import '../case/page.js';
import '../accounts/page.js';
import '../registry/page.js';
import '../notifications/page.js';
import '../education-aid/page.js';
import '../audit/page.js';
import '../ledger/page.js';
import '../sources/page.js';
import '../finding-lists/page.js';
import '../what-if/page.js';
import '../offline/page.js';

start();
