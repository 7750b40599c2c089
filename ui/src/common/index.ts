export { Field, notes, type NoteWords } from './pieces.js';
export { LanguagePicker, SkipLink, focusMainOnNavigation } from './frame.js';
export { polled, REFRESH_MS } from './poll.js';
export { isObject, isString, oneOf } from './guards.js';
export {
  deliverySentence,
  lastUpdateSentence,
  pendingDelivery,
  readUpdateReport,
  updateTrouble,
  type UpdateDelivery,
  type UpdateKey,
  type UpdateLast,
  type UpdateReport,
  type UpdateWords,
} from './update.js';
