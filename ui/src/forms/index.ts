export { localInstant, parseMoney, today } from './parse.js';
