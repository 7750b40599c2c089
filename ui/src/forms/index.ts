export { localInstant, moneyText, parseMoney, today } from './parse.js';
export { changedFields } from './changes.js';
