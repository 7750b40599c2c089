/** What the cross-package tests share: boxes in their own processes, their HTTP API, database checks. */
export { spawnReady, type Running } from './process.js';
export { download, login, request, type HttpResult, type HttpSession } from './http.js';
export { checkDatabase, copyAsLeft, DB_FILE, type Acknowledged, type CheckResult } from './check.js';
