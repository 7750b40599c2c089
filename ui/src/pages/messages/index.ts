export { Threads } from './Threads.js';
export { ThreadPage } from './ThreadPage.js';
